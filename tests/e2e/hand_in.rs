//! Handing in, in a real headless Chromium with the real collector: a file exported
//! without signal is a valid batch the collector imports; with signal the app uploads,
//! gets a receipt, and the collector holds every interview exactly once.

use std::path::Path;

use doorstep_e2e::journey::{
    complete_interview, open_and_set_up, open_and_set_up_with_token, upload_the_one_waiting,
};
use doorstep_e2e::{
    add_token, collector_command, dist, stored_in_collector, Collector, Result, Scratch, Worker,
};
use serde_json::Value;

fn serve(label: &str) -> Result<(Collector, Scratch)> {
    let data = Scratch::new(label)?;
    let collector = Collector::start(&dist(), data.path())?;
    Ok((collector, data))
}

/// Makes every stored interview look last changed `days` days ago.
async fn age_interviews(worker: &Worker, days: u32) -> Result<()> {
    worker
        .run(&format!(
            "const then = Date.now() - {days} * 86400000;
             for (const k of Object.keys(localStorage)) {{
               if (k.startsWith('doorstep/v1/response/') || k.startsWith('doorstep/v1/summary/')) {{
                 localStorage.setItem(k, localStorage.getItem(k).replace(/\"u\":\\d+/, `\"u\":${{then}}`));
               }}
             }}
             return true;"
        ))
        .await?;
    Ok(())
}

/// Reads a downloaded batch and checks it as the collector would.
fn verified_batch(path: &Path) -> Result<(survey::Batch, String)> {
    let text = std::fs::read_to_string(path)?;
    let questionnaires = survey::shipped::shipped_questionnaires()?;
    let received = std::time::SystemTime::now().into();
    let batch = survey::parse_and_verify(text.as_bytes(), questionnaires.as_slice(), received)?;
    Ok((batch, text))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_exported_without_signal_is_a_valid_batch_and_stays_until_confirmed() -> Result<()> {
    let (mut collector, _data) = serve("export")?;
    let downloads = Scratch::new("export-downloads")?;
    let mut worker = Worker::launch("export").await?;
    worker.allow_downloads(downloads.path()).await?;
    open_and_set_up(&mut worker, &collector).await?;
    worker.wait_until_ready_offline().await?;
    collector.kill();
    worker.set_network(false).await?;

    // A door with a note, then two whole interviews.
    worker.tap("visit-outcome-call_back").await?;
    worker.type_text("visit-note", "Green gate, flat B").await?;
    worker.tap("visit-save").await?;
    complete_interview(&worker).await?;
    complete_interview(&worker).await?;

    worker.tap("nav-hand-in").await?;
    worker
        .see_text("waiting-count", "2 completed interviews to hand in")
        .await?;
    worker.see_text("upload-offline", "No signal now").await?;
    worker.tap("export-csv").await?;
    worker.tap("export-file").await?;
    worker
        .see_text("export-status", "Saved doorstep-W012-")
        .await?;

    let file = worker
        .downloaded(downloads.path(), |n| {
            n.starts_with("doorstep-W012-") && n.ends_with(".json")
        })
        .await?;
    let (batch, text) = verified_batch(&file)?;
    assert_eq!(batch.count, 2);
    assert_eq!(batch.visits.len(), 3, "two interviews and a call-back");
    assert_eq!(batch.worker.as_str(), "W012");
    assert_eq!(batch.agency.as_str(), "hackney-council");
    assert!(!text.contains("Green gate"), "a door note left the tablet");
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let short: String = batch.id.to_string().chars().take(8).collect();
    assert!(name.ends_with(&format!("-{short}.json")), "{name}");

    let csv = worker
        .downloaded(downloads.path(), |n| {
            n.ends_with(".csv") && !n.ends_with("-codebook.csv")
        })
        .await?;
    let csv = std::fs::read_to_string(csv)?;
    assert!(csv.starts_with('\u{feff}'), "spreadsheet opens as UTF-8");
    assert_eq!(csv.lines().count(), 3, "header and two interviews");
    worker
        .downloaded(downloads.path(), |n| n.ends_with("-codebook.csv"))
        .await?;

    // Still on the tablet, marked with the batch, until a receipt.
    let storage = worker.local_storage().await?;
    let stored: Vec<Value> = storage
        .iter()
        .filter(|(k, _)| k.starts_with("doorstep/v1/response/"))
        .map(|(_, v)| serde_json::from_str(v))
        .collect::<std::result::Result<_, _>>()?;
    assert_eq!(stored.len(), 2);
    for response in &stored {
        assert_eq!(response["st"], "complete");
        assert_eq!(response["b"], batch.id.to_string());
    }
    worker
        .see_text(
            "hand-in-progress",
            "2 interviews exported to a file, not received by the collector yet.",
        )
        .await?;
    worker.see_text("batches", "Exported to a file at ").await?;
    worker
        .see_text("batches", ", not received by the collector yet.")
        .await?;

    // Exported again: the same batch, byte for byte.
    std::fs::remove_file(&file)?;
    worker.tap(&format!("export-again-{}", batch.id)).await?;
    let again = worker.downloaded(downloads.path(), |n| n == name).await?;
    assert_eq!(std::fs::read_to_string(again)?, text);

    // A completed interview in a batch can no longer be reopened.
    worker.tap("nav-interviews").await?;
    worker.tap("filter-complete").await?;
    worker
        .run("document.querySelector('[data-testid=interview-row] a').click(); return true;")
        .await?;
    worker.see("interview-completed").await?;
    assert!(!worker.is_showing("interview-reopen").await?);

    // However old, an interview without a receipt is never cleared.
    age_interviews(&worker, 400).await?;
    worker.reload().await?;
    worker.tap("nav-interviews").await?;
    worker.see_text("filter-complete", "Completed (2)").await?;
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn exported_offline_then_imported_then_uploaded_online_stores_each_interview_once(
) -> Result<()> {
    let data = Scratch::new("handin-data")?;
    let token = add_token(data.path(), "hackney-council")?;
    let mut collector = Collector::start(&dist(), data.path())?;
    let addr = collector.addr().to_owned();
    let downloads = Scratch::new("handin-downloads")?;
    let mut worker = Worker::launch("handin").await?;
    worker.allow_downloads(downloads.path()).await?;
    open_and_set_up_with_token(&mut worker, &collector, Some(&token)).await?;
    worker.wait_until_ready_offline().await?;

    // No signal: two interviews, exported as a file.
    collector.kill();
    worker.set_network(false).await?;
    complete_interview(&worker).await?;
    complete_interview(&worker).await?;
    worker.tap("nav-hand-in").await?;
    worker.tap("export-file").await?;
    let file = worker
        .downloaded(downloads.path(), |n| n.ends_with(".json"))
        .await?;
    let (batch, _) = verified_batch(&file)?;
    assert_eq!(batch.count, 2);

    // The coordinator imports the file.
    let imported = collector_command(data.path(), &["import", file.to_str().unwrap_or_default()])?;
    assert!(imported.contains("2 new, 0 already present"), "{imported}");
    assert_eq!(stored_in_collector(data.path())?, 2);

    // Back in signal: what waits goes by itself; the collector already had both.
    let collector = Collector::start_at(&addr, &dist(), data.path())?;
    worker.set_network(true).await?;
    worker.see_state("upload-status", "done").await?;
    worker
        .see_text(
            "upload-status",
            "Received by the collector, which already had both — nothing is lost.",
        )
        .await?;
    worker
        .see_text("waiting-count", "Nothing to hand in")
        .await?;
    // One more interview, sent with the button.
    worker.tap("nav-today").await?;
    complete_interview(&worker).await?;
    upload_the_one_waiting(&worker).await?;
    worker
        .see_text("waiting-count", "Nothing to hand in")
        .await?;
    worker
        .see_text("batches", "Received by the collector: 1 new.")
        .await?;
    assert_eq!(stored_in_collector(data.path())?, 3);

    // On the tablet: handed in, read-only.
    worker.tap("nav-interviews").await?;
    worker.see_text("filter-uploaded", "Handed in (3)").await?;
    let storage = worker.local_storage().await?;
    for (key, value) in storage
        .iter()
        .filter(|(k, _)| k.starts_with("doorstep/v1/response/"))
    {
        let response: Value = serde_json::from_str(value)?;
        assert_eq!(response["st"], "uploaded", "{key}");
    }

    // The same batch again, as a second upload: nothing new is stored.
    let again = worker
        .run_async(&format!(
            "const r = await fetch('/api/v1/batches', {{ method: 'POST',
                headers: {{ 'Content-Type': 'application/json', 'Authorization': 'Bearer {token}' }},
                body: {} }});
             return [r.status, await r.json()];",
            serde_json::to_string(&std::fs::read_to_string(&file)?)?
        ))
        .await?;
    assert_eq!(again[0], 200, "{again}");
    assert_eq!(again[1]["accepted"], 0);
    assert_eq!(again[1]["already_present"], 2);
    assert_eq!(stored_in_collector(data.path())?, 3);

    // Handed in more than the retention period ago (set to 1 day): cleared at start.
    worker.tap("nav-settings").await?;
    worker.see_text("retention", "").await?;
    assert_eq!(
        worker.field_value("retention-days").await?,
        "7",
        "the default retention"
    );
    worker.clear_text("retention-days").await?;
    worker.type_text("retention-days", "1").await?;
    worker.tap("retention-save").await?;
    worker
        .see_text("retention-message", "cleared 1 day after")
        .await?;
    age_interviews(&worker, 2).await?;
    worker.reload().await?;
    worker.tap("nav-interviews").await?;
    worker.see("interviews-empty").await?;
    let storage = worker.local_storage().await?;
    assert!(!storage
        .keys()
        .any(|k| k.starts_with("doorstep/v1/response/")));
    drop(collector);
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_problems_are_told_plainly_and_retried_when_signal_returns() -> Result<()> {
    let data = Scratch::new("retry-data")?;
    let good = add_token(data.path(), "hackney-council")?;
    let mut collector = Collector::start(&dist(), data.path())?;
    let addr = collector.addr().to_owned();
    let mut worker = Worker::launch("retry").await?;
    open_and_set_up_with_token(&mut worker, &collector, Some("dst_wrong")).await?;
    worker.wait_until_ready_offline().await?;
    complete_interview(&worker).await?;

    // A wrong token: said plainly, not retried by itself, nothing marked.
    worker.tap("nav-hand-in").await?;
    worker.tap("upload-now").await?;
    worker.see_state("upload-status", "failed").await?;
    worker
        .see_text("upload-status", "refused the upload token")
        .await?;
    worker
        .see_text("waiting-count", "1 completed interview to hand in")
        .await?;

    // The right token; then the collector goes away: "no connection", tried again.
    worker.tap("nav-settings").await?;
    worker.tap("change-setup").await?;
    worker.clear_text("setup-token").await?;
    worker.type_text("setup-token", &good).await?;
    worker.tap("setup-save").await?;
    collector.kill();
    worker.tap("nav-hand-in").await?;
    worker.tap("upload-now").await?;
    worker
        .see_text("upload-status", "No connection to the collector")
        .await?;
    worker
        .see_text("upload-status", "Next try in about 15 seconds")
        .await?;
    worker
        .see_text("waiting-count", "1 completed interview to hand in")
        .await?;

    // Signal back (the browser goes offline, then online): it goes by itself.
    let _collector = Collector::start_at(&addr, &dist(), data.path())?;
    worker.set_network(false).await?;
    worker.set_network(true).await?;
    worker.see_state("upload-status", "done").await?;
    worker
        .see_text("upload-status", "Received by the collector: 1 new.")
        .await?;
    assert_eq!(stored_in_collector(data.path())?, 1);
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_address_that_is_not_this_apps_collector_is_told_as_refused_not_as_no_signal(
) -> Result<()> {
    let data = Scratch::new("not-a-collector-data")?;
    let token = add_token(data.path(), "hackney-council")?;
    let collector = Collector::start(&dist(), data.path())?;
    // Another web server, on another origin: it answers, but not to uploads from this app
    // (no CORS for that path), as a mistyped address to some other site would.
    let other_data = Scratch::new("not-a-collector-other")?;
    let other = Collector::start(&dist(), other_data.path())?;
    let wrong = other.url("/elsewhere");
    let mut worker = Worker::launch("not-a-collector").await?;
    open_and_set_up_with_token(&mut worker, &collector, Some(token.trim())).await?;
    complete_interview(&worker).await?;
    worker.tap("nav-settings").await?;
    worker.tap("change-setup").await?;
    worker.clear_text("setup-collector").await?;
    worker.type_text("setup-collector", &wrong).await?;
    worker.tap("setup-save").await?;

    worker.tap("nav-hand-in").await?;
    worker.tap("upload-now").await?;
    worker.see_state("upload-status", "failed").await?;
    let told = worker
        .see_text("upload-status", "The browser refused the answer from")
        .await?;
    assert!(told.contains(wrong.trim_end_matches('/')), "{told}");
    assert!(!told.contains("No connection"), "{told}");
    assert!(
        !told.contains("Next try"),
        "needs the worker, not a retry: {told}"
    );
    worker
        .see_text("waiting-count", "1 completed interview to hand in")
        .await?;
    assert_eq!(stored_in_collector(data.path())?, 0);
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tablet_shared_by_two_workers_hands_in_both_workers_interviews() -> Result<()> {
    let data = Scratch::new("shared-tablet-data")?;
    let token = add_token(data.path(), "hackney-council")?;
    let collector = Collector::start(&dist(), data.path())?;
    let downloads = Scratch::new("shared-tablet-downloads")?;
    let mut worker = Worker::launch("shared-tablet").await?;
    worker.allow_downloads(downloads.path()).await?;
    open_and_set_up_with_token(&mut worker, &collector, Some(token.trim())).await?;
    complete_interview(&worker).await?;

    // The next worker on the same tablet sets up their own code.
    worker.tap("nav-settings").await?;
    worker.tap("change-setup").await?;
    worker.clear_text("setup-worker").await?;
    worker.type_text("setup-worker", "W077").await?;
    worker.tap("setup-save").await?;
    worker.see("page-settings").await?;
    worker.tap("nav-today").await?;
    complete_interview(&worker).await?;

    // A file for each worker's interviews (the collector takes no batch mixing them).
    worker.tap("nav-hand-in").await?;
    worker.tap("export-file").await?;
    let status = worker
        .see_text("export-status", " and doorstep-W077-")
        .await?;
    assert!(status.contains("Saved doorstep-W012-"), "{status}");
    for maker in ["W012", "W077"] {
        let file = worker
            .downloaded(downloads.path(), |n| {
                n.starts_with(&format!("doorstep-{maker}-")) && n.ends_with(".json")
            })
            .await?;
        let (batch, _) = verified_batch(&file)?;
        assert_eq!(batch.count, 1, "{maker}");
        assert_eq!(batch.worker.as_str(), maker);
    }

    // One upload sends both batches; the receipts add up.
    worker.tap("upload-now").await?;
    worker.see_state("upload-status", "done").await?;
    worker
        .see_text("upload-status", "Received by the collector: 2 new.")
        .await?;
    worker
        .see_text("waiting-count", "Nothing to hand in")
        .await?;
    assert_eq!(stored_in_collector(data.path())?, 2);
    worker.close().await
}
