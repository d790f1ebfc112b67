//! The router, driven in-process: how `dist/` and the API answer.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

mod common;

use std::io::Read;

use axum::body::Body;
use axum::http::header::{
    ACCEPT_ENCODING, ALLOW, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, ETAG,
    IF_NONE_MATCH, VARY,
};
use axum::http::{Method, Request, Response, StatusCode};
use axum::Router;
use collector::{router, CollectorError, Dist};
use common::{FakeBuild, APP_JS, APP_WASM, INDEX_HTML, SECRET, STYLE_CSS};
use http_body_util::BodyExt;
use tower::ServiceExt;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn app(build: &FakeBuild) -> Router {
    router(Dist::open(&build.dist()).expect("fake dist opens"))
}

async fn send(app: &Router, request: Request<Body>) -> Response<Body> {
    app.clone()
        .oneshot(request)
        .await
        .expect("router is infallible")
}

async fn get(app: &Router, uri: &str) -> Response<Body> {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

async fn body_bytes(response: Response<Body>) -> Vec<u8> {
    response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec()
}

async fn body_text(response: Response<Body>) -> String {
    String::from_utf8(body_bytes(response).await).expect("utf-8 body")
}

fn header(response: &Response<Body>, name: axum::http::HeaderName) -> &str {
    response
        .headers()
        .get(&name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("missing header {name}"))
}

#[tokio::test]
async fn root_serves_index_html() {
    let build = FakeBuild::new();
    let response = get(&app(&build), "/").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CONTENT_TYPE), "text/html; charset=utf-8");
    assert_eq!(body_text(response).await, INDEX_HTML);
}

#[tokio::test]
async fn wasm_is_served_as_application_wasm() {
    let build = FakeBuild::new();
    let response = get(&app(&build), &format!("/{APP_WASM}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CONTENT_TYPE), "application/wasm");
    assert_eq!(body_bytes(response).await, build.wasm());
}

#[tokio::test]
async fn each_kind_of_file_gets_its_content_type() {
    let build = FakeBuild::new();
    let app = app(&build);
    for (path, expected) in [
        ("/index.html", "text/html; charset=utf-8"),
        ("/sw.js", "text/javascript; charset=utf-8"),
        (
            &format!("/{APP_JS}") as &str,
            "text/javascript; charset=utf-8",
        ),
        (&format!("/{STYLE_CSS}"), "text/css; charset=utf-8"),
        ("/manifest.webmanifest", "application/manifest+json"),
        ("/icons/icon-192.png", "image/png"),
        ("/icons/icon.svg", "image/svg+xml"),
        ("/favicon.ico", "image/x-icon"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ] {
        let response = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&response, CONTENT_TYPE), expected, "{path}");
        assert_eq!(
            header(&response, "x-content-type-options".parse().unwrap()),
            "nosniff"
        );
    }
}

#[tokio::test]
async fn hashed_assets_are_cached_immutably() {
    let build = FakeBuild::new();
    let app = app(&build);
    for asset in [APP_JS, APP_WASM, STYLE_CSS] {
        let response = get(&app, &format!("/{asset}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        assert_eq!(header(&response, CACHE_CONTROL), IMMUTABLE, "{asset}");
    }
}

#[tokio::test]
async fn index_and_service_worker_are_never_cached() {
    let build = FakeBuild::new();
    let app = app(&build);
    for path in [
        "/",
        "/index.html",
        "/sw.js",
        "/manifest.webmanifest",
        "/icons/icon-192.png",
        "/icons/icon.svg",
        "/settings",
    ] {
        let response = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&response, CACHE_CONTROL), "no-cache", "{path}");
    }
}

#[tokio::test]
async fn unchanged_files_revalidate_with_304() {
    let build = FakeBuild::new();
    let app = app(&build);
    let first = get(&app, "/sw.js").await;
    let etag = header(&first, ETAG).to_owned();
    let again = Request::get("/sw.js")
        .header(IF_NONE_MATCH, &etag)
        .body(Body::empty())
        .expect("request");
    let response = send(&app, again).await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&response, CACHE_CONTROL), "no-cache");
    assert!(body_bytes(response).await.is_empty());

    let other = Request::get("/sw.js")
        .header(IF_NONE_MATCH, "W/\"something-else\"")
        .body(Body::empty())
        .expect("request");
    assert_eq!(send(&app, other).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn app_routes_fall_back_to_index_html() {
    let build = FakeBuild::new();
    let app = app(&build);
    for path in [
        "/settings",
        "/interview/abc",
        "/interview/abc/",
        "/icons",
        "/review?x=1",
    ] {
        let response = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header(&response, CONTENT_TYPE),
            "text/html; charset=utf-8",
            "{path}"
        );
        assert_eq!(header(&response, CACHE_CONTROL), "no-cache", "{path}");
        assert_eq!(body_text(response).await, INDEX_HTML, "{path}");
    }
}

