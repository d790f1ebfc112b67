//! Set-up from a coordinator's link, in a real headless Chromium with the real collector:
//! the link made for a real upload token fills in where to hand in, leaves the address
//! bar at once, and the interview made after asking only the worker's own fields is
//! accepted; a broken link says what is wrong and set-up by hand still works.

use doorstep_e2e::journey::{complete_interview, upload_the_one_waiting};
use doorstep_e2e::{add_token, dist, stored_in_collector, Collector, Result, Scratch, Worker};
use survey::wire::SetupLink;

#[tokio::test(flavor = "multi_thread")]
async fn a_set_up_link_fills_in_where_to_hand_in_and_the_interview_is_accepted() -> Result<()> {
    let data = Scratch::new("setup-link-data")?;
    let token = add_token(data.path(), "hackney-council")?;
    let collector = Collector::start(&dist(), data.path())?;
    let link = SetupLink {
        collector: collector.origin().to_owned(),
        agency: "hackney-council".into(),
        token: token.clone(),
    };
    let mut worker = Worker::launch("setup-link").await?;
    worker.open(&link.to_url()).await?;

    worker.see("page-setup").await?;
    let notice = worker
        .see_text(
            "setup-link-notice",
            "Filled in from your coordinator's link",
        )
        .await?;
    assert!(notice.contains(collector.origin()), "{notice}");
    assert!(notice.contains(&token[..8]), "{notice}");
    assert!(!notice.contains(&token), "the whole token shows: {notice}");
    worker
        .see_text(
            "setup-link-still",
            "Still to fill in: Your worker code, This tablet's name, Ward you are working in.",
        )
        .await?;
    let role = worker
        .run("return document.querySelector('[data-testid=setup-link-notice]').getAttribute('role');")
        .await?;
    assert_eq!(role, "status", "the notice is announced");
    // The token has left the address bar (and so the history entry).
    let address = worker.run("return location.href;").await?;
    let address = address.as_str().unwrap_or_default().to_owned();
    assert!(
        !address.contains('#') && !address.contains(&token),
        "{address}"
    );
    assert_eq!(worker.path().await?, "/setup");
    let page_text = worker.run("return document.body.innerText;").await?;
    assert!(!page_text.as_str().unwrap_or_default().contains(&token));
    // Filled in, and still changeable.
    assert_eq!(
        worker.field_value("setup-collector").await?,
        collector.origin()
    );
    assert_eq!(worker.field_value("setup-agency").await?, "hackney-council");
    assert_eq!(worker.field_value("setup-token").await?, token);
    let problems = worker.accessibility_problems().await?;
    assert!(problems.is_empty(), "{problems:#?}");

    // Only the worker's own fields.
    worker.type_text("setup-worker", "w012").await?;
    worker.type_text("setup-device", "Tablet 07").await?;
    worker.choose("setup-area", "E05009370").await?;
    worker
        .see_text("setup-link-still", "Everything is filled in")
        .await?;
    worker.tap("setup-save").await?;
    worker.see("page-today").await?;
    worker.see("visit-outcome-interviewed").await?;

    complete_interview(&worker).await?;
    upload_the_one_waiting(&worker).await?;
    assert_eq!(stored_in_collector(data.path())?, 1);

    // A second link on the tablet already set up: filled in, nothing saved until saving.
    let saved_before = worker
        .local_storage()
        .await?
        .get("doorstep/v1/setup")
        .cloned();
    let second = SetupLink {
        token: "dst_second".into(),
        ..link
    };
    worker.open(&second.to_url()).await?;
    worker
        .see_text(
            "setup-link-notice",
            "Nothing on this tablet changes until you save.",
        )
        .await?;
    assert_eq!(worker.field_value("setup-token").await?, "dst_second");
    assert_eq!(worker.field_value("setup-worker").await?, "W012");
    let saved_after = worker
        .local_storage()
        .await?
        .get("doorstep/v1/setup")
        .cloned();
    assert_eq!(saved_after, saved_before, "opening a link saves nothing");
    drop(collector);
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_set_up_link_says_what_is_missing_and_set_up_by_hand_still_works() -> Result<()> {
    let data = Scratch::new("setup-link-broken")?;
    let collector = Collector::start(&dist(), data.path())?;
    let mut worker = Worker::launch("setup-link-broken").await?;
    worker
        .open(&collector.url(&format!(
            "/setup#collector={}&agency=hackney-council",
            collector.origin().replace(':', "%3A").replace('/', "%2F")
        )))
        .await?;
    worker
        .see_text(
            "setup-link-problem",
            "This set-up link is missing the upload token; ask your coordinator for a new one.",
        )
        .await?;
    let address = worker.run("return location.href;").await?;
    assert!(
        !address.as_str().unwrap_or_default().contains('#'),
        "{address}"
    );
    assert_eq!(worker.field_value("setup-agency").await?, "");
    let problems = worker.accessibility_problems().await?;
    assert!(problems.is_empty(), "{problems:#?}");

    worker.type_text("setup-worker", "w012").await?;
    worker.choose("setup-agency", "hackney-council").await?;
    worker.type_text("setup-device", "Tablet 07").await?;
    worker.choose("setup-area", "E05009370").await?;
    worker.tap("setup-save").await?;
    worker.see("page-today").await?;
    drop(collector);
    worker.close().await
}
