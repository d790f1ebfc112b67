//! What the tablet says about handing in, found as a worker finds it (by headings, the
//! words of buttons, labels and status lines), in a real headless Chromium with the real
//! collector: where each completed interview stands (prepared for upload, exported to a
//! file, received by the collector), what a receipt means, the spreadsheet choice kept,
//! and whether the collector can be reached, in the header.

use doorstep_e2e::journey::{complete_interview, open_and_set_up_with_token};
use doorstep_e2e::person::check_widths;
use doorstep_e2e::{
    add_token, collector_command, dist, stored_in_collector, Collector, Result, Scratch, Worker,
};
use serde_json::json;

const SPREADSHEET: &str = "Also save a spreadsheet (CSV) and its codebook";

/// A collector with an upload token for Hand in's tests.
fn collector_with_token(label: &str) -> Result<(Collector, Scratch, String)> {
    let data = Scratch::new(label)?;
    let token = add_token(data.path(), "hackney-council")?;
    let collector = Collector::start(&dist(), data.path())?;
    Ok((collector, data, token))
}

/// The time the header's pill gives after `state` ("Collector reached 12:04" → "12:04").
async fn pill_time(worker: &Worker, state: &str) -> Result<String> {
    let text = worker.see_words(&format!("{state} ")).await?;
    let line = text
        .lines()
        .find_map(|line| line.trim().strip_prefix(state))
        .ok_or_else(|| format!("no line beginning {state:?} in {text}"))?;
    let time = line.trim().to_owned();
    assert!(
        time.len() == 5 && time.as_bytes()[2] == b':',
        "a time of day: {time:?}"
    );
    Ok(time)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_upload_is_prepared_not_exported_and_only_a_receipt_is_received() -> Result<()> {
    let (mut collector, data, token) = collector_with_token("stages-data")?;
    let addr = collector.addr().to_owned();
    let downloads = Scratch::new("stages-downloads")?;
    let mut worker = Worker::launch("stages").await?;
    worker.allow_downloads(downloads.path()).await?;
    open_and_set_up_with_token(&mut worker, &collector, Some(&token)).await?;
    complete_interview(&worker).await?;

    // The collector goes away; the worker tries to upload.
    collector.kill();
    worker.follow("Hand in").await?;
    worker.see_heading("Hand in").await?;
    worker.see_words("1 completed interview to hand in").await?;
    worker
        .see_words("1 interview waiting: not in an upload or a file yet.")
        .await?;
    worker.press("Upload now").await?;
    worker.see_status("Not received by the collector.").await?;
    worker
        .see_words("1 interview prepared for upload, not received by the collector yet.")
        .await?;
    worker
        .see_words("Prepared for upload, not received by the collector yet.")
        .await?;
    let text = worker.page_text().await?;
    assert!(
        !text.to_lowercase().contains("exported"),
        "a failed upload told as a file: {text}"
    );
    assert!(text.contains("Export as a file"), "{text}");
    assert!(!text.contains("Export again"), "never exported: {text}");
    check_widths(&worker, "hand-in-prepared", (800, 1280)).await?;

    // Exported: now it is in a file, still not received.
    worker.press("Export a file").await?;
    let file = worker
        .downloaded(downloads.path(), |n| n.ends_with(".json"))
        .await?;
    worker.see_status("Saved doorstep-W012-").await?;
    worker
        .see_words("1 interview exported to a file, not received by the collector yet.")
        .await?;
    let text = worker.see_words("Exported to a file at ").await?;
    assert!(text.contains("Export again"), "{text}");
    assert!(!text.contains("prepared for upload"), "{text}");
    check_widths(&worker, "hand-in-exported", (800, 1280)).await?;

    // The collector is back: uploaded, and only now received.
    let _collector = Collector::start_at(&addr, &dist(), data.path())?;
    worker.press_starting("Upload now").await?;
    worker
        .see_status("Received by the collector: 1 new.")
        .await?;
    worker
        .see_words("Nothing to hand in: the collector has received every completed interview.")
        .await?;
    let text = worker
        .see_words("1 interview received by the collector.")
        .await?;
    assert!(
        !text.contains("Export again"),
        "received: no file to make again: {text}"
    );
    assert!(!text.contains("not received"), "{text}");
    check_widths(&worker, "hand-in-received", (800, 1280)).await?;
    assert_eq!(stored_in_collector(data.path())?, 1);
    // The file exported before, imported late by the coordinator, adds nothing.
    let imported = collector_command(data.path(), &["import", file.to_str().unwrap_or_default()])?;
    assert!(imported.contains("0 new, 1 already present"), "{imported}");
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_header_says_whether_the_collector_can_be_reached_not_whether_the_browser_is_online(
) -> Result<()> {
    let (mut collector, data, token) = collector_with_token("reach-data")?;
    let addr = collector.addr().to_owned();
    let mut worker = Worker::launch("reach").await?;
    worker.open(&collector.url("/")).await?;
    worker.see_heading("Today").await?;
    worker.see_status("No collector set").await?;
    check_widths(&worker, "header-no-collector-set", (800, 1280)).await?;

    open_and_set_up_with_token(&mut worker, &collector, Some(&token)).await?;
    worker.see_status("Collector reached").await?;
    let time = pill_time(&worker, "Collector reached").await?;
    let storage = worker.local_storage().await?;
    assert!(
        storage.contains_key("doorstep/v1/collector-reached"),
        "{storage:?}"
    );
    worker.wait_until_ready_offline().await?;
    check_widths(&worker, "header-collector-reached", (800, 1280)).await?;

    // The collector stops; the browser is still online. Reopened, the app asks it.
    collector.kill();
    worker.reload().await?;
    worker.see_status("Collector not reached").await?;
    worker
        .see_words(&format!("Collector not reached — last {time}"))
        .await?;
    assert_eq!(
        worker.run("return navigator.onLine;").await?,
        json!(true),
        "the browser says online"
    );
    check_widths(&worker, "header-collector-not-reached", (800, 1280)).await?;
    worker.follow("Hand in").await?;
    worker.see_heading("Hand in").await?;
    worker
        .see_words(&format!(
            "The collector cannot be reached now (last reached {time})"
        ))
        .await?;
    check_widths(&worker, "hand-in-collector-not-reached", (800, 1280)).await?;

    // No network at all.
    worker.set_network(false).await?;
    worker.see_status("No signal").await?;
    worker
        .see_words(&format!("No signal — collector last reached {time}"))
        .await?;
    worker
        .see_words("No signal now: export a file, or upload when back in signal.")
        .await?;
    check_widths(&worker, "hand-in-no-signal", (800, 1280)).await?;

    // Back in signal with the collector running: asked again at once.
    let _collector = Collector::start_at(&addr, &dist(), data.path())?;
    worker.set_network(true).await?;
    worker.see_status("Collector reached").await?;
    let text = worker.page_text().await?;
    assert!(!text.contains("cannot be reached"), "{text}");
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_spreadsheet_choice_is_kept_and_a_receipt_says_what_the_collector_already_had(
) -> Result<()> {
    let (collector, data, token) = collector_with_token("receipt-data")?;
    let downloads = Scratch::new("receipt-downloads")?;
    let mut worker = Worker::launch("receipt").await?;
    worker.allow_downloads(downloads.path()).await?;
    open_and_set_up_with_token(&mut worker, &collector, Some(&token)).await?;
    complete_interview(&worker).await?;

    worker.follow("Hand in").await?;
    worker.see_heading("Hand in").await?;
    assert!(!worker.is_ticked(SPREADSHEET).await?, "no by default");
    // This browser cannot share files (no share sheet): the download only.
    assert!(worker.has_button("Export a file").await?);
    assert!(!worker.has_button("Share…").await?);

    // Chosen once, kept when the worker leaves the screen and across a reload.
    worker.tick(SPREADSHEET).await?;
    assert!(worker.is_ticked(SPREADSHEET).await?);
    worker.follow("Today").await?;
    worker.see_heading("Today").await?;
    worker.follow("Hand in").await?;
    worker.see_heading("Hand in").await?;
    assert!(worker.is_ticked(SPREADSHEET).await?, "kept on leaving");
    worker.reload().await?;
    worker.see_heading("Hand in").await?;
    assert!(worker.is_ticked(SPREADSHEET).await?, "kept across a reload");

    worker.press("Export a file").await?;
    let file = worker
        .downloaded(downloads.path(), |n| n.ends_with(".json"))
        .await?;
    worker
        .downloaded(downloads.path(), |n| n.ends_with("-codebook.csv"))
        .await?;
    let text = worker.see_words(" · 1 interview").await?;
    assert!(!text.contains("1 interviews"), "{text}");

    // The coordinator imports the file; two more interviews; then an upload of all three.
    let imported = collector_command(data.path(), &["import", file.to_str().unwrap_or_default()])?;
    assert!(imported.contains("1 new"), "{imported}");
    worker.follow("Today").await?;
    complete_interview(&worker).await?;
    complete_interview(&worker).await?;
    worker.follow("Hand in").await?;
    worker
        .see_words("3 completed interviews to hand in")
        .await?;
    worker.press_starting("Upload now").await?;
    worker
        .see_status("Received by the collector: 2 new, 1 the collector already had.")
        .await?;
    let text = worker
        .see_words("Its interviews were received by the collector in a later batch.")
        .await?;
    assert!(text.contains(" · 3 interviews"), "{text}");
    check_widths(&worker, "hand-in-receipt-words", (800, 1280)).await?;
    assert_eq!(stored_in_collector(data.path())?, 3);
    worker.close().await
}
