//! `deploy/doorstep-collector.service`: systemd accepts every line of it, and it says
//! what running the collector safely needs.
//!
//! `systemd-analyze verify` exits 0 on an unknown key or a value it cannot parse (it
//! only warns, "ignoring"), so the check is: it succeeds **and says nothing**. It also
//! needs `ExecStart`'s binary to exist, so the unit is verified as a copy pointing at the
//! binary just built.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

use std::path::{Path, PathBuf};
use std::process::Command;

const INSTALLED: &str = "/usr/local/bin/collector";

fn unit_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/doorstep-collector.service");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Verifies `text` as `doorstep-collector.service` with the installed binary's path
/// replaced by the built one: `Err` with what systemd said, if it said anything.
fn verify(text: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let built = env!("CARGO_BIN_EXE_collector");
    let rewritten = text.replace(
        &format!("ExecStart={INSTALLED} "),
        &format!("ExecStart={built} "),
    );
    assert_ne!(rewritten, text, "ExecStart runs {INSTALLED}");
    let unit: PathBuf = dir.path().join("doorstep-collector.service");
    std::fs::write(&unit, rewritten).unwrap();
    let output = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&unit)
        .output()
        .expect("systemd-analyze is installed");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() && said.trim().is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {said}", output.status))
    }
}

/// The `[Service]` section's lines as (key, value).
fn service_lines(text: &str) -> Vec<(String, String)> {
    let mut section = "";
    let mut lines = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if line.starts_with('[') {
            section = if line == "[Service]" { "service" } else { "" };
            continue;
        }
        if section == "service" {
            let (key, value) = line.split_once('=').unwrap();
            lines.push((key.to_owned(), value.to_owned()));
        }
    }
    lines
}

#[test]
fn systemd_accepts_every_line_of_the_unit() {
    verify(&unit_text()).unwrap();
}

#[test]
fn the_check_catches_a_misspelt_directive_or_value() {
    let text = unit_text();
    for (right, wrong) in [
        ("NoNewPrivileges=yes", "NoNewPrivilege=yes"),
        ("ProtectSystem=strict", "ProtectSystem=strickt"),
        ("KillSignal=SIGTERM", "KillSignal=SIGTREM"),
    ] {
        assert!(text.contains(right), "{right}");
        let error = verify(&text.replace(right, wrong)).unwrap_err();
        assert!(error.contains("doorstep-collector.service"), "{error}");
    }
}

#[test]
fn the_unit_runs_the_collector_unprivileged_with_only_its_data_writable() {
    let lines = service_lines(&unit_text());
    let values = |key: &str| -> Vec<&str> {
        lines
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    for (key, value) in [
        ("User", "doorstep"),
        (
            "ExecStart",
            "/usr/local/bin/collector serve --addr 0.0.0.0:8080 --data-dir /var/lib/doorstep/data --dist /usr/local/share/doorstep/dist",
        ),
        ("Restart", "on-failure"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("StateDirectory", "doorstep"),
        ("KillSignal", "SIGTERM"),
        ("CapabilityBoundingSet", ""),
        ("AmbientCapabilities", ""),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
        ("MemoryDenyWriteExecute", "yes"),
    ] {
        assert_eq!(values(key), vec![value], "{key}");
    }
    assert_eq!(
        values("SystemCallFilter"),
        ["@system-service", "~@privileged @resources"]
    );
    // The data folder (under the state directory) is the only writable path.
    assert!(values("ReadWritePaths").is_empty());
    assert!(values("DynamicUser").is_empty());
    // Longer than the longest drain: the request timeout (110 s) and 10 s to close.
    let stop = values("TimeoutStopSec");
    let seconds: u64 = stop[0].trim_end_matches('s').parse().unwrap();
    assert!(seconds > 110 + 10, "TimeoutStopSec={seconds}");
}
