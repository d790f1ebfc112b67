//! The harness for Doorstep's end-to-end tests: the real collector binary serving a real
//! release build, and headless Chromium driven through chromedriver, as a worker would use
//! the app.
//!
//! - [`Collector`] runs `collector serve` on a loopback port and can be killed like a
//!   server losing power (or a worker walking out of signal).
//! - [`Worker`] is a page object: one browser, the steps a worker takes (open, tap, read,
//!   reload) and what a test checks (service worker, LocalStorage, installability).
//! - chromedriver and Chromium run in their own process group, killed when the [`Worker`]
//!   is dropped, so a failing test leaves no browser behind.
//!
//! Paths come from the environment that `scripts/test.sh` sets: `DOORSTEP_DIST`,
//! `DOORSTEP_DIST_NEXT`, `DOORSTEP_COLLECTOR`; defaults suit a run from the workspace.

pub mod console;
pub mod journey;
pub mod person;
pub mod share_sheet;
pub mod words;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// Errors of the harness, with a message saying what was being done.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// Result of a harness step.
pub type Result<T> = std::result::Result<T, Error>;

/// How long a step waits for the app before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Chromium as Debian installs it; `/usr/bin/chromium` is a wrapper script that
/// misbehaves under WebDriver.
const CHROMIUM: &str = "/usr/lib/chromium/chromium";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn env_path(name: &str, default: &str) -> PathBuf {
    std::env::var_os(name)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(default))
}

/// The release build under test (`make build`).
pub fn dist() -> PathBuf {
    env_path("DOORSTEP_DIST", "dist")
}

/// A second release build with another version label (`make build-next`).
pub fn dist_next() -> PathBuf {
    env_path("DOORSTEP_DIST_NEXT", "target/e2e/dist-next")
}

fn axe_script() -> PathBuf {
    env_path("DOORSTEP_AXE", "node_modules/axe-core/axe.min.js")
}

fn collector_binary() -> PathBuf {
    env_path("DOORSTEP_COLLECTOR", "target/debug/collector")
}

