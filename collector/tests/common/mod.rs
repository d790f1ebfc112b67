//! A fake trunk build in a temporary folder, shared by the integration tests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use tempfile::TempDir;

pub mod console;
pub mod https;
pub mod served;

/// The one `collector: error: …` line of a run that was refused: it exited non-zero,
/// printed nothing on stdout, and said why in exactly one line on stderr (the rest is log).
pub fn error_line(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "a refused run exits non-zero:\n{stderr}"
    );
    assert!(output.stdout.is_empty(), "nothing on stdout:\n{stderr}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("collector: error: "))
        .collect();
    assert_eq!(lines.len(), 1, "one error line: {stderr}");
    lines[0].to_owned()
}

pub const INDEX_HTML: &str = "<!doctype html><html><head><title>Doorstep</title></head><body>Doorstep app shell</body></html>\n";
pub const SECRET: &str = "secret outside dist: must never be served";
pub const APP_JS: &str = "doorstep-1a2b3c4d5e6f7a8b.js";
pub const APP_WASM: &str = "doorstep-1a2b3c4d5e6f7a8b_bg.wasm";
pub const STYLE_CSS: &str = "style-0123456789abcdef.css";

/// A temporary folder holding `dist/` (a small trunk build) and, beside it, a
/// `secret.txt` that traversal attempts aim for.
pub struct FakeBuild {
    pub dir: TempDir,
}

impl FakeBuild {
    pub fn new() -> FakeBuild {
        let dir = tempfile::tempdir().expect("temp dir");
        let dist = dir.path().join("dist");
        fs::create_dir_all(dist.join("icons")).expect("create dist/icons");
        write(&dist.join("index.html"), INDEX_HTML.as_bytes());
        write(
            &dist.join("sw.js"),
            b"self.addEventListener('install', () => self.skipWaiting());\n",
        );
        write(
            &dist.join("manifest.webmanifest"),
            br#"{"name":"Doorstep","start_url":"/","display":"standalone"}"#,
        );
        write(
            &dist.join(APP_JS),
            "export function run() { return 42; }\n"
                .repeat(50)
                .as_bytes(),
        );
        write(&dist.join(APP_WASM), &wasm_bytes());
        write(
            &dist.join(STYLE_CSS),
            "body { margin: 0; }\n".repeat(40).as_bytes(),
        );
        write(
            &dist.join("icons/icon-192.png"),
            b"\x89PNG\r\n\x1a\nnot really a png",
        );
        write(
            &dist.join("icons/icon.svg"),
            br#"<svg xmlns="http://www.w3.org/2000/svg"/>"#,
        );
        write(&dist.join("favicon.ico"), b"\0\0\x01\0");
        write(&dist.join("robots.txt"), b"User-agent: *\n");
        write(&dir.path().join("secret.txt"), SECRET.as_bytes());
        write(&dir.path().join("Cargo.toml"), SECRET.as_bytes());
        FakeBuild { dir }
    }

    pub fn dist(&self) -> PathBuf {
        self.dir.path().join("dist")
    }

    pub fn wasm(&self) -> Vec<u8> {
        wasm_bytes()
    }
}

/// A wasm-looking body: the magic number, then enough repetition to be worth compressing.
pub fn wasm_bytes() -> Vec<u8> {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    for i in 0..20_000u32 {
        bytes.push((i % 251) as u8);
    }
    bytes
}

fn write(path: &Path, contents: &[u8]) {
    fs::write(path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}
