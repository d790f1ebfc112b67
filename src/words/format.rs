//! Figures in the worker's language: numbers in its digits, tenths with its decimal
//! separator, sizes in bytes, short dates and times.

use super::catalog::{Count, Msg, WorkerLanguage};
use crate::platform::clock::LocalDateTime;

/// The months' short names, January first.
const MONTHS: [Msg; 12] = [
    Msg::MonthM1,
    Msg::MonthM2,
    Msg::MonthM3,
    Msg::MonthM4,
    Msg::MonthM5,
    Msg::MonthM6,
    Msg::MonthM7,
    Msg::MonthM8,
    Msg::MonthM9,
    Msg::MonthM10,
    Msg::MonthM11,
    Msg::MonthM12,
];

impl WorkerLanguage {
    /// `text` with its ASCII digits written in this language's (`"14:05"` → `"১৪:০৫"`).
    pub fn digits_in(self, text: &str) -> String {
        let digits = self.digits();
        text.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) if c.is_ascii_digit() => digits[d as usize],
                _ => c,
            })
            .collect()
    }

    /// A whole number in this language's digits.
    pub fn number(self, n: impl Count) -> String {
        self.digits_in(&n.count().to_string())
    }

    /// Bytes at a glance: "0 bytes", "812 KB", "4.6 MB", "1,2 GB" (Turkish), "৪.৬ এমবি".
    ///
    /// Integer arithmetic only: float formatting would add about 10 KB to the download.
    pub fn bytes(self, bytes: f64) -> String {
        let bytes = if bytes.is_finite() && bytes > 0.0 {
            bytes as u64
        } else {
            0
        };
        let mut unit = 0;
        let mut scale = 1_u64;
        while bytes / scale >= 1000 && unit < 3 {
            scale *= 1000;
            unit += 1;
        }
        // Tenths, rounded half up, then one decimal below 10 and none above.
        let tenths = (bytes * 10 + scale / 2) / scale;
        let size = if tenths < 100 {
            format!("{}{}{}", tenths / 10, self.decimal(), tenths % 10)
        } else {
            ((tenths + 5) / 10).to_string()
        };
        let size = self.digits_in(&size);
        match unit {
            0 => self.bytes_bytes(bytes),
            1 => self.bytes_kb(size),
            2 => self.bytes_mb(size),
            _ => self.bytes_gb(size),
        }
    }

    /// A short local date and time: "23 Nov 14:05", "23 Kas 14:05", "২৩ নভে ১৪:০৫".
    pub fn date_time(self, at: LocalDateTime) -> String {
        let month = MONTHS
            .get(at.month.saturating_sub(1) as usize)
            .map_or("", |month| self.t(*month));
        let time = self.digits_in(&format!("{:02}:{:02}", at.hour, at.minute));
        self.date_day_month_time(at.day, month, time)
    }
}

/// A whole number typed by the worker, in the digits of any language of the catalog
/// (a Bengali keyboard types `৭`, most number pads `7`); blanks around it are ignored.
/// `T` says which numbers can be: `parse_number::<u16>("৭")`, `parse_number::<i64>("-3")`.
pub fn parse_number<T: std::str::FromStr>(text: &str) -> Option<T> {
    let ascii: String = text
        .trim()
        .chars()
        .map(|c| {
            WorkerLanguage::ALL
                .into_iter()
                .find_map(|language| language.digits().iter().position(|d| *d == c))
                .and_then(|d| char::from_digit(d as u32, 10))
                .unwrap_or(c)
        })
        .collect();
    ascii.parse().ok()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use WorkerLanguage::{Bn, En, Tr};

    #[test]
    fn bytes_read_at_a_glance_in_each_language() {
        assert_eq!(En.bytes(0.0), "0 bytes");
        assert_eq!(En.bytes(1.0), "1 byte");
        assert_eq!(En.bytes(999.0), "999 bytes");
        assert_eq!(En.bytes(812_345.0), "812 KB");
        assert_eq!(En.bytes(4_600_000.0), "4.6 MB");
        assert_eq!(En.bytes(1_200_000_000.0), "1.2 GB");
        assert_eq!(En.bytes(-5.0), "0 bytes");
        assert_eq!(Tr.bytes(4_600_000.0), "4,6 MB");
        assert_eq!(Tr.bytes(2.0), "2 bayt");
        assert_eq!(Bn.bytes(4_600_000.0), "৪.৬ এমবি");
        assert_eq!(Bn.bytes(812_345.0), "৮১২ কেবি");
    }

    #[test]
    fn numbers_are_written_in_the_language_digits() {
        assert_eq!(En.number(2026_u32), "2026");
        assert_eq!(Tr.number(2026_u32), "2026");
        assert_eq!(Bn.number(2026_u32), "২০২৬");
        assert_eq!(Bn.digits_in("14:05, 3%"), "১৪:০৫, ৩%");
    }

    #[test]
    fn dates_use_the_language_months_and_digits() {
        let at = LocalDateTime {
            year: 2026,
            month: 11,
            day: 23,
            hour: 9,
            minute: 5,
        };
        assert_eq!(En.date_time(at), "23 Nov 09:05");
        assert_eq!(Tr.date_time(at), "23 Kas 09:05");
        assert_eq!(Bn.date_time(at), "২৩ নভে ০৯:০৫");
    }

    #[test]
    fn numbers_typed_in_any_catalog_digits_are_read() {
        assert_eq!(parse_number::<u64>(" 7 "), Some(7));
        assert_eq!(parse_number::<u64>("১৪"), Some(14));
        assert_eq!(parse_number::<u64>("1৪"), Some(14));
        assert_eq!(parse_number::<i64>("-৩"), Some(-3));
        assert_eq!(parse_number::<u64>("-3"), None);
        assert_eq!(parse_number::<u16>("70000"), None);
        assert_eq!(parse_number::<u64>("seven"), None);
        assert_eq!(parse_number::<u64>(""), None);
    }
}
