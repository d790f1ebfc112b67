//! The console's Overview and Batches pages in a real headless Chromium with the real
//! collector: uploads with a good token, a wrong one and another agency's are made; the
//! admin sees every attempt, the refused ones with their reasons, and one on its own
//! page; a coordinator sees its own agency's attempts and figures, and is refused another
//! agency's attempt (and one without an agency) by its address. Every page passes
//! axe-core at 1280, 800 and 360 px, fits the screen, and is kept as a screenshot.

use doorstep_e2e::console::{add_user, check_page};
use doorstep_e2e::{add_token, dist, Collector, Result, Scratch, Worker};
use serde_json::Value;

/// Sample responses `range` as one batch (id from `seed`) of sample worker W012 of
/// Hackney CVS, as JSON.
fn batch(seed: u64, range: std::ops::Range<usize>) -> Result<String> {
    let q = survey::shipped::shared_questionnaire()?;
    Ok(survey::sample::batch(&q, seed, range)?.to_json()?)
}

/// Uploads `body` with `token` from the page, as the app would, and returns the status
/// and the reason the collector gave (empty when stored).
async fn upload(worker: &Worker, token: &str, body: &str) -> Result<(u64, String)> {
    let answer = worker
        .run_async(&format!(
            "const r = await fetch('/api/v1/batches', {{ method: 'POST',
                headers: {{ 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + {token} }},
                body: {body} }});
             return [r.status, await r.json()];",
            token = serde_json::to_string(token)?,
            body = serde_json::to_string(body)?,
        ))
        .await?;
    let status = answer[0].as_u64().unwrap_or(0);
    let reason = answer[1]["reason"].as_str().unwrap_or_default().to_owned();
    Ok((status, reason))
}

/// The address of the detail page of the Batches list's row that shows `words`.
async fn detail_of(worker: &Worker, words: &str) -> Result<String> {
    let found = worker
        .run(&format!(
            "const row = [...document.querySelectorAll('tbody tr')].find((r) => r.innerText.includes({w}));
             return row ? new URL(row.querySelector('a').href).pathname : null;",
            w = serde_json::to_string(words)?
        ))
        .await?;
    match found {
        Value::String(path) => Ok(path),
        _ => Err(format!("no row of the Batches list shows {words:?}").into()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_sees_every_attempt_and_why_and_a_coordinator_only_its_agencys() -> Result<()> {
    let data = Scratch::new("console-overview")?;
    let collector = Collector::start(&dist(), data.path())?;
    let admin_link = add_user(data.path(), collector.origin(), "admin@example.org", None)?;
    let coordinator_link = add_user(
        data.path(),
        collector.origin(),
        "coordinator@example.org",
        Some("hackney-cvs"),
    )?;
    let cvs = add_token(data.path(), "hackney-cvs")?;
    let police = add_token(data.path(), "met-police")?;
    let mut admin = Worker::launch("console-overview-admin").await?;
    admin
        .log_in_first_time(&admin_link, "admin@example.org")
        .await?;
    admin.see_heading("Doorstep console").await?;

    // A good upload of twelve interviews, one with a wrong token, one with the police's
    // token for Hackney CVS's batch.
    let (status, reason) = upload(&admin, &cvs, &batch(1, 0..12)?).await?;
    assert_eq!(status, 200, "{reason}");
    let (status, wrong_reason) = upload(&admin, "dst_not-a-real-token", &batch(2, 12..13)?).await?;
    assert_eq!(status, 401);
    assert_eq!(wrong_reason, "the upload token is not known or was revoked");
    let (status, police_reason) = upload(&admin, &police, &batch(3, 13..15)?).await?;
    assert_eq!(status, 403, "{police_reason}");

    // The admin's Batches page: all three, the refused ones with their reasons.
    admin.follow("Batches").await?;
    admin.see_heading("Batches").await?;
    admin.see_words("3 attempts").await?;
    let text = admin.see_words(&wrong_reason).await?;
    assert!(text.contains(&police_reason), "{text}");
    assert!(text.contains("refused: upload token not valid"), "{text}");
    assert!(
        text.contains("W012") && text.contains("tablet-07"),
        "{text}"
    );
    check_page(&admin, "batches").await?;
    let wrong = detail_of(&admin, &wrong_reason).await?;
    let theirs = detail_of(&admin, &police_reason).await?;
    let ours = detail_of(&admin, "12 new").await?;
    admin.go(&wrong).await?;
    let number = wrong.trim_start_matches("/console/batches/");
    admin.see_heading(&format!("Attempt {number}")).await?;
    admin.see_words("What to do").await?;
    admin
        .see_words("Check the upload token on the tablet")
        .await?;
    check_page(&admin, "batch").await?;

    // The admin's Overview: every agency's twelve responses and doors.
    admin.follow("Overview").await?;
    admin.see_heading("Overview").await?;
    let text = admin.see_words("In total, every agency").await?;
    assert!(text.contains("Contact rate"), "{text}");
    let total = admin
        .run("return [...document.querySelectorAll('caption')].find((c) => c.innerText.startsWith('In total')).closest('table').querySelector('tbody tr').innerText;")
        .await?;
    let total = total.as_str().unwrap_or_default();
    assert!(
        total.starts_with("12\t12\t10\t2"),
        "responses, doors, contacts, interviews: {total:?}"
    );
    check_page(&admin, "overview").await?;

    // The coordinator of Hackney CVS: its own attempt, none of the others, by URL either.
    let mut coordinator = Worker::launch("console-overview-coordinator").await?;
    coordinator
        .log_in_first_time(&coordinator_link, "coordinator@example.org")
        .await?;
    coordinator.see_heading("Doorstep console").await?;
    coordinator.follow("Batches").await?;
    let text = coordinator.see_words("1 attempt").await?;
    assert!(text.contains("12 new") || text.contains("W012"), "{text}");
    assert!(
        !text.contains(&wrong_reason) && !text.contains(&police_reason),
        "{text}"
    );
    for (path, whose) in [(&theirs, "the police's"), (&wrong, "a wrong token's")] {
        let (status, body) = coordinator.fetch_status(path).await?;
        assert_eq!(status, 403, "{whose}: {body}");
        assert!(!body.contains(&police_reason) && !body.contains(&wrong_reason));
    }
    let (status, _) = coordinator.fetch_status(&ours).await?;
    assert_eq!(status, 200);
    coordinator.go(&ours).await?;
    coordinator
        .see_words("Nothing: the batch is stored")
        .await?;
    check_page(&coordinator, "batch-coordinator").await?;
    coordinator.follow("Overview").await?;
    let text = coordinator.see_words("In total, hackney-cvs").await?;
    assert!(text.contains("Every agency"), "{text}");
    check_page(&coordinator, "overview-coordinator").await?;
    admin.close().await?;
    coordinator.close().await?;
    Ok(())
}
