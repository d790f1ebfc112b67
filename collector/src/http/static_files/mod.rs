//! Serving the trunk build in `dist/`: files with the right type and cache policy, app
//! routes falling back to `index.html`, and nothing outside the folder.
//!
//! This file reads the disk and answers; the rules it follows (content types, cache
//! policy, which request paths map to which file) are in [`assets`], without I/O.

pub mod assets;

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use self::assets::CachePolicy;
use crate::error::CollectorError;

/// The entry page trunk writes at the top of `dist/`.
pub const INDEX_HTML: &str = "index.html";

/// A built app: a folder that held an `index.html` when it was opened.
#[derive(Debug, Clone)]
pub struct Dist {
    root: PathBuf,
}

impl Dist {
    /// Opens a trunk build folder, failing with [`CollectorError::DistNotBuilt`] when it has
    /// no `index.html` (the app has not been built yet).
    pub fn open(path: &Path) -> Result<Dist, CollectorError> {
        let not_built = || CollectorError::DistNotBuilt {
            dist: path.to_path_buf(),
        };
        if !path.join(INDEX_HTML).is_file() {
            return Err(not_built());
        }
        // The canonical root is what every served file is checked against, so a symlink
        // inside dist/ cannot lead outside it either.
        let root = path.canonicalize().map_err(|_| not_built())?;
        Ok(Dist { root })
    }

    /// The folder's canonical path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The regular file at `relative`, if there is one and it lies inside the folder.
    async fn find_file(&self, relative: &Path) -> Option<PathBuf> {
        let candidate = tokio::fs::canonicalize(self.root.join(relative))
            .await
            .ok()?;
        if !candidate.starts_with(&self.root) {
            return None;
        }
        let metadata = tokio::fs::metadata(&candidate).await.ok()?;
        metadata.is_file().then_some(candidate)
    }
}

/// Handler for every GET/HEAD that no other route took: a file from `dist/`, else
/// `index.html` for an app route, else 404.
pub(crate) async fn serve_static(
    State(dist): State<Dist>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = match assets::static_path(uri.path()) {
        Ok(path) => path,
        Err(reason) => return plain(StatusCode::BAD_REQUEST, &reason.to_string()),
    };
    let relative = if path.relative.as_os_str().is_empty() {
        PathBuf::from(INDEX_HTML)
    } else {
        path.relative
    };
    if let Some(file) = dist.find_file(&relative).await {
        return send_file(&file, &headers).await;
    }
    if path.is_app_route {
        if let Some(index) = dist.find_file(Path::new(INDEX_HTML)).await {
            return send_file(&index, &headers).await;
        }
    }
    not_found()
}

async fn send_file(file: &Path, request_headers: &HeaderMap) -> Response {
    let file_name = file
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default();
    let policy = assets::cache_policy(file_name);
    // A copy compressed at build time at the best setting (scripts/precompress.mjs), when
    // the browser takes it; the compression layer leaves such a response alone.
    let variant = precompressed(file, request_headers).await;
    let (file, encoding) = match &variant {
        Some((copy, encoding)) => (copy.as_path(), Some(*encoding)),
        None => (file, None),
    };
    let metadata = match tokio::fs::metadata(file).await {
        Ok(metadata) => metadata,
        Err(error) => return unreadable(file, &error),
    };
    let etag = entity_tag(&metadata);

    let mut response = if etag
        .as_deref()
        .is_some_and(|tag| if_none_match(request_headers, tag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match tokio::fs::read(file).await {
            Ok(bytes) => Body::from(bytes).into_response(),
            Err(error) => return unreadable(file, &error),
        }
    };
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(assets::content_type(file_name)),
    );
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static(policy.header_value()),
    );
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Some(encoding) = encoding {
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
    if let Some(value) = etag.and_then(|tag| HeaderValue::from_str(&tag).ok()) {
        headers.insert(ETAG, value);
    }
    response
}

/// The build-time compressed copy of `file` (`name.br`, else `name.gz`) that the request
/// accepts, with its `Content-Encoding`.
async fn precompressed(
    file: &Path,
    request_headers: &HeaderMap,
) -> Option<(PathBuf, &'static str)> {
    let name = file.file_name()?.to_str()?;
    for (suffix, encoding) in [("br", "br"), ("gz", "gzip")] {
        if !accepts_encoding(request_headers, encoding) {
            continue;
        }
        let copy = file.with_file_name(format!("{name}.{suffix}"));
        if tokio::fs::metadata(&copy)
            .await
            .is_ok_and(|metadata| metadata.is_file())
        {
            return Some((copy, encoding));
        }
    }
    None
}

/// Whether `Accept-Encoding` lists `encoding` without `q=0`.
fn accepts_encoding(headers: &HeaderMap, encoding: &str) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let named = parts
                .next()
                .is_some_and(|name| name.eq_ignore_ascii_case(encoding));
            let refused = parts.any(|param| {
                param
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            named && !refused
        })
}

/// A weak validator from size and modification time, so `no-cache` files are revalidated
/// with a 304 instead of downloaded again. Weak because the compression layer may send
/// different bytes for the same file.
fn entity_tag(metadata: &std::fs::Metadata) -> Option<String> {
    let modified = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(format!(
        "W/\"{:x}-{:x}-{:x}\"",
        metadata.len(),
        modified.as_secs(),
        modified.subsec_nanos()
    ))
}

/// Weak comparison of `If-None-Match` against our tag (RFC 9110 §13.1.2).
fn if_none_match(headers: &HeaderMap, tag: &str) -> bool {
    let ours = tag.trim_start_matches("W/");
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|theirs| theirs == "*" || theirs.trim_start_matches("W/") == ours)
}

fn unreadable(file: &Path, error: &std::io::Error) -> Response {
    tracing::error!(file = %file.display(), %error, "cannot read a file in dist/");
    plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file")
}

fn not_found() -> Response {
    plain(StatusCode::NOT_FOUND, "not found")
}

fn plain(status: StatusCode, message: &str) -> Response {
    let mut response = (status, format!("{message}\n")).into_response();
    response.headers_mut().insert(
        CACHE_CONTROL,
        HeaderValue::from_static(CachePolicy::NoCache.header_value()),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_if_none_match(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(IF_NONE_MATCH, HeaderValue::from_static(value));
        headers
    }

    fn with_accept_encoding(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn accepted_encodings_are_read_with_their_weights() {
        let chrome = with_accept_encoding("gzip, deflate, br, zstd");
        assert!(accepts_encoding(&chrome, "br"));
        assert!(accepts_encoding(&chrome, "gzip"));
        assert!(!accepts_encoding(&with_accept_encoding("gzip"), "br"));
        assert!(!accepts_encoding(
            &with_accept_encoding("br;q=0, gzip"),
            "br"
        ));
        assert!(accepts_encoding(&with_accept_encoding("BR;q=0.5"), "br"));
        assert!(!accepts_encoding(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        let tag = "W/\"a-b-c\"";
        assert!(if_none_match(&with_if_none_match("W/\"a-b-c\""), tag));
        assert!(if_none_match(&with_if_none_match("\"a-b-c\""), tag));
        assert!(if_none_match(
            &with_if_none_match("\"x\", W/\"a-b-c\""),
            tag
        ));
        assert!(if_none_match(&with_if_none_match("*"), tag));
        assert!(!if_none_match(&with_if_none_match("W/\"a-b-d\""), tag));
        assert!(!if_none_match(&HeaderMap::new(), tag));
    }
}
