//! The worker's set-up: who they are, where they work, where they hand in. Kept on the
//! device under `doorstep/v1/setup`; every response is stamped with it. [`screen`] is
//! the set-up screen.

mod link;
mod screen;

use serde::{Deserialize, Serialize};
use survey::{Assignment, Questionnaire};

use crate::device::{entries, keys};
use crate::platform::local_storage::StorageError;

pub use link::{fill_from_link, LinkNotice};
pub use screen::SetUpPage;

/// What the worker enters once, on the set-up screen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetUp {
    /// The worker's own short code (`W012`). Not a name.
    pub worker: String,
    /// One of the questionnaire's agencies, by code.
    pub agency: String,
    /// What the tablet is called (`Tablet 07`).
    pub device: String,
    /// The ward, one of the questionnaire's areas, by code.
    pub area: String,
    /// The collector's address (`https://collector.example.org`).
    pub collector: String,
    /// The agency's upload token, given by the coordinator.
    pub token: String,
}

/// A field of the set-up form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Worker code.
    Worker,
    /// Agency.
    Agency,
    /// Device name.
    Device,
    /// Area.
    Area,
    /// Collector address.
    Collector,
    /// Upload token.
    Token,
}

impl Field {
    /// The form control's id (also used in `data-testid`).
    pub fn id(self) -> &'static str {
        match self {
            Field::Worker => "setup-worker",
            Field::Agency => "setup-agency",
            Field::Device => "setup-device",
            Field::Area => "setup-area",
            Field::Collector => "setup-collector",
            Field::Token => "setup-token",
        }
    }

    /// The field's label on the set-up screen.
    pub fn label(self) -> &'static str {
        match self {
            Field::Worker => "Your worker code",
            Field::Agency => "Your agency",
            Field::Device => "This tablet's name",
            Field::Area => "Ward you are working in",
            Field::Collector => "Collector address",
            Field::Token => "Upload token",
        }
    }
}

/// A problem with one field, in words for the worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field.
    pub field: Field,
    /// What to do about it.
    pub message: &'static str,
}

const MAX_WORKER: usize = 16;
const MAX_DEVICE: usize = 40;
const MAX_ADDRESS: usize = 200;
const MAX_TOKEN: usize = 200;

impl SetUp {
    /// The same set-up with surrounding blanks removed (and the address without a
    /// trailing `/`), as it is saved.
    pub fn tidied(&self) -> SetUp {
        SetUp {
            worker: self.worker.trim().to_uppercase(),
            agency: self.agency.trim().to_owned(),
            device: self.device.trim().to_owned(),
            area: self.area.trim().to_owned(),
            collector: self.collector.trim().trim_end_matches('/').to_owned(),
            token: self.token.trim().to_owned(),
        }
    }

    /// Every problem with the (tidied) set-up, in form order; empty when it can be saved.
    /// The token may be left blank until the worker has it: uploading needs it, interviews
    /// do not.
    pub fn problems(&self, questionnaire: &Questionnaire) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        let mut problem = |field, message| problems.push(FieldProblem { field, message });
        let worker = &self.worker;
        if worker.is_empty() {
            problem(Field::Worker, "Enter your worker code, for example W012.");
        } else if worker.chars().count() > MAX_WORKER
            || !worker
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            problem(
                Field::Worker,
                "A worker code is up to 16 letters, digits and hyphens, for example W012. \
                 Not your name.",
            );
        }
        if !questionnaire.agencies.iter().any(|a| a.code == self.agency) {
            problem(Field::Agency, "Choose your agency from the list.");
        }
        if self.device.is_empty() {
            problem(
                Field::Device,
                "Give this tablet a name, for example Tablet 07.",
            );
        } else if self.device.chars().count() > MAX_DEVICE {
            problem(
                Field::Device,
                "Keep the tablet's name to 40 characters or fewer.",
            );
        }
        if !questionnaire.areas.iter().any(|a| a.code == self.area) {
            problem(Field::Area, "Choose the ward you are working in.");
        }
        if !self.collector.is_empty() && !is_web_address(&self.collector) {
            problem(
                Field::Collector,
                "The collector's address starts with https:// or http://, for example \
                 https://collector.example.org. Leave it empty if you do not have it yet.",
            );
        }
        if self.token.chars().count() > MAX_TOKEN || self.token.chars().any(char::is_whitespace) {
            problem(
                Field::Token,
                "An upload token has no spaces. Copy it exactly as the coordinator gave it.",
            );
        }
        problems
    }

    /// Whether uploading is possible: the collector's address and the token are given.
    pub fn can_upload(&self) -> bool {
        !self.collector.is_empty() && !self.token.is_empty()
    }

    /// The assignment every new response is stamped with.
    pub fn assignment(&self) -> Assignment {
        Assignment {
            worker: self.worker.as_str().into(),
            agency: self.agency.as_str().into(),
            device: self.device.as_str().into(),
            area: self.area.as_str().into(),
        }
    }
}

