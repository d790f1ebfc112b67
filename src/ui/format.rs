//! Figures as a worker reads them at a glance.

/// Bytes in words: "0 bytes", "812 KB", "4.6 MB", "1.2 GB".
///
/// Integer arithmetic only: float formatting would add about 10 KB to the download.
pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KB", "MB", "GB"];
    let bytes = if bytes.is_finite() && bytes > 0.0 {
        bytes as u64
    } else {
        0
    };
    let mut unit = 0;
    let mut scale = 1_u64;
    while bytes / scale >= 1000 && unit < UNITS.len() - 1 {
        scale *= 1000;
        unit += 1;
    }
    // Tenths, rounded half up, then one decimal below 10 and none above.
    let tenths = (bytes * 10 + scale / 2) / scale;
    match unit {
        0 => format!("{bytes} bytes"),
        _ if tenths < 100 => format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit]),
        _ => format!("{} {}", (tenths + 5) / 10, UNITS[unit]),
    }
}

/// "1 completed interview", "2 completed interviews": `count` and the noun that fits it.
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
