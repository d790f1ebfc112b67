//! Handing in, in a real headless Chromium with the real collector: a file exported
//! without signal is a valid batch the collector imports; with signal the app uploads,
//! gets a receipt, and the collector holds every interview exactly once.

use std::path::Path;

use doorstep_e2e::journey::{complete_interview, open_and_set_up};
use doorstep_e2e::{dist, Collector, Result, Scratch, Worker};
use serde_json::Value;

fn serve(label: &str) -> Result<(Collector, Scratch)> {
    let data = Scratch::new(label)?;
    let collector = Collector::start(&dist(), data.path())?;
    Ok((collector, data))
}

/// Reads a downloaded batch and checks it as the collector would.
fn verified_batch(path: &Path) -> Result<(survey::Batch, String)> {
    let text = std::fs::read_to_string(path)?;
    let questionnaires = survey::shipped::shipped_questionnaires()?;
    let batch = survey::parse_and_verify(text.as_bytes(), questionnaires.as_slice())?;
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

    worker.tap("nav-send").await?;
    worker
        .see_text("waiting-count", "2 completed interviews")
        .await?;
    worker.see("upload-offline").await?;
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
        .see_text("send-waiting", "already in an exported file")
        .await?;
    worker
        .see_text("batches", "exported, waiting for the collector")
        .await?;

    // Exported again: the same batch, byte for byte.
    std::fs::remove_file(&file)?;
    worker.tap(&format!("export-again-{}", batch.id)).await?;
    let again = worker.downloaded(downloads.path(), |n| n == name).await?;
    assert_eq!(std::fs::read_to_string(again)?, text);

    // A completed interview in a batch can no longer be reopened.
    worker.tap("nav-responses").await?;
    worker.tap("filter-complete").await?;
    worker
        .run("document.querySelector('[data-testid=response-row] a').click(); return true;")
        .await?;
    worker.see("interview-completed").await?;
    assert!(!worker.is_showing("interview-reopen").await?);
    worker.close().await
}