/// `http://host…` or `https://host…` with a host and no blanks.
fn is_web_address(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            text.len() <= MAX_ADDRESS
                && !host.is_empty()
                && !host.starts_with(':')
                && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// The saved set-up, if there is one. A damaged entry is set aside (and reported in
/// settings) and the worker is asked to set up again.
pub fn load() -> Result<Option<SetUp>, StorageError> {
    entries::load_or_quarantine(&keys::setup())
}

/// Saves the set-up.
pub fn save(setup: &SetUp) -> Result<(), StorageError> {
    entries::save(&keys::setup(), setup)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn good() -> SetUp {
        SetUp {
            worker: "W012".into(),
            agency: "hackney-council".into(),
            device: "Tablet 07".into(),
            area: "E05009367".into(),
            collector: "https://collector.example.org".into(),
            token: "abc123".into(),
        }
    }

    fn problems(setup: &SetUp) -> Vec<Field> {
        let questionnaire = survey::shipped::shared_questionnaire().unwrap();
        setup
            .problems(&questionnaire)
            .into_iter()
            .map(|p| p.field)
            .collect()
    }

    #[test]
    fn a_complete_set_up_has_no_problems() {
        assert_eq!(problems(&good()), vec![]);
    }

    #[test]
    fn collector_and_token_may_wait() {
        let setup = SetUp {
            collector: String::new(),
            token: String::new(),
            ..good()
        };
        assert_eq!(problems(&setup), vec![]);
    }

    #[test]
    fn every_required_field_is_reported_in_form_order() {
        assert_eq!(
            problems(&SetUp::default()),
            vec![Field::Worker, Field::Agency, Field::Device, Field::Area]
        );
    }

    #[test]
    fn unknown_agency_or_area_is_refused() {
        let setup = SetUp {
            agency: "someone-else".into(),
            area: "E0000000".into(),
            ..good()
        };
        assert_eq!(problems(&setup), vec![Field::Agency, Field::Area]);
    }

    #[test]
    fn a_name_is_not_a_worker_code() {
        let setup = SetUp {
            worker: "Jane Smith".into(),
            ..good()
        };
        assert_eq!(problems(&setup), vec![Field::Worker]);
    }

    #[test]
    fn addresses_must_be_web_addresses() {
        for bad in [
            "collector.example.org",
            "ftp://x",
            "https://",
            "https:// x",
            "http://:80",
        ] {
            let setup = SetUp {
                collector: bad.into(),
                ..good()
            };
            assert_eq!(problems(&setup), vec![Field::Collector], "{bad}");
        }
        for good_address in ["http://127.0.0.1:8080", "https://c.example.org/doorstep"] {
            assert!(is_web_address(good_address), "{good_address}");
        }
    }

    #[test]
    fn tidying_trims_and_upper_cases_the_worker_code() {
        let setup = SetUp {
            worker: "  w012 ".into(),
            collector: "https://c.example.org/ ".into(),
            ..good()
        }
        .tidied();
        assert_eq!(setup.worker, "W012");
        assert_eq!(setup.collector, "https://c.example.org");
    }

    #[test]
    fn uploading_needs_both_the_address_and_the_token() {
        assert!(good().can_upload());
        for missing in [
            SetUp {
                collector: String::new(),
                ..good()
            },
            SetUp {
                token: String::new(),
                ..good()
            },
        ] {
            assert!(!missing.can_upload(), "{missing:?}");
        }
    }

    #[test]
    fn tokens_have_no_spaces() {
        let setup = SetUp {
            token: "abc 123".into(),
            ..good()
        };
        assert_eq!(problems(&setup), vec![Field::Token]);
    }
}
