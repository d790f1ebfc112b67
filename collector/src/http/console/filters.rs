//! What the console's filter forms send (ward, agency, dates), read into the store's
//! filters with a plain-words reason for anything that is not one; and times as pages
//! show them.

use maud::{html, Markup};
use serde::Deserialize;
use survey::record::Timestamp;
use survey::Questionnaire;

use super::error::ConsoleError;
use crate::store::results::Day;

/// A day typed or picked as `YYYY-MM-DD` (UTC); empty is none.
pub fn day(text: &str, field: &str) -> Result<Option<Day>, ConsoleError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let wrong = || {
        ConsoleError::BadInput(format!(
            "{field}: {text:?} is not a date; write it as year-month-day, e.g. 2024-05-31"
        ))
    };
    let mut parts = text.split('-');
    let (Some(year), Some(month), Some(day), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(wrong());
    };
    let year: i64 = year.parse().map_err(|_| wrong())?;
    let month: u32 = month.parse().map_err(|_| wrong())?;
    let day: u32 = day.parse().map_err(|_| wrong())?;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => return Err(wrong()),
    };
    if !(1000..=9999).contains(&year) || day == 0 || day > days_in_month {
        return Err(wrong());
    }
    Ok(Some(Day::from_civil(year, month, day)))
}

/// A day as the date fields show it (`2024-05-31`).
pub fn day_text(day: Day) -> String {
    let (year, month, date, ..) = Timestamp(day.0 * 86_400_000).to_civil();
    format!("{year:04}-{month:02}-{date:02}")
}

/// A code picked from a list (a ward, an agency): empty is none; anything not in `known`
/// is refused, naming the field.
pub fn one_of(text: &str, known: &[String], field: &str) -> Result<Option<String>, ConsoleError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if known.iter().any(|code| code == text) {
        Ok(Some(text.to_owned()))
    } else {
        Err(ConsoleError::BadInput(format!(
            "{field}: {text:?} is not one of the questionnaire's; pick one from the list"
        )))
    }
}

/// Ward, agency and dates of completion, as a filter form sends them (every field may
/// be empty).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct WhereQuery {
    /// A ward's code.
    #[serde(default)]
    pub area: String,
    /// An agency's code.
    #[serde(default)]
    pub agency: String,
    /// The first day (`YYYY-MM-DD`).
    #[serde(default)]
    pub from: String,
    /// The last day.
    #[serde(default)]
    pub to: String,
}

/// Ward, agency and dates of completion, read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Where {
    /// One ward only.
    pub area: Option<String>,
    /// One agency only.
    pub agency: Option<String>,
    /// Completed on or after this day.
    pub from: Option<Day>,
    /// Completed on or before this day.
    pub to: Option<Day>,
}

impl WhereQuery {
    /// The filter, or which field is wrong and why.
    pub fn read(&self, questionnaire: &Questionnaire) -> Result<Where, ConsoleError> {
        let areas: Vec<String> = questionnaire.areas.iter().map(|a| a.code.clone()).collect();
        let agencies: Vec<String> = questionnaire
            .agencies
            .iter()
            .map(|a| a.code.clone())
            .collect();
        let filter = Where {
            area: one_of(&self.area, &areas, "Ward")?,
            agency: one_of(&self.agency, &agencies, "Agency")?,
            from: day(&self.from, "From")?,
            to: day(&self.to, "To")?,
        };
        if let (Some(from), Some(to)) = (filter.from, filter.to) {
            if from > to {
                return Err(ConsoleError::BadInput(format!(
                    "From {} is after To {}: pick a first day on or before the last",
                    self.from.trim(),
                    self.to.trim()
                )));
            }
        }
        Ok(filter)
    }

