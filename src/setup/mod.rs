//! The worker's set-up: who they are, where they work, where they hand in. Kept on the
//! device under `doorstep/v1/setup`; every response is stamped with it. [`screen`] is
//! the set-up screen.

mod link;
mod screen;

use serde::{Deserialize, Serialize};
use survey::{Assignment, Questionnaire};

use crate::device::{entries, keys};
use crate::platform::local_storage::StorageError;
use crate::words::{Msg, WorkerLanguage};

pub use link::{fill_from_link, LinkNotice, LinkProblem};
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
    pub fn label(self) -> Msg {
        match self {
            Field::Worker => Msg::SetupFieldWorker,
            Field::Agency => Msg::SetupFieldAgency,
            Field::Device => Msg::SetupFieldDevice,
            Field::Area => Msg::SetupFieldArea,
            Field::Collector => Msg::SetupFieldCollector,
            Field::Token => Msg::SetupFieldToken,
        }
    }
}

/// What is wrong with a field of the set-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wrong {
    /// The worker code is empty.
    NoWorkerCode,
    /// The worker code is not up to [`MAX_WORKER`] letters, digits and hyphens.
    NotAWorkerCode,
    /// No agency of the questionnaire is chosen.
    NoAgency,
    /// The tablet has no name.
    NoDeviceName,
    /// The tablet's name is over [`MAX_DEVICE`] characters.
    DeviceNameTooLong,
    /// No ward of the questionnaire is chosen.
    NoArea,
    /// The collector address is not a web address.
    NotAWebAddress,
    /// The token has blanks (or is far too long to be one).
    NotAToken,
}

impl Wrong {
    /// What to do about it, in `language`.
    pub fn message(self, language: WorkerLanguage) -> String {
        let t = |msg| language.t(msg).to_owned();
        match self {
            Wrong::NoWorkerCode => t(Msg::SetupProblemWorkerMissing),
            Wrong::NotAWorkerCode => language.setup_problem_worker_bad(MAX_WORKER),
            Wrong::NoAgency => t(Msg::SetupProblemAgency),
            Wrong::NoDeviceName => t(Msg::SetupProblemDeviceMissing),
            Wrong::DeviceNameTooLong => language.setup_problem_device_long(MAX_DEVICE),
            Wrong::NoArea => t(Msg::SetupProblemArea),
            Wrong::NotAWebAddress => t(Msg::SetupProblemCollector),
            Wrong::NotAToken => t(Msg::SetupProblemToken),
        }
    }
}

/// A problem with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field.
    pub field: Field,
    /// What is wrong with it.
    pub wrong: Wrong,
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
            // A code, not a word: only ASCII letters change case (never by the rules of
            // the worker's language), and anything else is refused by `problems`.
            worker: self.worker.trim().to_ascii_uppercase(),
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
        let mut problem = |field, wrong| problems.push(FieldProblem { field, wrong });
        let worker = &self.worker;
        if worker.is_empty() {
            problem(Field::Worker, Wrong::NoWorkerCode);
        } else if worker.chars().count() > MAX_WORKER
            || !worker
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            problem(Field::Worker, Wrong::NotAWorkerCode);
        }
        if !questionnaire.agencies.iter().any(|a| a.code == self.agency) {
            problem(Field::Agency, Wrong::NoAgency);
        }
        if self.device.is_empty() {
            problem(Field::Device, Wrong::NoDeviceName);
        } else if self.device.chars().count() > MAX_DEVICE {
            problem(Field::Device, Wrong::DeviceNameTooLong);
        }
        if !questionnaire.areas.iter().any(|a| a.code == self.area) {
            problem(Field::Area, Wrong::NoArea);
        }
        if !self.collector.is_empty() && !is_web_address(&self.collector) {
            problem(Field::Collector, Wrong::NotAWebAddress);
        }
        if self.token.chars().count() > MAX_TOKEN || self.token.chars().any(char::is_whitespace) {
            problem(Field::Token, Wrong::NotAToken);
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
    fn problems_are_said_with_the_limits_in_each_language() {
        assert_eq!(
            Wrong::NotAWorkerCode.message(WorkerLanguage::En),
            "A worker code is up to 16 letters, digits and hyphens, for example W012. Not your name."
        );
        assert_eq!(
            Wrong::DeviceNameTooLong.message(WorkerLanguage::En),
            "Keep the tablet's name to 40 characters or fewer."
        );
        assert!(Wrong::DeviceNameTooLong
            .message(WorkerLanguage::Bn)
            .contains("৪০"));
    }

    #[test]
    fn a_worker_code_is_upper_cased_as_a_code_not_as_a_word() {
        // Not as Turkish would (i → İ), nor a dotless ı made into an ASCII I: refused instead.
        let tidied = SetUp {
            worker: "wi12".into(),
            ..good()
        }
        .tidied();
        assert_eq!(tidied.worker, "WI12");
        let dotless = SetUp {
            worker: "wı12".into(),
            ..good()
        }
        .tidied();
        assert_eq!(problems(&dotless), vec![Field::Worker]);
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
