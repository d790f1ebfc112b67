//! The app on a real origin: served by the collector over HTTPS, at a name that is not
//! localhost, to a tablet-sized headless Chromium. Browsers grant a service worker and
//! "install" only to a secure origin, and treat localhost as one whatever its scheme; so
//! the promises the shell tests check on 127.0.0.1 are checked again here, where a tablet
//! meets them: the service worker takes control, the browser reports nothing that stops
//! installing, interviews are taken and uploaded, and the app works with the server gone.

use doorstep_e2e::journey::{
    complete_interview, open_and_set_up_with_token, upload_the_one_waiting,
};
use doorstep_e2e::{add_token, dist, Collector, Result, Scratch, TestCertificate, Worker};
use serde_json::json;

/// The name the partnership's server would have; `.test` is never a real one.
const HOST: &str = "doorstep.test";

#[tokio::test(flavor = "multi_thread")]
async fn a_tablet_installs_and_uses_the_app_from_an_https_origin_that_is_not_localhost(
) -> Result<()> {
    let data = Scratch::new("origin-data")?;
    let keys = Scratch::new("origin-keys")?;
    let certificate = TestCertificate::make(keys.path(), HOST)?;
    let token = add_token(data.path(), "hackney-council")?;
    let mut collector = Collector::start_https(&dist(), data.path(), &certificate)?;
    assert!(
        collector.origin().starts_with(&format!("https://{HOST}:")),
        "{}",
        collector.origin()
    );
    let mut worker = Worker::launch_trusting("origin", &certificate).await?;
    worker.use_screen(800, 1280).await?;

    // Set up as a worker would, the collector's address being the one the app came from.
    open_and_set_up_with_token(&mut worker, &collector, Some(token.trim())).await?;
    let page = worker
        .run(
            "const nav = performance.getEntriesByType('navigation')[0];
             return [location.origin, window.isSecureContext, nav ? nav.nextHopProtocol : null];",
        )
        .await?;
    assert_eq!(
        page,
        json!([collector.origin(), true, "h2"]),
        "origin, secure context, protocol of the first page"
    );
    worker.wait_until_ready_offline().await?;
    let scope = worker
        .run_async("return (await navigator.serviceWorker.getRegistration()).scope;")
        .await?;
    assert_eq!(scope, json!(collector.url("/")));

    // Installable: a manifest without errors, and nothing Chromium says stops an install.
    let (manifest, installability) = worker.install_problems().await?;
    assert_eq!(manifest, json!([]), "manifest errors: {manifest}");
    assert_eq!(
        installability,
        json!([]),
        "Chromium says the app cannot be installed from {}: {installability}",
        collector.origin()
    );

    // An interview, uploaded over HTTPS with the agency's token.
    complete_interview(&worker).await?;
    upload_the_one_waiting(&worker).await?;
    worker
        .see_text("waiting-count", "Nothing to hand in")
        .await?;

    // The server stopped: the app still opens, moves between screens and takes interviews.
    collector.kill();
    worker.reload().await?;
    worker.see("page-hand-in").await?;
    worker.go("/settings").await?;
    worker.see("page-settings").await?;
    worker.tap("nav-today").await?;
    worker.see("page-today").await?;
    worker.see_state("offline-readiness", "ready").await?;
    complete_interview(&worker).await?;
    worker.tap("nav-hand-in").await?;
    worker
        .see_text("waiting-count", "1 completed interview")
        .await?;
    worker.screenshot("https-origin-offline").await?;
    worker.close().await
}
