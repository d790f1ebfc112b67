//! What a new worker met first at the door (issue 13): a false "could not save itself"
//! after a reload inside an interview, a navigation bar wider than a phone, and an
//! interview left by a restart far below the fold. Found as a person finds them: by the
//! words on screen, the links' and buttons' names.

use doorstep_e2e::journey::{
    consent_and_age, navigation_in_view, offline_card, open_and_set_up, start_interview,
};
use doorstep_e2e::{dist, Collector, Result, Scratch, Worker};
use serde_json::json;

const READY: &str = "Ready to work without signal.";
const PREPARING: &str =
    "Getting ready to work without signal… Keep this page open while you have signal.";

fn serve(label: &str) -> Result<(Collector, Scratch)> {
    let data = Scratch::new(label)?;
    let collector = Collector::start(&dist(), data.path())?;
    Ok((collector, data))
}

/// Waits until the address ends with `tail`.
async fn at_address_ending(worker: &Worker, tail: &str) -> Result<String> {
    let value = worker
        .wait_until(
            &format!("an address ending {tail}"),
            &format!(
                "location.pathname.endsWith({}) ? location.pathname : null",
                json!(tail)
            ),
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reload_inside_an_interview_keeps_the_app_ready_without_signal() -> Result<()> {
    let (mut collector, _data) = serve("reload-ready")?;
    let mut worker = Worker::launch("reload-ready").await?;
    open_and_set_up(&mut worker, &collector).await?;
    worker.wait_until_ready_offline().await?;
    start_interview(&worker).await?;
    consent_and_age(&worker, 5).await?;
    let section_two = at_address_ending(&worker, "/section/2").await?;

    // Reloaded at the section's own address, with signal.
    worker.reload().await?;
    at_address_ending(&worker, "/section/2").await?;
    worker.follow("Today").await?;
    worker.see_heading("Today").await?;
    assert_eq!(
        offline_card(&worker, PREPARING).await?,
        READY.to_owned() + " This version is saved on the device."
    );

    // And with the collector gone (no signal), reloaded at the same address.
    worker.go(&section_two).await?;
    at_address_ending(&worker, "/section/2").await?;
    collector.kill();
    worker.reload().await?;
    at_address_ending(&worker, "/section/2").await?;
    worker.follow("Today").await?;
    worker.see_heading("Today").await?;
    let card = offline_card(&worker, PREPARING).await?;
    assert!(
        card.starts_with(READY),
        "offline, after a reload inside an interview: {card}"
    );
    worker.close().await
}

/// Each of the worker's screens at phone and tablet widths: nothing past the screen's
/// edge, no navigation link cut off or on two lines, every target 48px.
#[tokio::test(flavor = "multi_thread")]
async fn the_navigation_fits_a_phone_on_every_screen() -> Result<()> {
    let (collector, _data) = serve("nav-fits")?;
    let mut worker = Worker::launch("nav-fits").await?;
    open_and_set_up(&mut worker, &collector).await?;
    for (link, heading) in [
        ("Today", "Today"),
        ("Interviews", "Interviews on this tablet"),
        ("Hand in", "Hand in"),
        ("Settings", "Settings"),
    ] {
        worker.follow(link).await?;
        worker.see_heading(heading).await?;
        for (width, height) in [(320, 640), (360, 740), (800, 1000), (1280, 900)] {
            worker.use_screen(width, height).await?;
            let problems = worker.layout_problems().await?;
            assert!(problems.is_empty(), "{heading} at {width}px: {problems:#?}");
            assert_eq!(
                navigation_in_view(&worker).await?,
                ["Today", "Interviews", "Hand in", "Settings"],
                "{heading} at {width}px: every link in full view"
            );
            if heading == "Today" {
                worker.screenshot(&format!("app-nav-today-{width}")).await?;
            }
        }
        worker.use_screen(1280, 900).await?;
    }
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_restart_the_interview_in_progress_comes_first() -> Result<()> {
    let (collector, _data) = serve("restart-first")?;
    let mut worker = Worker::launch("restart-first").await?;
    open_and_set_up(&mut worker, &collector).await?;
    worker.use_screen(360, 740).await?;

    // Starting an interview is the main action: first, filled, across the row.
    let buttons = worker
        .run(
            "const group = document.querySelector('[role=group]');
             return [...group.querySelectorAll('button')].map((b) => {
               const r = b.getBoundingClientRect(), s = getComputedStyle(b);
               return [b.textContent.trim(), Math.round(r.width), s.backgroundColor];
             });",
        )
        .await?;
    let buttons: Vec<(String, f64, String)> = serde_json::from_value(buttons)?;
    let (first, first_width, first_fill) = &buttons[0];
    assert_eq!(first, "Interview", "{buttons:?}");
    for (name, width, fill) in &buttons[1..] {
        assert!(
            width < first_width,
            "{name} is as wide as Interview: {buttons:?}"
        );
        assert_ne!(fill, first_fill, "{name} looks like Interview: {buttons:?}");
    }
    worker.screenshot("today-door-log-360").await?;

    start_interview(&worker).await?;
    consent_and_age(&worker, 5).await?;
    at_address_ending(&worker, "/section/2").await?;
    // The browser is closed mid-interview and the app opened again at its start.
    worker.go("/").await?;
    worker.see_heading("Today").await?;
    let continue_link = worker
        .wait_until(
            "a link to continue the interview",
            "(() => { const a = [...document.querySelectorAll('main a')]
                 .find((a) => a.textContent.trim().startsWith('Continue interview'));
               if (!a) return null;
               const r = a.getBoundingClientRect();
               const first = document.querySelector('main h1 ~ *');
               return { bottom: r.bottom, height: innerHeight, filled: getComputedStyle(a).backgroundColor,
                        firstCard: first && first.textContent.includes('Interviews in progress') }; })()",
        )
        .await?;
    assert_eq!(continue_link["firstCard"], json!(true), "{continue_link}");
    let (bottom, height) = (
        continue_link["bottom"].as_f64().unwrap_or(f64::MAX),
        continue_link["height"].as_f64().unwrap_or_default(),
    );
    assert!(
        bottom <= height,
        "Continue interview is below the fold at 360px: {continue_link}"
    );
    assert_eq!(
        continue_link["filled"],
        json!(first_fill),
        "{continue_link}"
    );
    worker.screenshot("today-in-progress-360").await?;
    for (width, height) in [(800, 1000), (1280, 900)] {
        worker.use_screen(width, height).await?;
        worker
            .screenshot(&format!("today-in-progress-{width}"))
            .await?;
    }
    worker.follow_starting("Continue interview").await?;
    at_address_ending(&worker, "/section/2").await?;
    worker.close().await
}