/// A folder of this test's own under `target/e2e/scratch`, removed when dropped.
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// A new empty folder named after `label`.
    pub fn new(label: &str) -> Result<Scratch> {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::SeqCst);
        let path = workspace()
            .join("target/e2e/scratch")
            .join(format!("{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .map_err(|e| format!("creating scratch folder {}: {e}", path.display()))?;
        Ok(Scratch { path })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A certificate made for one test, for a name that is not localhost, and what a browser
/// needs to trust it.
pub struct TestCertificate {
    /// The name it is for, e.g. `doorstep.test`.
    pub host: String,
    /// The certificate, PEM.
    pub cert: PathBuf,
    /// Its private key, PEM.
    pub key: PathBuf,
    /// The base64 SHA-256 of its public key (SubjectPublicKeyInfo), as Chromium's
    /// `--ignore-certificate-errors-spki-list` takes it: the certificate is then valid for
    /// that browser, as one from a public authority is for a tablet's.
    pub spki_sha256: String,
}

impl TestCertificate {
    /// A new self-signed certificate for `host`, written as `cert.pem` and `key.pem` in
    /// `dir`.
    pub fn make(dir: &Path, host: &str) -> Result<TestCertificate> {
        use base64::Engine as _;
        use rcgen::PublicKeyData as _;
        use sha2::Digest as _;
        let rcgen::CertifiedKey { cert, signing_key } =
            rcgen::generate_simple_self_signed(vec![host.to_owned()])
                .map_err(|e| format!("making a certificate for {host}: {e}"))?;
        let spki = sha2::Sha256::digest(signing_key.subject_public_key_info());
        let made = TestCertificate {
            host: host.to_owned(),
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
            spki_sha256: base64::engine::general_purpose::STANDARD.encode(spki),
        };
        std::fs::write(&made.cert, cert.pem())?;
        std::fs::write(&made.key, signing_key.serialize_pem())?;
        Ok(made)
    }
}

/// Runs the collector binary with `args` and `--data-dir data` (token, import,
/// export…) and returns what it printed; an error with its messages if it failed.
pub fn collector_command(data: &Path, args: &[&str]) -> Result<String> {
    let binary = collector_binary();
    let output = Command::new(&binary)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .map_err(|e| format!("running {}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!(
            "collector {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Makes an upload token for `agency` with `collector token add` and returns it.
pub fn add_token(data: &Path, agency: &str) -> Result<String> {
    let printed = collector_command(data, &["token", "add", "--agency", agency])?;
    Ok(printed.trim().to_owned())
}

/// How many responses the collector holds: the rows of its CSV export.
pub fn stored_in_collector(data: &Path) -> Result<usize> {
    let csv = data.join("export.csv");
    collector_command(data, &["export", "--csv", csv.to_str().unwrap_or_default()])?;
    let text = std::fs::read_to_string(csv)?;
    Ok(text.matches("\r\n").count().saturating_sub(1))
}

/// A running `collector serve`.
pub struct Collector {
    child: Option<Child>,
    addr: String,
    origin: String,
}

impl Collector {
    /// Serves `dist` on a free loopback port.
    pub fn start(dist: &Path, data: &Path) -> Result<Collector> {
        Collector::start_at("127.0.0.1:0", dist, data)
    }

    /// Serves `dist` on `addr` (used to deploy a new build at the same address).
    pub fn start_at(addr: &str, dist: &Path, data: &Path) -> Result<Collector> {
        Collector::launch(addr, dist, data, &[], None)
    }

    /// Serves `dist` over HTTPS with `certificate` on a free loopback port; its address is
    /// `https://<the certificate's name>:PORT/` (a browser launched with
    /// [`Worker::launch_trusting`] finds that name at 127.0.0.1).
    pub fn start_https(
        dist: &Path,
        data: &Path,
        certificate: &TestCertificate,
    ) -> Result<Collector> {
        let args = [
            "--tls-cert".to_owned(),
            certificate.cert.display().to_string(),
            "--tls-key".to_owned(),
            certificate.key.display().to_string(),
        ];
        Collector::launch("127.0.0.1:0", dist, data, &args, Some(&certificate.host))
    }

    fn launch(
        addr: &str,
        dist: &Path,
        data: &Path,
        args: &[String],
        host: Option<&str>,
    ) -> Result<Collector> {
        let binary = collector_binary();
        if !dist.join("index.html").is_file() {
            return Err(
                format!("no release build in {} (run `make build`)", dist.display()).into(),
            );
        }
        let mut child = Command::new(&binary)
            .args(["serve", "--addr", addr, "--data-dir"])
            .arg(data)
            .arg("--dist")
            .arg(dist)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                format!(
                    "starting {}: {e} (run `cargo build -p collector`)",
                    binary.display()
                )
            })?;
        let stdout = child.stdout.take().ok_or("collector has no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("reading the collector's first line: {e}"))?;
        // "Doorstep collector listening on http(s)://127.0.0.1:PORT/ — open this address..."
        let bound = line.split_once("://").and_then(|(before, rest)| {
            let scheme = before.rsplit(' ').next()?;
            let addr = rest.split('/').next()?;
            Some((scheme.to_owned(), addr.to_owned()))
        });
        match bound {
            Some((scheme, addr)) => {
                let origin = match (host, addr.rsplit_once(':')) {
                    (Some(host), Some((_, port))) => format!("{scheme}://{host}:{port}"),
                    _ => format!("{scheme}://{addr}"),
                };
                Ok(Collector {
                    child: Some(child),
                    addr,
                    origin,
                })
            }
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!("the collector did not say where it listens: {line:?}").into())
            }
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The app's origin: `http://127.0.0.1:PORT`, or `https://<name>:PORT` over HTTPS.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The [`origin`](Collector::origin), `/`, then `path` (without its leading slash).
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.origin, path.trim_start_matches('/'))
    }

    /// Kills the server process outright (SIGKILL), as a power cut would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Chromium's flags: headless, and nothing that reaches for the network on its own; then
/// `extra`.
fn chromium_args(profile: &Path, extra: &[String]) -> Vec<String> {
    let mut args: Vec<String> = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--no-first-run",
        "--no-default-browser-check",
        "--metrics-recording-only",
        "--disable-domain-reliability",
        "--disable-quic",
        "--window-size=800,1280",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.extend_from_slice(extra);
    args
}

/// Chromium's profile stays between [`Worker::launch_with_profile`] calls, as a tablet's
/// browser keeps its data between uses.
pub struct Profile {
    scratch: Scratch,
}

impl Profile {
    /// A new, empty browser profile.
    pub fn new(label: &str) -> Result<Profile> {
        Ok(Profile {
            scratch: Scratch::new(label)?,
        })
    }

    fn dir(&self) -> PathBuf {
        self.scratch.path().join("chromium")
    }

    fn home(&self) -> PathBuf {
        self.scratch.path().join("home")
    }
}

/// chromedriver in its own process group; dropping it kills the group and any Chromium
/// still using its profile.
struct Driver {
    child: Child,
    profile_dir: PathBuf,
}

// Signalling a process group needs libc's kill(2); the only unsafe code in the project.
#[allow(unsafe_code)]
impl Drop for Driver {
    fn drop(&mut self) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: kill(2) with a negative pid signals the process group we created for
        // chromedriver (process_group(0) below); it touches no memory of ours.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
        let _ = self.child.wait();
        // Chromium may have moved to a process group of its own: find it by its profile,
        // and wait until every one is gone (a killed process lingers a moment, longer on
        // a busy machine).
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = pids_using(&self.profile_dir);
            if left.is_empty() || Instant::now() > deadline {
                break;
            }
            for pid in left {
                // SAFETY: as above, a plain signal to a process we started.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Processes whose command line names `path` (our Chromium, by its profile folder).
pub fn pids_using(path: &Path) -> Vec<libc::pid_t> {
    let needle = path.to_string_lossy().into_owned();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let pid: libc::pid_t = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            cmdline.contains(&needle).then_some(pid)
        })
        .filter(|pid| *pid != std::process::id() as libc::pid_t)
        .collect()
}

/// A Chrome DevTools Protocol command sent through chromedriver.
#[derive(Debug)]
struct Cdp {
    method: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// One worker with one tablet: a headless Chromium and the steps they take in the app.
pub struct Worker {
    client: Client,
    base: String,
    _driver: Driver,
    _profile: Option<Profile>,
}

impl Worker {
    /// A fresh browser with an empty profile, pointed at nothing yet.
    pub async fn launch(label: &str) -> Result<Worker> {
        let profile = Profile::new(label)?;
        let mut worker = Worker::launch_with_profile(&profile).await?;
        worker._profile = Some(profile);
        Ok(worker)
    }

    /// A fresh browser that finds `certificate`'s name at 127.0.0.1 and trusts the
    /// certificate, as a tablet trusts a server's real one: the app is on an HTTPS origin
    /// that is not localhost.
    pub async fn launch_trusting(label: &str, certificate: &TestCertificate) -> Result<Worker> {
        let profile = Profile::new(label)?;
        let extra = [
            format!("--host-resolver-rules=MAP {} 127.0.0.1", certificate.host),
            format!(
                "--ignore-certificate-errors-spki-list={}",
                certificate.spki_sha256
            ),
        ];
        let mut worker = Worker::launch_with(&profile, &extra).await?;
        worker._profile = Some(profile);
        Ok(worker)
    }

    /// A browser using `profile`, which outlives it (to close and reopen the browser).
    pub async fn launch_with_profile(profile: &Profile) -> Result<Worker> {
        Worker::launch_with(profile, &[]).await
    }

    /// A browser using `profile`, with Chromium's `extra` flags.
    async fn launch_with(profile: &Profile, extra: &[String]) -> Result<Worker> {
        std::fs::create_dir_all(profile.home())?;
        let port = free_port()?;
        let mut command = Command::new("chromedriver");
        command
            .arg(format!("--port={port}"))
            .env("HOME", profile.home())
            .env("XDG_CONFIG_HOME", profile.home().join(".config"))
            .env("XDG_CACHE_HOME", profile.home().join(".cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command
            .spawn()
            .map_err(|e| format!("starting chromedriver: {e} (run scripts/setup.sh)"))?;
        let driver = Driver {
            child,
            profile_dir: profile.dir(),
        };

        let mut capabilities = Capabilities::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": CHROMIUM, "args": chromium_args(&profile.dir(), extra) }),
        );
        let webdriver = format!("http://127.0.0.1:{port}/");
        let started = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&webdriver)
                .await
            {
                Ok(client) => break client,
                Err(e) if started.elapsed() > Duration::from_secs(20) => {
                    return Err(format!("chromedriver did not start Chromium: {e}").into())
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Ok(Worker {
            client,
            base: String::new(),
            _driver: driver,
            _profile: None,
        })
    }

    /// The Chromium profile folder this browser uses.
    pub fn profile_dir(&self) -> PathBuf {
        self._driver.profile_dir.clone()
    }

    /// Opens `url` (a full address) and remembers its origin for [`Worker::go`].
    pub async fn open(&mut self, url: &str) -> Result<()> {
        let parsed = url::Url::parse(url)?;
        self.base = parsed.origin().ascii_serialization();
        self.client.goto(url).await?;
        Ok(())
    }

    /// Types an address into the address bar: `path` on the app's origin.
    pub async fn go(&self, path: &str) -> Result<()> {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        Ok(())
    }

    /// Reloads the page, as pulling down or reopening the app does.
    pub async fn reload(&self) -> Result<()> {
        self.client.refresh().await?;
        Ok(())
    }

    /// Runs `script` in the page and returns what it returns.
    pub async fn run(&self, script: &str) -> Result<Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Runs `script`, a function body whose last statement returns a Promise, and waits for it.
    pub async fn run_async(&self, script: &str) -> Result<Value> {
        let wrapped = format!(
            "const done = arguments[arguments.length - 1];
             (async () => {{ {script} }})().then(done, (e) => done({{ error: String(e) }}));"
        );
        Ok(self.client.execute_async(&wrapped, vec![]).await?)
    }

    /// Sends a DevTools Protocol command and returns its result.
    pub async fn devtools(&self, method: &str, params: Value) -> Result<Value> {
        Ok(self
            .client
            .issue_cmd(Cdp {
                method: method.to_owned(),
                params,
            })
            .await?)
    }

    /// Polls `script` (an expression) until it is truthy; fails after [`PATIENCE`] with `what`.
    pub async fn wait_until(&self, what: &str, script: &str) -> Result<Value> {
        let started = Instant::now();
        loop {
            let last = match self.run(&format!("return ({script});")).await {
                Ok(value) if is_truthy(&value) => return Ok(value),
                Ok(value) => value,
                // The page may be between documents while it reloads.
                Err(e) => Value::String(e.to_string()),
            };
            if started.elapsed() > PATIENCE {
                return Err(format!("waited {PATIENCE:?} for {what}; last saw {last}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the element with `data-testid` is on the screen and returns its text.
    pub async fn see(&self, testid: &str) -> Result<String> {
        let selector = testid_selector(testid);
        self.wait_until(
            &format!("[data-testid={testid}] to show"),
            &format!("document.querySelector({selector}) !== null"),
        )
        .await?;
        let element = self
            .client
            .find(Locator::Css(&selector_css(testid)))
            .await?;
        Ok(element.text().await?)
    }

    /// Waits until the element with `data-testid` shows text containing `expected`.
    pub async fn see_text(&self, testid: &str, expected: &str) -> Result<String> {
        let selector = testid_selector(testid);
        let expected_json = json!(expected);
        let value = self
            .wait_until(
                &format!("[data-testid={testid}] to read {expected:?}"),
                &format!(
                    "(() => {{ const e = document.querySelector({selector});
                       return e && e.innerText.includes({expected_json}) ? e.innerText : null; }})()"
                ),
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Waits until the element with `data-testid` has `data-state="state"`.
    pub async fn see_state(&self, testid: &str, state: &str) -> Result<()> {
        let selector = testid_selector(testid);
        let state_json = json!(state);
        self.wait_until(
            &format!("[data-testid={testid}] to be in state {state:?}"),
            &format!(
                "(() => {{ const e = document.querySelector({selector});
                   return e && e.dataset.state === {state_json}; }})()"
            ),
        )
        .await?;
        Ok(())
    }

    /// Whether an element with `data-testid` is on the screen now.
    pub async fn is_showing(&self, testid: &str) -> Result<bool> {
        let selector = testid_selector(testid);
        let value = self
            .run(&format!(
                "return document.querySelector({selector}) !== null;"
            ))
            .await?;
        Ok(value.as_bool() == Some(true))
    }

    /// Taps the element with `data-testid`, once it shows and can be tapped.
    pub async fn tap(&self, testid: &str) -> Result<()> {
        self.see(testid).await?;
        let element = self
            .client
            .find(Locator::Css(&selector_css(testid)))
            .await?;
        element.click().await?;
        Ok(())
    }

    /// Types `text` into the field with `data-testid`, as a worker would on the keyboard.
    pub async fn type_text(&self, testid: &str, text: &str) -> Result<()> {
        self.see(testid).await?;
        let element = self
            .client
            .find(Locator::Css(&selector_css(testid)))
            .await?;
        element.click().await?;
        element.send_keys(text).await?;
        Ok(())
    }

    /// Presses keys on whatever has focus (WebDriver key codes, e.g. `"\u{e007}"` for
    /// Enter), as a worker with a keyboard would.
    pub async fn press_keys(&self, keys: &str) -> Result<()> {
        let focused = self.client.active_element().await?;
        focused.send_keys(keys).await?;
        Ok(())
    }

    /// Empties the field with `data-testid` (select all, delete), as a worker would.
    pub async fn clear_text(&self, testid: &str) -> Result<()> {
        self.see(testid).await?;
        let element = self
            .client
            .find(Locator::Css(&selector_css(testid)))
            .await?;
        element.click().await?;
        // Ctrl+A then Backspace, so the page sees real input events.
        element.send_keys("\u{e009}a\u{e009}\u{e003}").await?;
        Ok(())
    }

    /// Picks the option with value `value` in the drop-down with `data-testid`.
    pub async fn choose(&self, testid: &str, value: &str) -> Result<()> {
        self.see(testid).await?;
        let element = self
            .client
            .find(Locator::Css(&selector_css(testid)))
            .await?;
        element.select_by_value(value).await?;
        Ok(())
    }

    /// Lets the page save files into `dir` (as the tablet's Downloads folder).
    pub async fn allow_downloads(&self, dir: &Path) -> Result<()> {
        self.devtools(
            "Browser.setDownloadBehavior",
            json!({ "behavior": "allow", "downloadPath": dir.to_string_lossy() }),
        )
        .await?;
        Ok(())
    }

    /// Waits until a file whose name satisfies `matches` is completely saved in `dir`,
    /// and returns its path.
    pub async fn downloaded(&self, dir: &Path, matches: impl Fn(&str) -> bool) -> Result<PathBuf> {
        let started = Instant::now();
        loop {
            if let Ok(entries) = std::fs::read_dir(dir) {
                for entry in entries.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if matches(&name) && !name.ends_with(".crdownload") {
                        return Ok(entry.path());
                    }
                }
            }
            if started.elapsed() > PATIENCE {
                return Err(format!(
                    "no matching download in {} after {PATIENCE:?}",
                    dir.display()
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The value in the field `testid` (an input or a select).
    pub async fn field_value(&self, testid: &str) -> Result<String> {
        let value = self
            .client
            .execute(
                "return document.querySelector(`[data-testid=${arguments[0]}]`).value;",
                vec![json!(testid)],
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// What stops Chromium installing the app from this page: its manifest's errors and
    /// its installability errors (both empty when it can be installed).
    pub async fn install_problems(&self) -> Result<(Value, Value)> {
        let manifest = self.devtools("Page.getAppManifest", json!({})).await?;
        let installability = self
            .devtools("Page.getInstallabilityErrors", json!({}))
            .await?;
        Ok((
            manifest["errors"].clone(),
            installability["installabilityErrors"].clone(),
        ))
    }

    /// The address the page shows now (path only).
    pub async fn path(&self) -> Result<String> {
        let value = self.run("return location.pathname;").await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Waits until a service worker controls the page and the app says it is ready to
    /// work without signal.
    pub async fn wait_until_ready_offline(&self) -> Result<()> {
        self.wait_until(
            "a service worker to control the page",
            "navigator.serviceWorker && navigator.serviceWorker.controller !== null",
        )
        .await?;
        self.see_state("offline-readiness", "ready").await
    }

    /// Every LocalStorage entry of the app's origin.
    pub async fn local_storage(&self) -> Result<BTreeMap<String, String>> {
        let value = self
            .run(
                "const all = {};
                 for (let i = 0; i < localStorage.length; i++) {
                   const k = localStorage.key(i); all[k] = localStorage.getItem(k);
                 }
                 return all;",
            )
            .await?;
        Ok(serde_json::from_value(value)?)
    }

    /// Writes one LocalStorage entry directly, as earlier use of the app would have.
    pub async fn put_local_storage(&self, key: &str, value: &str) -> Result<()> {
        self.client
            .execute(
                "localStorage.setItem(arguments[0], arguments[1]);",
                vec![json!(key), json!(value)],
            )
            .await?;
        Ok(())
    }

    /// Cuts the browser's network (or restores it), as walking out of signal does; the
    /// page gets `offline` / `online` events.
    pub async fn set_network(&self, online: bool) -> Result<()> {
        self.devtools("Network.enable", json!({})).await?;
        self.devtools(
            "Network.emulateNetworkConditions",
            json!({
                "offline": !online,
                "latency": 0,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            }),
        )
        .await?;
        Ok(())
    }

    /// Shows the page as a device of this size would (CSS pixels).
    pub async fn use_screen(&self, width: u32, height: u32) -> Result<()> {
        self.devtools(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 1000 }),
        )
        .await?;
        Ok(())
    }

    /// What makes the screen hard to use at its size: sideways scrolling; anything drawn
    /// past the screen's edges or cut off inside a box that scrolls or clips sideways (a
    /// navigation bar that scrolls hides its last link without making the page wider);
    /// navigation links broken over two lines; and links or buttons smaller than a 48px
    /// touch target (each as `text: width x height`).
    pub async fn layout_problems(&self) -> Result<Vec<String>> {
        let value = self
            .run(
                "const problems = [];
                 const overflow = document.documentElement.scrollWidth - window.innerWidth;
                 if (overflow > 0) problems.push(`scrolls sideways by ${overflow}px`);
                 const name = (e) => (e.getAttribute('aria-label') || e.textContent.trim().slice(0, 40) || e.tagName);
                 const hidden = (e) => e.closest('.visually-hidden, .skip-link, [hidden]') !== null;
                 // A wide table may scroll in a labelled, focusable region of its own.
                 const region = (e) => e.closest('[role=region][tabindex]');
                 const scrolled = (e) => { const r = region(e); return r !== null && r !== e; };
                 const width = document.documentElement.clientWidth;
                 for (const e of document.body.querySelectorAll('*')) {
                   if (e.offsetParent === null || hidden(e) || scrolled(e)) continue;
                   const r = e.getBoundingClientRect();
                   if (r.width > 0 && (r.right > width + 1 || r.left < -1)) {
                     problems.push(`${name(e)}: drawn from ${Math.round(r.left)}px to ${Math.round(r.right)}px on a ${width}px screen`);
                     continue;
                   }
                   const style = getComputedStyle(e);
                   const clips = ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX);
                   const field = ['INPUT', 'TEXTAREA', 'SELECT', 'PRE', 'svg'].includes(e.tagName);
                   if (clips && !field && region(e) !== e && e.scrollWidth > e.clientWidth + 1) {
                     problems.push(`${name(e)}: ${e.scrollWidth - e.clientWidth}px of it cut off or scrolled sideways`);
                   }
                 }
                 for (const link of document.querySelectorAll('nav a')) {
                   if (link.offsetParent === null || hidden(link)) continue;
                   const range = document.createRange();
                   range.selectNodeContents(link);
                   const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
                   if (lines.size > 1) problems.push(`${name(link)}: navigation link on ${lines.size} lines`);
                 }
                 for (const e of document.querySelectorAll('a, button, label.choice, label.rating-point, select, input[type=text], textarea')) {
                   if (e.offsetParent === null || e.classList.contains('skip-link')) continue;
                   const r = e.getBoundingClientRect();
                   if (r.height < 48 || r.width < 48) {
                     problems.push(`${e.textContent.trim().slice(0, 40) || e.tagName}: ${r.width}x${r.height}`);
                   }
                 }
                 return problems;",
            )
            .await?;
        Ok(serde_json::from_value(value)?)
    }

    /// Saves a PNG of the page to `target/e2e/screenshots/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let dir = workspace().join("target/e2e/screenshots");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }

    /// Runs the axe-core accessibility audit (WCAG 2.x A and AA rules) on the page as it
    /// is now and returns the serious and critical violations, each as
    /// `rule: help (elements)`.
    pub async fn accessibility_problems(&self) -> Result<Vec<String>> {
        let loaded = self.run("return typeof window.axe === 'object';").await?;
        if loaded != json!(true) {
            let path = axe_script();
            let script = std::fs::read_to_string(&path)
                .map_err(|e| format!("reading {}: {e} (run scripts/setup.sh)", path.display()))?;
            self.run(&script).await?;
        }
        let result = self
            .run_async(
                "const r = await axe.run(document, {
                   runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                   resultTypes: ['violations'],
                 });
                 return r.violations
                   .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                   .map((v) => `${v.id} (${v.impact}): ${v.help} [${v.nodes.map((n) => n.target.join(' ')).join(', ')}]`);",
            )
            .await?;
        if let Some(error) = result.get("error") {
            return Err(format!("axe-core failed: {error}").into());
        }
        Ok(serde_json::from_value(result)?)
    }

    /// Ends the browser session cleanly (dropping the worker also kills the browser).
    pub async fn close(self) -> Result<()> {
        self.client.clone().close().await?;
        Ok(())
    }
}

fn selector_css(testid: &str) -> String {
    format!("[data-testid=\"{testid}\"]")
}

fn testid_selector(testid: &str) -> String {
    json!(selector_css(testid)).to_string()
}

fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}
