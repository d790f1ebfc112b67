//! `make bench`: how the app feels with a full tablet. Prints figures, asserts nothing
//! about time.
//!
//! With 2,000 responses stored (copies of one real interview, as the app stores them):
//! - tap → LocalStorage: from tapping an answer to the response being written, in the
//!   page's own clock (`performance.now()`), and how many entries each tap writes;
//! - the interviews list: from tapping "Interviews" to the first rows drawn, and from
//!   tapping a filter to the list redrawn;
//! - export: from tapping "Export a file" to the batch file handed to the browser, with
//!   every stored interview completed.

use doorstep_e2e::journey::{answer_to_review, consent_and_age, open_and_set_up, start_interview};
use doorstep_e2e::{dist, Collector, Result, Scratch, Worker};
use serde_json::Value;

const STORED: usize = 2_000;
const TAPS: usize = 30;
const LIST_RUNS: usize = 7;

fn summary(label: &str, mut values: Vec<f64>) {
    values.sort_by(f64::total_cmp);
    let median = values[values.len() / 2];
    let p90 = values[(values.len() * 9 / 10).min(values.len() - 1)];
    let max = values[values.len() - 1];
    println!(
        "{label:<52} median {median:>7.1} ms   p90 {p90:>7.1} ms   max {max:>7.1} ms   ({} runs)",
        values.len()
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
    let data = Scratch::new("bench")?;
    let collector = Collector::start(&dist(), data.path())?;
    let mut worker = Worker::launch("bench").await?;
    worker.use_screen(800, 1280).await?;
    open_and_set_up(&mut worker, &collector).await?;

    // One real interview, completed through the screens.
    start_interview(&worker).await?;
    consent_and_age(&worker, 5).await?;
    answer_to_review(&worker).await?;
    worker.tap("interview-complete").await?;
    worker.see("interview-completed").await?;

    // 1,999 more like it, each with its own id and time, written as the app writes them.
    let seeded = worker
        .run(&format!(
            "const keys = Object.keys(localStorage);
             const rKey = keys.find((k) => k.startsWith('doorstep/v1/response/'));
             const id = rKey.split('/').pop();
             const response = localStorage.getItem(rKey);
             const summary = localStorage.getItem('doorstep/v1/summary/' + id);
             const statuses = ['complete', 'uploaded', 'draft'];
             for (let n = 1; n < {STORED}; n++) {{
               const fresh = crypto.randomUUID();
               const status = statuses[n % 3];
               const when = Date.now() - n * 60000;
               const r = response.replaceAll(id, fresh).replace(/\"st\":\"complete\"/, `\"st\":\"${{status}}\"`).replace(/\"u\":\\d+/, `\"u\":${{when}}`);
               const s = summary.replaceAll(id, fresh).replace(/\"st\":\"complete\"/, `\"st\":\"${{status}}\"`).replace(/\"u\":\\d+/, `\"u\":${{when}}`);
               localStorage.setItem('doorstep/v1/response/' + fresh, r);
               localStorage.setItem('doorstep/v1/summary/' + fresh, s);
             }}
             let bytes = 0;
             for (const k of Object.keys(localStorage)) bytes += (k.length + localStorage.getItem(k).length) * 2;
             return [response.length, bytes];"
        ))
        .await?;
    println!(
        "stored: {STORED} responses (one is {} characters of JSON); LocalStorage holds {} bytes (UTF-16)",
        seeded[0], seeded[1]
    );

    // Tap → LocalStorage, in a draft, with 2,000 responses stored.
    worker.go("/").await?;
    worker.reload().await?;
    start_interview(&worker).await?;
    consent_and_age(&worker, 5).await?;
    worker.see("q-AREA_SATISFACTION").await?;
    worker
        .run(
            "window.__writes = [];
             const original = Storage.prototype.setItem;
             Storage.prototype.setItem = function (k, v) {
               window.__writes.push([k, performance.now()]);
               return original.call(this, k, v);
             };
             return true;",
        )
        .await?;
    let mut tap_ms = Vec::new();
    let mut writes_per_tap = Vec::new();
    let mut frame_ms = Vec::new();
    let codes = [
        "AREA_SATISFACTION",
        "BELONGING",
        "INFLUENCE_DECISIONS",
        "TRUST_NEIGHBOURS",
    ];
    for n in 0..TAPS {
        let code = codes[n % codes.len()];
        let option = 1 + (n / codes.len()) % 3;
        let result: Value = worker
            .run_async(&format!(
                "window.__writes = [];
                 const input = document.querySelector('[data-testid=q-{code}-{option}]');
                 const t0 = performance.now();
                 input.click();
                 for (let i = 0; i < 200 && !window.__writes.some(([k]) => k.startsWith('doorstep/v1/response/')); i++) {{
                   await new Promise((r) => setTimeout(r, 0));
                 }}
                 const saved = window.__writes.find(([k]) => k.startsWith('doorstep/v1/response/'));
                 await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
                 return [saved ? saved[1] - t0 : null, window.__writes.length, performance.now() - t0];"
            ))
            .await?;
        if let Some(ms) = result[0].as_f64() {
            tap_ms.push(ms);
        }
        writes_per_tap.push(result[1].as_u64().unwrap_or(0));
        if let Some(ms) = result[2].as_f64() {
            frame_ms.push(ms);
        }
    }
    summary("tap an answer → response written to LocalStorage", tap_ms);
    summary("tap an answer → next frame drawn", frame_ms);
    println!(
        "entries written per tap: {:?} (the response and its summary only)",
        writes_per_tap
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
    );

    // The interviews list.
    let mut open_ms = Vec::new();
    let mut filter_ms = Vec::new();
    for _ in 0..LIST_RUNS {
        worker.tap("nav-today").await?;
        worker.see("page-today").await?;
        let ms = worker
            .run_async(
                "const t0 = performance.now();
                 document.querySelector('[data-testid=nav-interviews]').click();
                 while (!document.querySelector('[data-testid=interview-row]')) {
                   await new Promise((r) => requestAnimationFrame(r));
                 }
                 await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
                 return performance.now() - t0;",
            )
            .await?;
        open_ms.push(ms.as_f64().unwrap_or(f64::NAN));
        let ms = worker
            .run_async(
                "const t0 = performance.now();
                 document.querySelector('[data-testid=filter-uploaded]').click();
                 while (document.querySelector('[data-testid=interview-row]:not([data-status=uploaded])')) {
                   await new Promise((r) => requestAnimationFrame(r));
                 }
                 await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
                 return performance.now() - t0;",
            )
            .await?;
        filter_ms.push(ms.as_f64().unwrap_or(f64::NAN));
    }
    let rows = worker
        .run("return document.querySelectorAll('[data-testid=interview-row]').length;")
        .await?;
    summary(
        &format!("open the interviews list ({STORED} stored)"),
        open_ms,
    );
    summary("switch the list's filter", filter_ms);
    println!("rows drawn at first: {rows} (\"show more\" adds 50 at a time)");

    // Export: all 2,000 completed, one batch file.
    let downloads = Scratch::new("bench-downloads")?;
    worker.allow_downloads(downloads.path()).await?;
    worker
        .run(
            "for (const k of Object.keys(localStorage)) {
               if (k.startsWith('doorstep/v1/response/') || k.startsWith('doorstep/v1/summary/')) {
                 localStorage.setItem(k, localStorage.getItem(k).replace(/\"st\":\"(draft|uploaded)\"/, '\"st\":\"complete\"'));
               }
             }
             return true;",
        )
        .await?;
    worker.tap("nav-hand-in").await?;
    worker
        .see_text("waiting-count", "completed interviews")
        .await?;
    let mut export_ms = Vec::new();
    for _ in 0..3 {
        let ms = worker
            .run_async(
                "const t0 = performance.now();
                 // The export runs inside the tap's handler: batch built, checksummed,
                 // responses marked, file handed to the browser.
                 document.querySelector('[data-testid=export-file]').click();
                 await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
                 const status = document.querySelector('[data-testid=export-status]').textContent;
                 if (!status.includes('Saved')) return status;
                 return performance.now() - t0;",
            )
            .await?;
        export_ms.push(ms.as_f64().ok_or_else(|| format!("export failed: {ms}"))?);
    }
    let waiting = worker.see("waiting-count").await?;
    summary(&format!("export a batch file ({waiting})"), export_ms);
    let file = worker
        .downloaded(downloads.path(), |n| n.ends_with(".json"))
        .await?;
    println!(
        "batch file: {} bytes (first export also marks every response with the batch)",
        std::fs::metadata(&file)?.len()
    );
    worker.close().await
}
