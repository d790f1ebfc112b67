//! Pure rules for the files of a trunk build: which content type a file is served with,
//! whether its name carries a content hash (and so may be cached for ever), and how a
//! request path maps onto a file inside `dist/` without ever leaving it.
//!
//! Nothing here touches the file system, so every rule is unit-tested on its own.

use std::path::{Component, Path, PathBuf};

/// How long a browser (and the service worker's HTTP fetches) may keep a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// Revalidate on every use: `index.html`, `sw.js`, the manifest, icons — any file whose
    /// name stays the same when its content changes.
    NoCache,
    /// Keep for a year without asking again: the name changes whenever the content does.
    Immutable,
}

impl CachePolicy {
    /// The `Cache-Control` header value for this policy.
    pub fn header_value(self) -> &'static str {
        match self {
            CachePolicy::NoCache => "no-cache",
            CachePolicy::Immutable => "public, max-age=31536000, immutable",
        }
    }
}

/// How many lowercase hex digits a trunk content hash has.
///
/// Trunk writes the 64-bit hash unpadded (`{:x}`), so one build in sixteen has 15 digits,
/// one in 256 has 14, and so on; 12 to 16 digits covers all but one build in 65,536 (which
/// is then served `no-cache` and revalidated with a 304: slower, never wrong). No real
/// unhashed name (`icon-192.png`) has a run of 12 hex digits after its last `-`.
const HASH_LEN: std::ops::RangeInclusive<usize> = 12..=16;

