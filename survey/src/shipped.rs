//! The questionnaires that ship inside the app and the collector, embedded at build time.
//!
//! The files live in `survey/questionnaires/`; a released file is never edited, a new
//! version is a new file added to [`SHIPPED`] (see `survey/README.md`).

use crate::questionnaire::Questionnaire;
use crate::validate::{self, DefinitionError};

/// The shared quality-of-life questionnaire, version 1, as written in its file.
pub const SHARED_V1_JSON: &str = include_str!("../questionnaires/doorstep-qol.v1.json");

/// File name of [`SHARED_V1_JSON`] in `survey/questionnaires/`.
pub const SHARED_V1_FILE: &str = "doorstep-qol.v1.json";

/// Every shipped questionnaire file: (file name, JSON), oldest first. Older versions stay
/// listed so that responses recorded with them can still be read and checked.
pub const SHIPPED: &[(&str, &str)] = &[(SHARED_V1_FILE, SHARED_V1_JSON)];

/// The shared questionnaire the app offers for new interviews, loaded and validated.
///
/// The file is checked by the tests, so an error here means a broken build, but it is
/// returned rather than panicking so the app can show it.
pub fn shared_questionnaire() -> Result<Questionnaire, DefinitionError> {
    validate::load(SHARED_V1_JSON)
}

/// Every shipped questionnaire, loaded and validated, in [`SHIPPED`] order. The list is a
/// [`crate::batch::QuestionnaireSource`], so the collector can check batches recorded with
/// any shipped version.
pub fn shipped_questionnaires() -> Result<Vec<Questionnaire>, DefinitionError> {
    SHIPPED
        .iter()
        .map(|(_, json)| validate::load(json))
        .collect()
}
