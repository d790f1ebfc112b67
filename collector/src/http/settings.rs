//! What a coordinator may set about the HTTP surface (`collector serve` flags), with the
//! defaults the collector README states: the origins allowed to upload from another
//! address (none), the timeouts, the intake's byte budget, the reverse proxies trusted
//! (none) and how often the TLS files are checked for a renewal.

use std::time::Duration;

use axum::http::{HeaderValue, Uri};
use ipnet::IpNet;
use survey::results::Threshold;
use survey::wire::BODY_LIMIT;

/// How long a request's head (request line and headers) may take to arrive, from the
/// moment the collector starts waiting for it; also how long an idle kept-alive
/// connection stays open. Then the connection is closed.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(20);

/// How long an upload's body may take to arrive once its token is accepted: then `408
/// too_slow`. 60 s is 270 KB/s for a full 16 MB body; a batch of 50 interviews (about
/// 80 KB) needs 1.4 KB/s.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest any request may take from its head to its answer: then `503 busy`. Under
/// the app's own two minutes, so the tablet hears why.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(110);

/// Bytes of upload bodies that may be read, verified and stored at once: 16 MiB, one full
/// batch (or many small ones). It also sets how many batches are verified at once, one
/// per 16 MiB of it ([`Settings::intake_threads`]). Verifying a batch takes about 27
/// times its size in memory, so the collector's peak memory is about 28 times the budget
/// (the collector README states the ceiling and what was measured).
pub const INTAKE_BUDGET: usize = BODY_LIMIT;

/// How long an upload waits for room in the budget before it is answered `503 busy`;
/// also what a `503 busy` tells the tablet to wait (`Retry-After`) before it tries again.
pub const BUSY_WAIT: Duration = Duration::from_secs(10);

/// Failed token tries allowed from one address at once…
pub const FAILED_TRIES_BURST: u32 = 10;

/// …and then one more every this long (`429 throttled` in between).
pub const FAILED_TRY_INTERVAL: Duration = Duration::from_secs(6);

/// How often the TLS certificate and key files are checked for a change (a renewal).
pub const TLS_RELOAD_INTERVAL: Duration = Duration::from_secs(5);

/// The HTTP surface's settings. [`Settings::default`] is what `collector serve` uses
/// without flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Origins whose pages may upload (CORS); none by default, as the collector serves
    /// the app itself (same origin).
    pub cors_origins: Vec<HeaderValue>,
    /// See [`HEADER_TIMEOUT`].
    pub header_timeout: Duration,
    /// See [`BODY_TIMEOUT`].
    pub body_timeout: Duration,
    /// See [`REQUEST_TIMEOUT`].
    pub request_timeout: Duration,
    /// See [`INTAKE_BUDGET`], in bytes. A body larger than the whole budget is taken in
    /// alone.
    pub intake_budget: usize,
    /// See [`BUSY_WAIT`].
    pub busy_wait: Duration,
    /// See [`FAILED_TRIES_BURST`].
    pub failed_tries_burst: u32,
    /// See [`FAILED_TRY_INTERVAL`].
    pub failed_try_interval: Duration,
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed
    /// (see [`super::client::Client`]); none by default.
    pub trusted_proxies: Vec<IpNet>,
    /// See [`TLS_RELOAD_INTERVAL`].
    pub tls_reload_interval: Duration,
    /// The console's small-numbers threshold: counts below it are hidden on every page
    /// and download of aggregates (10 unless set, never below 5).
    pub small_count: Threshold,
}

impl Settings {
    /// `router` with CORS for the `--cors-origin` origins, made by `layer` from one that
    /// allows them (its methods and headers are the route's to say); `router` as it is
    /// when none is named (the app served by the collector itself needs none).
    pub fn with_cors<S: Clone + Send + Sync + 'static>(
        &self,
        router: axum::Router<S>,
        layer: impl FnOnce(tower_http::cors::CorsLayer) -> tower_http::cors::CorsLayer,
    ) -> axum::Router<S> {
        if self.cors_origins.is_empty() {
            return router;
        }
        router.layer(layer(tower_http::cors::CorsLayer::new().allow_origin(
            tower_http::cors::AllowOrigin::list(self.cors_origins.iter().cloned()),
        )))
    }

    /// How many batches are verified and stored at once: one per [`BODY_LIMIT`] of the
    /// intake budget, at least one and at most one per core.
    pub fn intake_threads(&self) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        (self.intake_budget / BODY_LIMIT).clamp(1, cores.max(1))
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            cors_origins: Vec::new(),
            header_timeout: HEADER_TIMEOUT,
            body_timeout: BODY_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
            intake_budget: INTAKE_BUDGET,
            busy_wait: BUSY_WAIT,
            failed_tries_burst: FAILED_TRIES_BURST,
            failed_try_interval: FAILED_TRY_INTERVAL,
            trusted_proxies: Vec::new(),
            tls_reload_interval: TLS_RELOAD_INTERVAL,
            small_count: Threshold::DEFAULT,
        }
    }
}