#[tokio::test]
async fn missing_asset_is_404_not_html() {
    let build = FakeBuild::new();
    let app = app(&build);
    for path in [
        "/missing.js",
        "/doorstep-ffffffffffffffff_bg.wasm",
        "/icons/missing.png",
        "/interview/abc/missing.css",
    ] {
        let response = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(
            !header(&response, CONTENT_TYPE).contains("html"),
            "{path} must not be HTML"
        );
        assert!(
            !body_text(response).await.contains("Doorstep app shell"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn path_traversal_cannot_escape_dist() {
    let build = FakeBuild::new();
    let app = app(&build);
    for path in [
        "/../secret.txt",
        "/../Cargo.toml",
        "/icons/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/Cargo.toml",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/icons/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/%2e%2e",
        "//secret.txt",
    ] {
        let response = get(&app, path).await;
        let status = response.status();
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::NOT_FOUND,
            "{path} answered {status}"
        );
        assert!(
            !body_text(response).await.contains("secret outside dist"),
            "{path}"
        );
    }
    assert!(SECRET.contains("secret outside dist"));
}

#[cfg(unix)]
#[tokio::test]
async fn symlinks_cannot_lead_out_of_dist() {
    let build = FakeBuild::new();
    std::os::unix::fs::symlink(
        build.dir.path().join("secret.txt"),
        build.dist().join("leak.txt"),
    )
    .expect("symlink");
    let response = get(&app(&build), "/leak.txt").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// Serving the app only, no database is open, so the collector cannot take batches in:
/// health says so (the binary's health, with a database, is in `running_the_binary`).
#[tokio::test]
async fn health_without_a_database_is_unavailable_and_says_why() {
    let build = FakeBuild::new();
    let response = get(&app(&build), "/api/v1/health").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(header(&response, CONTENT_TYPE).starts_with("application/json"));
    let body: serde_json::Value =
        serde_json::from_slice(&body_bytes(response).await).expect("json");
    assert_eq!(
        body,
        serde_json::json!({
            "status": "unavailable",
            "version": env!("CARGO_PKG_VERSION"),
            "database": "no database is open: this collector serves the app only and takes no batches"
        })
    );
}

#[tokio::test]
async fn unknown_api_paths_are_json_404s() {
    let build = FakeBuild::new();
    let app = app(&build);
    for path in [
        "/api",
        "/api/",
        "/api/v1/nothing",
        "/api/v2/health",
        "/api/settings",
    ] {
        let response = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body: serde_json::Value =
            serde_json::from_slice(&body_bytes(response).await).expect("json");
        assert_eq!(
            body,
            serde_json::json!({"error": "not_found", "reason": "no such API endpoint"}),
            "{path}"
        );
    }
}

#[tokio::test]
async fn writes_to_static_paths_are_405() {
    let build = FakeBuild::new();
    let app = app(&build);
    for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
        for path in ["/", "/index.html", "/settings", "/missing.js"] {
            let request = Request::builder()
                .method(method.clone())
                .uri(path)
                .body(Body::empty())
                .expect("request");
            let response = send(&app, request).await;
            assert_eq!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert!(header(&response, ALLOW).contains("GET"), "{method} {path}");
        }
    }
}

#[tokio::test]
async fn head_answers_headers_without_a_body() {
    let build = FakeBuild::new();
    let app = app(&build);
    let request = Request::head(format!("/{APP_WASM}"))
        .body(Body::empty())
        .expect("request");
    let response = send(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CONTENT_TYPE), "application/wasm");
    assert_eq!(header(&response, CACHE_CONTROL), IMMUTABLE);
    assert_eq!(
        header(&response, CONTENT_LENGTH),
        build.wasm().len().to_string()
    );
    assert!(body_bytes(response).await.is_empty());
}

#[tokio::test]
async fn gzip_and_brotli_when_accepted() {
    let build = FakeBuild::new();
    let app = app(&build);
    let path = format!("/{APP_WASM}");

    let gzip = Request::get(&path)
        .header(ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .expect("request");
    let response = send(&app, gzip).await;
    assert_eq!(header(&response, CONTENT_ENCODING), "gzip");
    assert_eq!(header(&response, CONTENT_TYPE), "application/wasm");
    assert_eq!(header(&response, CACHE_CONTROL), IMMUTABLE);
    let compressed = body_bytes(response).await;
    assert!(compressed.len() < build.wasm().len());
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_end(&mut plain)
        .expect("valid gzip");
    assert_eq!(plain, build.wasm());

    let brotli = Request::get(&path)
        .header(ACCEPT_ENCODING, "gzip, deflate, br")
        .body(Body::empty())
        .expect("request");
    let response = send(&app, brotli).await;
    assert_eq!(header(&response, CONTENT_ENCODING), "br");
    let compressed = body_bytes(response).await;
    assert!(compressed.len() < build.wasm().len());
    let mut plain = Vec::new();
    brotli::Decompressor::new(compressed.as_slice(), 4096)
        .read_to_end(&mut plain)
        .expect("valid brotli");
    assert_eq!(plain, build.wasm());
}

#[tokio::test]
async fn no_compression_unless_asked() {
    let build = FakeBuild::new();
    let response = get(&app(&build), &format!("/{APP_WASM}")).await;
    assert!(response.headers().get(CONTENT_ENCODING).is_none());
    assert_eq!(body_bytes(response).await, build.wasm());
}

#[test]
fn missing_dist_is_a_clear_error() {
    let build = FakeBuild::new();
    let missing = build.dir.path().join("not-built");
    let error = Dist::open(&missing).expect_err("no index.html");
    assert!(matches!(error, CollectorError::DistNotBuilt { .. }));
    let message = error.to_string();
    assert!(message.contains("index.html"), "{message}");
    assert!(message.contains("trunk build --release"), "{message}");
    assert!(message.contains("make run"), "{message}");
}

#[tokio::test]
async fn build_time_compressed_copies_are_sent_as_they_are() {
    let build = FakeBuild::new();
    let mut best = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut best, 4096, 11, 22);
        std::io::Write::write_all(&mut writer, &build.wasm()).expect("compress");
    }
    std::fs::write(build.dist().join(format!("{APP_WASM}.br")), &best).expect("write .br");
    let app = app(&build);

    let request = Request::get(format!("/{APP_WASM}"))
        .header(ACCEPT_ENCODING, "gzip, deflate, br")
        .body(Body::empty())
        .expect("request");
    let response = send(&app, request).await;
    assert_eq!(header(&response, CONTENT_ENCODING), "br");
    assert_eq!(header(&response, CONTENT_TYPE), "application/wasm");
    assert_eq!(header(&response, CACHE_CONTROL), IMMUTABLE);
    assert_eq!(header(&response, VARY), "accept-encoding");
    assert_eq!(
        body_bytes(response).await,
        best,
        "the stored copy, not recompressed"
    );

    // A browser that takes only gzip gets the layer's gzip; one that takes nothing, the file.
    let gzip = Request::get(format!("/{APP_WASM}"))
        .header(ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .expect("request");
    assert_eq!(header(&send(&app, gzip).await, CONTENT_ENCODING), "gzip");
    let plain = get(&app, &format!("/{APP_WASM}")).await;
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    assert_eq!(body_bytes(plain).await, build.wasm());
}
