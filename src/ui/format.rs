//! Figures in English, for the hand-in screens until they use the catalog: the worker's
//! language writes them with [`crate::words::WorkerLanguage::bytes`] and the catalog's
//! plural messages.

use crate::words::WorkerLanguage;

/// Bytes in English words: "0 bytes", "812 KB", "4.6 MB", "1.2 GB".
pub fn human_bytes(bytes: f64) -> String {
    WorkerLanguage::En.bytes(bytes)
}

/// "1 completed interview", "2 completed interviews": `count` and the English noun that
/// fits it.
pub fn count_of(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_at_a_glance() {
        assert_eq!(human_bytes(0.0), "0 bytes");
        assert_eq!(human_bytes(999.0), "999 bytes");
        assert_eq!(human_bytes(812_345.0), "812 KB");
        assert_eq!(human_bytes(4_600_000.0), "4.6 MB");
        assert_eq!(human_bytes(1_200_000_000.0), "1.2 GB");
        assert_eq!(human_bytes(-5.0), "0 bytes");
    }

    #[test]
    fn counts_take_the_noun_that_fits() {
        assert_eq!(count_of(1, "entry", "entries"), "1 entry");
        assert_eq!(count_of(0, "entry", "entries"), "0 entries");
        assert_eq!(count_of(3, "entry", "entries"), "3 entries");
    }
}
