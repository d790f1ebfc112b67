//! Handing in a file without a USB stick: where the browser can share files, "Export a
//! file" also offers Share…, which hands the batch file (and the spreadsheet chosen) to
//! the tablet's own share sheet; the batch is noted as exported only once it went, and
//! the coordinator's `collector import` takes the file shared as it takes one downloaded.
//!
//! The share sheet is a stand-in ([`doorstep_e2e::share_sheet`]): headless Chromium has
//! none. Without it (tests/e2e/hand_in_states.rs) the app offers no Share… button.

use std::path::Path;

use doorstep_e2e::journey::{complete_interview, open_and_set_up};
use doorstep_e2e::person::check_widths;
use doorstep_e2e::share_sheet::{self, shared};
use doorstep_e2e::{
    collector_command, dist, stored_in_collector, Collector, Result, Scratch, Worker,
};

const SPREADSHEET: &str = "Also save a spreadsheet (CSV) and its codebook";

/// Writes a shared file where the app it went to would keep it, and imports it.
fn import(data: &Path, received: &Path, name: &str, text: &str) -> Result<String> {
    let path = received.join(name);
    std::fs::write(&path, text)?;
    collector_command(data, &["import", path.to_str().unwrap_or_default()])
}

#[tokio::test(flavor = "multi_thread")]
async fn share_hands_the_batch_to_the_share_sheet_and_the_collector_imports_it() -> Result<()> {
    let data = Scratch::new("share-data")?;
    let collector = Collector::start(&dist(), data.path())?;
    let downloads = Scratch::new("share-downloads")?;
    let received = Scratch::new("share-received")?;
    let mut worker = Worker::launch("share").await?;
    worker.allow_downloads(downloads.path()).await?;
    share_sheet::offer(&worker).await?;
    open_and_set_up(&mut worker, &collector).await?;
    complete_interview(&worker).await?;
    worker.follow("Hand in").await?;
    worker.see_heading("Hand in").await?;
    worker
        .see_words("Share… sends the file with this tablet's own apps")
        .await?;
    worker.tick(SPREADSHEET).await?;

    // The worker closes the share sheet: not shared, not exported.
    worker
        .run("window.__share.cancelNext = true; return true;")
        .await?;
    worker.press("Share…").await?;
    worker.see_status("Not shared").await?;
    let text = worker.page_text().await?;
    assert!(!text.contains("exported to a file"), "{text}");
    assert!(!text.contains("Export again"), "{text}");
    assert!(shared(&worker).await?.is_empty());
    check_widths(&worker, "hand-in-not-shared", (800, 1280)).await?;

    // Shared: the batch (as text, which Chromium shares), its spreadsheet and codebook.
    worker.press("Share…").await?;
    worker.see_status("Shared doorstep-W012-").await?;
    worker
        .see_words("1 interview exported to a file, not received by the collector yet.")
        .await?;
    check_widths(&worker, "hand-in-shared", (800, 1280)).await?;
    let shares = shared(&worker).await?;
    assert_eq!(shares.len(), 1);
    let files = &shares[0];
    assert_eq!(files.len(), 3, "{files:?}");
    let (name, mime, text) = &files[0];
    assert!(
        name.starts_with("doorstep-W012-") && name.ends_with(".json.txt"),
        "{name}"
    );
    assert_eq!(mime, "text/plain");
    assert!(files[1].0.ends_with(".csv") && files[2].0.ends_with("-codebook.csv"));
    assert!(
        files[1].2.starts_with('\u{feff}'),
        "the spreadsheet opens as UTF-8"
    );

    // The coordinator imports the file as it arrived.
    let imported = import(data.path(), received.path(), name, text)?;
    assert!(imported.contains("1 new, 0 already present"), "{imported}");
    assert_eq!(stored_in_collector(data.path())?, 1);

    // Where the browser shares JSON, the batch's own row shares it under the name a
    // download has, byte for byte.
    worker
        .run("window.__share.allowJson = true; return true;")
        .await?;
    worker.press_starting("Share… doorstep-W012-").await?;
    worker.see_status("Shared doorstep-W012-").await?;
    let shares = shared(&worker).await?;
    assert_eq!(shares.len(), 2);
    let (json_name, json_mime, json_text) = &shares[1][0];
    assert_eq!(json_mime, "application/json");
    assert_eq!(json_text, text, "the same batch, the same bytes");
    worker.press_starting("Export again").await?;
    let download = worker
        .downloaded(downloads.path(), |n| n.ends_with(".json"))
        .await?;
    assert_eq!(
        download.file_name().and_then(|n| n.to_str()),
        Some(json_name.as_str())
    );
    assert_eq!(&std::fs::read_to_string(&download)?, json_text);
    let again = import(data.path(), received.path(), json_name, json_text)?;
    assert!(again.contains("0 new, 1 already present"), "{again}");
    worker.close().await
}