    /// The fields by name, as an address carries them.
    pub fn pairs(&self) -> [(&'static str, &str); 4] {
        [
            ("area", &self.area),
            ("agency", &self.agency),
            ("from", &self.from),
            ("to", &self.to),
        ]
    }

    /// The non-empty fields as `name=value` pairs for an address, `&`-joined.
    pub fn to_query(&self) -> String {
        self.pairs()
            .into_iter()
            .filter(|(_, value)| !value.trim().is_empty())
            .map(|(name, value)| format!("{name}={}", encode(value.trim())))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// The ward, agency and date fields of a filter form, showing `query`'s values; the
/// agency only when `any_agency` (an admin, or aggregate results anyone may filter).
/// Field ids start with `prefix`, so two forms on a page do not share one.
pub fn where_fields(
    questionnaire: &Questionnaire,
    query: &WhereQuery,
    any_agency: bool,
    prefix: &str,
) -> Markup {
    let area = query.area.trim();
    let agency = query.agency.trim();
    let id = |name: &str| format!("{prefix}{name}");
    html! {
        div {
            label for=(id("area")) { "Ward" }
            select id=(id("area")) name="area" {
                option value="" selected[area.is_empty()] { "Every ward" }
                @for known in &questionnaire.areas {
                    option value=(known.code) selected[area == known.code] { (known.name) }
                }
            }
        }
        @if any_agency {
            div {
                label for=(id("agency")) { "Agency" }
                select id=(id("agency")) name="agency" {
                    option value="" selected[agency.is_empty()] { "Every agency" }
                    @for known in &questionnaire.agencies {
                        option value=(known.code) selected[agency == known.code] { (known.name) }
                    }
                }
            }
        }
        div {
            label for=(id("from")) { "Completed from" }
            input id=(id("from")) name="from" type="date" value=(query.from.trim());
        }
        div {
            label for=(id("to")) { "Completed to" }
            input id=(id("to")) name="to" type="date" value=(query.to.trim());
        }
    }
}

/// Percent-encodes a value for an address (codes and dates are plain; anything else is
/// encoded byte by byte).
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The address of page `page` of a list at `path` with the filters `pairs` (empty ones
/// left out).
pub fn page_link(path: &str, page: u32, pairs: &[(&str, &str)]) -> String {
    let mut link = format!("{path}?page={page}");
    for (name, value) in pairs {
        if !value.trim().is_empty() {
            link.push_str(&format!("&{name}={}", encode(value.trim())));
        }
    }
    link
}

/// A moment as a wide table shows it (`table.wide`): its day and its time each kept on
/// one line.
pub fn moment(time: Timestamp) -> Markup {
    let text = when(time);
    let (day, hour) = text.split_once(' ').unwrap_or((&text, ""));
    html! { time datetime=(time.to_rfc3339()) { span { (day) } " " span { (hour) } } }
}

/// Rows on one page of a console list.
pub const PAGE_SIZE: u32 = 50;

/// A list's page from the address (`?page=`, from 1; empty is the first).
pub fn page_number(text: &str) -> Result<u32, ConsoleError> {
    match text.trim() {
        "" => Ok(1),
        text => text
            .parse::<u32>()
            .map(|page| page.max(1))
            .map_err(|_| ConsoleError::BadInput(format!("page {text:?} is not a page number"))),
    }
}

/// The rows before `page`.
pub fn page_offset(page: u32) -> u32 {
    (page - 1).saturating_mul(PAGE_SIZE)
}

/// How many pages `total` rows fill (at least one).
pub fn page_count(total: u64) -> u64 {
    total.div_ceil(u64::from(PAGE_SIZE)).max(1)
}

/// The previous and next page links of a list at `page` of `pages`, `link` making a
/// page's address; nothing when there is one page.
pub fn pager(page: u32, pages: u64, link: impl Fn(u32) -> String) -> Markup {
    html! {
        @if pages > 1 {
            nav aria-label="Pages" class="inline" {
                @if page > 1 { a href=(link(page - 1)) { "Previous page" } }
                @if u64::from(page) < pages { a href=(link(page + 1)) { "Next page" } }
            }
        }
    }
}

/// A moment as pages show it: `2024-05-31 14:03 UTC`.
pub fn when(time: Timestamp) -> String {
    let (year, month, day, hour, minute, _) = time.to_civil();
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_days_and_wrong_ones_say_what_is_wrong() {
        let may = day("2024-05-31", "From").unwrap().unwrap();
        assert_eq!(day_text(may), "2024-05-31");
        assert_eq!(day("", "From").unwrap(), None);
        assert!(day("2024-02-29", "From").unwrap().is_some());
        for wrong in [
            "2023-02-29",
            "2024-13-01",
            "31/05/2024",
            "2024-05",
            "yesterday",
        ] {
            let error = day(wrong, "From").unwrap_err().to_string();
            assert!(error.contains("From") && error.contains(wrong), "{error}");
        }
        assert_eq!(when(Timestamp(1_714_600_000_000)), "2024-05-01 21:46 UTC");
        let known = vec!["E05009367".to_owned()];
        assert_eq!(
            one_of("E05009367", &known, "Ward").unwrap().as_deref(),
            Some("E05009367")
        );
        assert!(one_of("<b>", &known, "Ward").is_err());
    }
}
