//! Which version and build of the app is running.

/// The app's version: `DOORSTEP_VERSION` at compile time if set, else the crate version.
pub fn version() -> &'static str {
    version_from(option_env!("DOORSTEP_VERSION"))
}

/// The version a build labelled `label` reports: the label, unless it is missing or
/// blank (a make variable set to nothing), then the crate version.
fn version_from(label: Option<&'static str>) -> &'static str {
    label
        .filter(|label| !label.trim().is_empty())
        .unwrap_or(env!("CARGO_PKG_VERSION"))
}

/// The build id written into `index.html` by `scripts/sw-precache.sh` (a hash of the
/// build's files, also naming the service worker's cache); `None` for a dev build.
pub fn build_id() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let meta = document
        .query_selector("meta[name='doorstep-build']")
        .ok()??;
    let id = meta.get_attribute("content")?;
    is_real_build_id(&id).then_some(id)
}

/// The placeholder in `index.html` is `dev`; a real id is lowercase hex.
fn is_real_build_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn placeholder_is_not_a_build_id() {
        assert!(!is_real_build_id("dev"));
        assert!(!is_real_build_id(""));
        assert!(is_real_build_id("0a1b2c3d4e5f"));
    }

    #[test]
    fn a_build_without_a_label_reports_the_crate_version() {
        assert_eq!(version_from(None), env!("CARGO_PKG_VERSION"));
        assert_eq!(version_from(Some("")), env!("CARGO_PKG_VERSION"));
        assert_eq!(version_from(Some("  ")), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn a_labelled_build_reports_its_label() {
        assert_eq!(version_from(Some("0.1.0-next")), "0.1.0-next");
    }
}