/// Reads an origin given to `--cors-origin`: `http` or `https`, a host, maybe a port,
/// nothing else (a single trailing `/` is forgiven). Returned as the browser writes it
/// in its `Origin` header (lowercase), or why it is not one.
pub fn parse_origin(text: &str) -> Result<HeaderValue, String> {
    let explain = |why: &str| {
        format!("{text:?} is not an origin ({why}); write the scheme and host the app is opened at, e.g. https://survey.example.org or http://10.0.0.5:8080")
    };
    if text.trim() == "*" {
        return Err(explain(
            "any origin is not allowed: name each one that may upload",
        ));
    }
    let trimmed = text.strip_suffix('/').unwrap_or(text);
    let uri: Uri = trimmed.parse().map_err(|_| explain("not an address"))?;
    let scheme = uri
        .scheme_str()
        .ok_or_else(|| explain("no http:// or https://"))?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(explain("only http:// and https:// pages can upload"));
    }
    let authority = uri.authority().ok_or_else(|| explain("no host"))?;
    if authority.host().is_empty() || authority.as_str().contains('@') {
        return Err(explain("a host, without a user name"));
    }
    if uri
        .path_and_query()
        .is_some_and(|p| !p.as_str().is_empty() && p.as_str() != "/")
    {
        return Err(explain("an origin has no path or query"));
    }
    let origin = format!("{}://{}", scheme, authority).to_ascii_lowercase();
    HeaderValue::from_str(&origin).map_err(|_| explain("not a header value"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_read_as_the_browser_sends_them() {
        for (given, read) in [
            ("https://survey.example.org", "https://survey.example.org"),
            ("https://Survey.Example.org/", "https://survey.example.org"),
            ("http://10.0.0.5:8080", "http://10.0.0.5:8080"),
            ("http://[::1]:9000", "http://[::1]:9000"),
        ] {
            assert_eq!(parse_origin(given).unwrap(), read, "{given}");
        }
    }

    #[test]
    fn anything_but_an_origin_is_refused_with_the_reason() {
        for (given, why) in [
            ("*", "any origin is not allowed"),
            ("survey.example.org", "no http"),
            ("ftp://survey.example.org", "only http"),
            ("https://survey.example.org/app", "no path"),
            ("https://survey.example.org/?a=1", "no path"),
            ("https://me@survey.example.org", "without a user"),
            ("not an address", "not an address"),
            ("", "not an address"),
        ] {
            let error = parse_origin(given).unwrap_err();
            assert!(error.contains(why), "{given}: {error}");
            assert!(error.contains("e.g. https://"), "{error}");
        }
    }

    #[test]
    fn a_batch_is_verified_at_once_per_16_mb_of_budget() {
        let budget = |mb: usize| Settings {
            intake_budget: mb * 1024 * 1024,
            ..Settings::default()
        };
        assert_eq!(budget(1).intake_threads(), 1);
        assert_eq!(budget(31).intake_threads(), 1);
        let cores = std::thread::available_parallelism().unwrap().get();
        assert_eq!(budget(32).intake_threads(), 2.min(cores));
        assert_eq!(budget(4096).intake_threads(), cores);
    }

    #[test]
    fn the_defaults_are_those_the_readme_states() {
        let settings = Settings::default();
        assert!(settings.cors_origins.is_empty());
        assert!(settings.trusted_proxies.is_empty());
        assert_eq!(settings.tls_reload_interval, Duration::from_secs(5));
        assert_eq!(settings.header_timeout, Duration::from_secs(20));
        assert_eq!(settings.body_timeout, Duration::from_secs(60));
        assert_eq!(settings.request_timeout, Duration::from_secs(110));
        assert_eq!(settings.intake_budget, 16 * 1024 * 1024);
        assert_eq!(settings.intake_threads(), 1);
        assert!(
            settings.request_timeout > settings.busy_wait + settings.body_timeout,
            "an upload that waits for room and then arrives slowly is still answered by its own timeouts"
        );
    }
}