/// Whether a file name carries a trunk content hash: a run of 12 to 16 lowercase hex
/// digits after the last `-` of the stem, optionally followed by `_bg`
/// (`doorstep-1a2b3c4d5e6f7a8b.js`, `doorstep-1a2b3c4d5e6f7a8b_bg.wasm`,
/// `style-0123456789abcdef.css`).
pub fn is_content_hashed(file_name: &str) -> bool {
    let stem = match file_name.rsplit_once('.') {
        Some((stem, _extension)) => stem,
        None => file_name,
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    match stem.rsplit_once('-') {
        Some((name, hash)) => {
            !name.is_empty()
                && HASH_LEN.contains(&hash.len())
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }
        None => false,
    }
}

/// The cache policy for a file served from `dist/`, by its file name.
///
/// `index.html` and `sw.js` are never cached: a stale copy of either would pin the
/// tablets to an old release.
pub fn cache_policy(file_name: &str) -> CachePolicy {
    if file_name == "index.html" || file_name == "sw.js" || !is_content_hashed(file_name) {
        CachePolicy::NoCache
    } else {
        CachePolicy::Immutable
    }
}

/// The `Content-Type` for a file, by its extension (case-insensitive);
/// `application/octet-stream` when the extension is unknown or missing.
pub fn content_type(file_name: &str) -> &'static str {
    let extension = match file_name.rsplit_once('.') {
        Some((_, extension)) => extension.to_ascii_lowercase(),
        None => return "application/octet-stream",
    };
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        "json" | "map" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A request path checked to stay inside `dist/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticPath {
    /// The file to look for, relative to `dist/` (empty for `/`).
    pub relative: PathBuf,
    /// Whether the last segment has no `.`: such a path is an app route (`/settings`,
    /// `/interview/abc`) and falls back to `index.html` when no file matches.
    pub is_app_route: bool,
}

/// Why a request path was refused before looking at the disk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadPath {
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8 once decoded.
    #[error("the path is not valid percent-encoded UTF-8")]
    Encoding,
    /// A segment that would climb out of `dist/` or name something other than a plain
    /// file or folder name: `..`, `.`, an encoded `/` or `\`, a NUL byte, a drive prefix.
    #[error("the path has a segment that is not a plain name")]
    Segment,
}

/// Maps the path of a request URI (still percent-encoded, as sent) onto a path relative
/// to `dist/`. Every segment is decoded and must be one plain name, so neither `..` nor
/// its encoded forms (`%2e%2e`, `..%2f`) can escape the folder.
pub fn static_path(uri_path: &str) -> Result<StaticPath, BadPath> {
    let mut relative = PathBuf::new();
    let mut last = String::new();
    for raw in uri_path.split('/') {
        let segment = percent_decode(raw)?;
        last.clone_from(&segment);
        if segment.is_empty() {
            continue;
        }
        if segment.contains(['/', '\\', '\0']) || !is_plain_name(&segment) {
            return Err(BadPath::Segment);
        }
        relative.push(segment);
    }
    Ok(StaticPath {
        relative,
        is_app_route: !last.contains('.'),
    })
}

/// One `Normal` component and nothing else: not `.`, `..`, a root or a prefix.
fn is_plain_name(segment: &str) -> bool {
    let mut components = Path::new(segment).components();
    matches!(
        (components.next(), components.next()),
        (Some(Component::Normal(_)), None)
    )
}

fn percent_decode(segment: &str) -> Result<String, BadPath> {
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let high = bytes.get(index + 1).and_then(|b| hex_value(*b));
            let low = bytes.get(index + 2).and_then(|b| hex_value(*b));
            match (high, low) {
                (Some(high), Some(low)) => decoded.push(high << 4 | low),
                _ => return Err(BadPath::Encoding),
            }
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| BadPath::Encoding)
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_content_hashed("doorstep-1a2b3c4d5e6f7a8b.js"));
        assert!(is_content_hashed("doorstep-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_content_hashed("style-0123456789abcdef.css"));
        assert!(is_content_hashed("survey-app-0123456789abcdef.js"));
    }

    #[test]
    fn unpadded_trunk_hashes_down_to_12_digits_are_recognised() {
        assert!(is_content_hashed("doorstep-1a2b3c4d5e6f7a8.js"));
        assert!(is_content_hashed("doorstep-1a2b3c4d5e6f_bg.wasm"));
        assert!(!is_content_hashed("doorstep-1a2b3c4d5e6.js"));
    }

    #[test]
    fn names_without_a_lowercase_hash_are_not_hashed() {
        for name in [
            "index.html",
            "sw.js",
            "manifest.webmanifest",
            "icon-192.png",
            "icon-maskable-512.png",
            "doorstep-1a2b3c4d5.js",
            "doorstep-1a2b3c4d5e6f7a8b9.js",
            "doorstep-1A2B3C4D5E6F7A8B.js",
            "doorstep-1a2b3c4d5e6f7a8g.js",
            "-1a2b3c4d5e6f7a8b.js",
            "doorstep_1a2b3c4d5e6f7a8b.js",
            "doorstep-1a2b3c4d5e6f7a8b_fg.wasm",
            "",
        ] {
            assert!(
                !is_content_hashed(name),
                "{name:?} should not count as hashed"
            );
        }
    }

    #[test]
    fn only_hashed_assets_are_immutable() {
        assert_eq!(
            cache_policy("doorstep-1a2b3c4d5e6f7a8b_bg.wasm"),
            CachePolicy::Immutable
        );
        assert_eq!(cache_policy("index.html"), CachePolicy::NoCache);
        assert_eq!(cache_policy("sw.js"), CachePolicy::NoCache);
        assert_eq!(cache_policy("manifest.webmanifest"), CachePolicy::NoCache);
        assert_eq!(cache_policy("icon-192.png"), CachePolicy::NoCache);
        assert_eq!(
            CachePolicy::Immutable.header_value(),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(CachePolicy::NoCache.header_value(), "no-cache");
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("sw.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("a_bg.wasm"), "application/wasm");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("manifest.webmanifest"),
            "application/manifest+json"
        );
        assert_eq!(content_type("q.json"), "application/json");
        assert_eq!(content_type("icon.png"), "image/png");
        assert_eq!(content_type("ICON.PNG"), "image/png");
        assert_eq!(content_type("icon.svg"), "image/svg+xml");
        assert_eq!(content_type("favicon.ico"), "image/x-icon");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("archive.tar.zst"), "application/octet-stream");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn plain_paths_map_inside_dist() {
        let root = static_path("/").unwrap();
        assert_eq!(root.relative, PathBuf::new());
        assert!(root.is_app_route);

        let icon = static_path("/icons/icon-192.png").unwrap();
        assert_eq!(icon.relative, PathBuf::from("icons/icon-192.png"));
        assert!(!icon.is_app_route);

        let spaced = static_path("/icons/my%20icon.svg").unwrap();
        assert_eq!(spaced.relative, PathBuf::from("icons/my icon.svg"));
    }

    #[test]
    fn app_routes_are_paths_whose_last_segment_has_no_dot() {
        assert!(static_path("/settings").unwrap().is_app_route);
        assert!(static_path("/interview/abc").unwrap().is_app_route);
        assert!(static_path("/interview/abc/").unwrap().is_app_route);
        assert!(!static_path("/missing.js").unwrap().is_app_route);
        assert!(!static_path("/v1.2/x.json").unwrap().is_app_route);
    }

    #[test]
    fn traversal_in_any_spelling_is_refused() {
        for path in [
            "/../Cargo.toml",
            "/icons/../../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E/Cargo.toml",
            "/.%2e/Cargo.toml",
            "/..%2fCargo.toml",
            "/..%2FCargo.toml",
            "/..%5cCargo.toml",
            "/icons/%2e%2e%2f%2e%2e%2fCargo.toml",
            "/./index.html",
            "/a%00b.js",
        ] {
            assert_eq!(static_path(path), Err(BadPath::Segment), "{path}");
        }
    }

    #[test]
    fn broken_percent_encoding_is_refused() {
        assert_eq!(static_path("/%zz.js"), Err(BadPath::Encoding));
        assert_eq!(static_path("/%2"), Err(BadPath::Encoding));
        assert_eq!(static_path("/%ff%fe.js"), Err(BadPath::Encoding));
    }
}
