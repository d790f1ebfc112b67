//! A stand-in for the Web Share API where headless Chromium has none.
//!
//! Headless Chromium on Linux has no share sheet: `navigator.share` and
//! `navigator.canShare` are missing there, and on a tablet the sheet itself (Bluetooth,
//! Nearby Share, email) is the operating system's, outside the browser, where WebDriver
//! cannot reach. So [`offer`] puts a stand-in for the two in place before the app loads,
//! as a tablet's browser offers them, and keeps the files it is given for the test to read
//! back ([`shared`]). It accepts files as Chromium does, which shares text and CSV but not
//! JSON (until the test allows JSON, as other browsers do).

use serde_json::{json, Value};

use crate::{Result, Worker};

/// The stand-in for the Web Share API, run in every new document before the app.
const SHARE_SHEET: &str = r#"
(() => {
  window.__shared = [];
  window.__share = { allowJson: false, cancelNext: false };
  const permitted = (file) => window.__share.allowJson || /\.(txt|csv)$/.test(file.name);
  navigator.canShare = (data) =>
    !!data && Array.isArray(data.files) && data.files.length > 0 && data.files.every(permitted);
  navigator.share = async (data) => {
    if (!navigator.canShare(data)) throw new DOMException('Permission denied', 'NotAllowedError');
    if (window.__share.cancelNext) {
      window.__share.cancelNext = false;
      throw new DOMException('Share canceled', 'AbortError');
    }
    // Read as bytes: `File.text()` drops a byte-order mark, which the spreadsheet must keep.
    const files = await Promise.all(
      data.files.map(async (f) => ({ name: f.name, type: f.type, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(await f.arrayBuffer()) })));
    window.__shared.push({ title: data.title, files });
  };
})();
"#;

/// The files of every share so far: (name, type, text).
pub async fn shared(worker: &Worker) -> Result<Vec<Vec<(String, String, String)>>> {
    let shares = worker.run("return window.__shared;").await?;
    let shares: Vec<Value> = serde_json::from_value(shares)?;
    Ok(shares
        .iter()
        .map(|share| {
            share["files"]
                .as_array()
                .map(|files| {
                    files
                        .iter()
                        .map(|f| {
                            let text = |key: &str| f[key].as_str().unwrap_or_default().to_owned();
                            (text("name"), text("type"), text("text"))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect())
}

/// Gives every page this worker opens from now on the share sheet stand-in.
pub async fn offer(worker: &Worker) -> Result<()> {
    worker
        .devtools(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": SHARE_SHEET }),
        )
        .await?;
    Ok(())
}
