//! The app shell in a real headless Chromium, served by the real collector: it installs,
//! opens with the server gone, updates only when the worker says so, and keeps their data.

use doorstep_e2e::{dist, dist_next, pids_using, Collector, Result, Scratch, Worker};
use serde_json::json;

/// The collector serving the release build, with its own data folder.
fn serve(label: &str) -> Result<(Collector, Scratch)> {
    let data = Scratch::new(label)?;
    let collector = Collector::start(&dist(), data.path())?;
    Ok((collector, data))
}

#[tokio::test(flavor = "multi_thread")]
async fn app_loads_and_the_service_worker_takes_control() -> Result<()> {
    let (collector, _data) = serve("loads")?;
    let mut worker = Worker::launch("loads").await?;

    worker.open(&collector.url("/")).await?;

    worker.see("page-today").await?;
    // Not set up yet: no collector to reach.
    worker
        .see_text("connection-status", "No collector set")
        .await?;
    worker.wait_until_ready_offline().await?;
    let build = running_build(&worker).await?;
    assert_eq!(
        shell_caches(&worker).await?,
        vec![format!("doorstep-shell-{build}")]
    );
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_reports_no_installability_errors() -> Result<()> {
    let (collector, _data) = serve("installable")?;
    let mut worker = Worker::launch("installable").await?;
    worker.open(&collector.url("/")).await?;
    worker.wait_until_ready_offline().await?;

    let (manifest, installability) = worker.install_problems().await?;
    assert_eq!(manifest, json!([]), "manifest errors: {manifest}");
    assert_eq!(
        installability,
        json!([]),
        "Chromium says the app cannot be installed: {installability}"
    );
    // A plain tab shows how to install; the app is not yet on the home screen.
    worker.see("install-hint").await?;
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_opens_and_navigates_after_the_collector_is_killed() -> Result<()> {
    let (mut collector, _data) = serve("offline")?;
    let mut worker = Worker::launch("offline").await?;
    worker.open(&collector.url("/")).await?;
    worker.wait_until_ready_offline().await?;

    collector.kill();
    worker.reload().await?;

    worker.see("page-today").await?;
    worker.tap("nav-settings").await?;
    worker.see("page-settings").await?;
    worker
        .see_text("app-version", env!("CARGO_PKG_VERSION"))
        .await?;
    worker.tap("nav-today").await?;
    worker.see("page-today").await?;
    // An address typed or bookmarked while offline opens too.
    worker.go("/settings").await?;
    worker.see("page-settings").await?;
    worker.go("/no-such-screen").await?;
    worker.see("page-not-found").await?;
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_state_in_the_header_follows_the_network() -> Result<()> {
    let (collector, _data) = serve("connection")?;
    let mut worker = Worker::launch("connection").await?;
    worker.open(&collector.url("/")).await?;
    worker
        .see_text("connection-status", "No collector set")
        .await?;

    worker.set_network(false).await?;
    worker.see_text("connection-status", "No signal").await?;
    worker.set_network(true).await?;
    worker
        .see_text("connection-status", "No collector set")
        .await?;
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_show_storage_persistence_usage_and_version() -> Result<()> {
    let (collector, _data) = serve("settings")?;
    let mut worker = Worker::launch("settings").await?;
    worker.open(&collector.url("/")).await?;
    worker.tap("nav-settings").await?;

    worker.see("storage-persisted").await?;
    let state = worker
        .run("return document.querySelector('[data-testid=storage-persisted]').dataset.state;")
        .await?;
    assert!(
        state == json!("granted") || state == json!("not-granted"),
        "persistence state: {state}"
    );
    worker.see_text("storage-used", " used, of about ").await?;
    worker.see_text("storage-saved", "entr").await?;
    let version = worker.see_text("app-version", "(build ").await?;
    assert!(version.starts_with(env!("CARGO_PKG_VERSION")), "{version}");

    // The first run recorded the device and asked for persistent storage.
    let stored = worker.local_storage().await?;
    let device = stored
        .get("doorstep/v1/device")
        .ok_or("no device record after the first run")?;
    let device: serde_json::Value = serde_json::from_str(device)?;
    assert_eq!(device["persistence_requested"], json!(true), "{device}");
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_report_damaged_entries_that_were_set_aside() -> Result<()> {
    let (collector, _data) = serve("quarantine")?;
    let mut worker = Worker::launch("quarantine").await?;
    worker.open(&collector.url("/")).await?;
    worker.tap("nav-settings").await?;
    worker.see_text("storage-quarantined", "None").await?;

    // What the store does with an entry that does not parse (src/device/entries.rs, tested in
    // the browser unit tests): the text, unchanged, under the quarantine key.
    worker
        .put_local_storage(
            "doorstep/v1/quarantine/response/5b0c8a52-6c3e-4b8e-9d1a-2f6f0e1c7a10",
            "{\"id\": \"5b0c8a52",
        )
        .await?;
    worker.reload().await?;

    let report = worker
        .see_text("storage-quarantined", "1 damaged entry")
        .await?;
    assert!(
        report.contains("response/5b0c8a52-6c3e-4b8e-9d1a-2f6f0e1c7a10"),
        "{report}"
    );
    assert!(report.contains("Nothing was deleted"), "{report}");
    let problems = worker.accessibility_problems().await?;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_version_waits_for_the_worker_and_keeps_local_storage() -> Result<()> {
    let data = Scratch::new("update")?;
    let mut first = Collector::start(&dist(), data.path())?;
    let addr = first.addr().to_owned();
    let mut worker = Worker::launch("update").await?;
    worker.open(&first.url("/")).await?;
    worker.wait_until_ready_offline().await?;
    worker.tap("nav-settings").await?;
    let old_version = worker.see_text("app-version", "(build ").await?;

    // What the worker has saved so far, including text in other scripts.
    worker
        .put_local_storage(
            "doorstep/v1/response/0f9e2c4e",
            r#"{"status":"draft","answers":{"Q1":"Evet","Q2":"হ্যাঁ"}}"#,
        )
        .await?;
    let saved = worker.local_storage().await?;
    worker.run("window.stillTheSamePage = true;").await?;

    // The coordinator deploys a new build at the same address.
    first.kill();
    let _second = Collector::start_at(&addr, &dist_next(), data.path())?;
    // The tablet regains signal; the app looks for a new version.
    worker.set_network(false).await?;
    worker.set_network(true).await?;

    worker
        .see_text("update-banner", "A new version is ready")
        .await?;
    // Nothing has changed yet: same page, same version, same data, and the new version
    // waits while the running build's files stay cached.
    assert_eq!(
        worker
            .run("return window.stillTheSamePage === true;")
            .await?,
        json!(true)
    );
    assert_eq!(worker.see("app-version").await?, old_version);
    assert_eq!(worker.local_storage().await?, saved);
    let old_build = running_build(&worker).await?;
    let waiting = worker
        .run_async("return (await navigator.serviceWorker.getRegistration()).waiting !== null;")
        .await?;
    assert_eq!(waiting, json!(true), "the new version waits for the worker");
    assert!(
        shell_caches(&worker)
            .await?
            .contains(&format!("doorstep-shell-{old_build}")),
        "the running build's files are still cached"
    );

    worker.tap("update-apply").await?;

    let new_version = worker.see_text("app-version", "-next").await?;
    assert_ne!(new_version, old_version);
    assert!(
        !worker.is_showing("update-banner").await?,
        "the banner is gone"
    );
    assert_eq!(
        worker.local_storage().await?,
        saved,
        "LocalStorage is as it was"
    );
    let new_build = running_build(&worker).await?;
    assert_ne!(new_build, old_build);
    assert_eq!(
        shell_caches(&worker).await?,
        vec![format!("doorstep-shell-{new_build}")],
        "only the new build's cache is left"
    );
    worker.close().await
}

/// The build id the running page was built as (stamped into index.html at build time).
async fn running_build(worker: &Worker) -> Result<String> {
    let id = worker
        .run("return document.querySelector('meta[name=doorstep-build]').content;")
        .await?;
    Ok(id.as_str().ok_or("no build id in the page")?.to_owned())
}

/// The names of the service worker's shell caches.
async fn shell_caches(worker: &Worker) -> Result<Vec<String>> {
    let names = worker
        .run_async("return (await caches.keys()).filter((n) => n.startsWith('doorstep-shell-'));")
        .await?;
    Ok(serde_json::from_value(names)?)
}

#[tokio::test(flavor = "multi_thread")]
async fn screens_fit_phones_and_tablets_with_large_touch_targets() -> Result<()> {
    let (collector, _data) = serve("layout")?;
    let mut worker = Worker::launch("layout").await?;
    worker.open(&collector.url("/")).await?;
    worker.see("page-today").await?;

    for (width, height) in [(320, 640), (360, 740), (800, 1280), (1280, 800)] {
        worker.use_screen(width, height).await?;
        for (page, nav) in [
            ("page-today", "nav-today"),
            ("page-settings", "nav-settings"),
        ] {
            worker.tap(nav).await?;
            worker.see(page).await?;
            let overflow = worker
                .run("return document.documentElement.scrollWidth - window.innerWidth;")
                .await?;
            assert!(
                overflow.as_i64().unwrap_or(i64::MAX) <= 0,
                "{page} scrolls sideways by {overflow}px at {width}px wide"
            );
            let small = worker
                .run(
                    "return [...document.querySelectorAll('a, button')]
                       .filter((e) => e.offsetParent !== null && !e.classList.contains('skip-link'))
                       .map((e) => [e.textContent.trim(), e.getBoundingClientRect()])
                       .filter(([, r]) => r.height < 48 || r.width < 48)
                       .map(([t, r]) => `${t}: ${r.width}x${r.height}`);",
                )
                .await?;
            assert_eq!(
                small,
                json!([]),
                "targets under 48px on {page} at {width}px"
            );
            worker
                .screenshot(&format!("{page}-{width}x{height}"))
                .await?;
        }
    }
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_screen_passes_the_accessibility_audit() -> Result<()> {
    let (collector, _data) = serve("a11y")?;
    let mut worker = Worker::launch("a11y").await?;
    worker.open(&collector.url("/")).await?;

    for (width, height) in [(360, 740), (800, 1280)] {
        worker.use_screen(width, height).await?;
        for (path, screen) in [
            ("/", "page-today"),
            ("/settings", "page-settings"),
            ("/no-such-screen", "page-not-found"),
        ] {
            worker.go(path).await?;
            worker.see(screen).await?;
            if screen == "page-settings" {
                worker.see("storage-persisted").await?;
            }
            let problems = worker.accessibility_problems().await?;
            assert!(
                problems.is_empty(),
                "{screen} at {width}px:\n{}",
                problems.join("\n")
            );
        }
    }
    // The connection badge while offline, too.
    worker.set_network(false).await?;
    worker.see_text("connection-status", "No signal").await?;
    let problems = worker.accessibility_problems().await?;
    assert!(
        problems.is_empty(),
        "offline header:\n{}",
        problems.join("\n")
    );
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn no_chromium_outlives_a_failed_test() -> Result<()> {
    let profile = std::thread::spawn(|| {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime for the failing test");
        let profile = std::sync::Mutex::new(None);
        let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(async {
                let worker = Worker::launch("fails").await.expect("browser starts");
                *profile.lock().expect("profile lock") = Some(worker.profile_dir());
                assert!(
                    !pids_using(&worker.profile_dir()).is_empty(),
                    "Chromium is running"
                );
                panic!("a test failing with its browser open");
            })
        }));
        assert!(failed.is_err());
        profile.into_inner().expect("profile lock")
    })
    .join()
    .map_err(|_| "the failing test's thread")?
    .ok_or("the browser never started")?;

    let left = pids_using(&profile);
    assert!(left.is_empty(), "processes left running: {left:?}");
    Ok(())
}
