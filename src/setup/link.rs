//! Set-up from a coordinator's link ([`survey::wire::SetupLink`]): what it fills in, and
//! what the screen then says.

use survey::wire::{
    SetupLink, SetupLinkError, SetupLinkPart, MAX_LINK_AGENCY, MAX_LINK_COLLECTOR, MAX_LINK_TOKEN,
};
use survey::Questionnaire;

use super::{Field, SetUp};
use crate::words::{Msg, WorkerLanguage};

/// How many of the token's first characters the screen shows, so the worker can tell it
/// came through without the whole token showing.
const TOKEN_SHOWN: usize = 8;

/// What the set-up screen says about the link it was opened with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkNotice {
    /// The link filled these in (the agency by its name; the token's first characters).
    Filled {
        /// The collector address.
        collector: String,
        /// The agency's name.
        agency: String,
        /// The upload token's first characters, then `…`.
        token_start: String,
    },
    /// The link cannot be used. Nothing was filled in.
    Problem(LinkProblem),
}

/// Why a set-up link cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkProblem {
    /// It is not a set-up link Doorstep can read.
    Unreadable(SetupLinkError),
    /// It is for an agency the questionnaire does not list (its code).
    UnknownAgency(String),
}

impl LinkProblem {
    /// What is wrong and what to do, in `language`.
    pub fn message(&self, language: WorkerLanguage) -> String {
        let part = |part: SetupLinkPart| match part {
            SetupLinkPart::Collector => Msg::SetupLinkPartCollector,
            SetupLinkPart::Agency => Msg::SetupLinkPartAgency,
            SetupLinkPart::Token => Msg::SetupLinkPartToken,
        };
        let longest = |part: SetupLinkPart| match part {
            SetupLinkPart::Collector => MAX_LINK_COLLECTOR,
            SetupLinkPart::Agency => MAX_LINK_AGENCY,
            SetupLinkPart::Token => MAX_LINK_TOKEN,
        };
        let problem = match self {
            LinkProblem::UnknownAgency(code) => {
                language.setup_link_error_unknown_agency(code.as_str())
            }
            LinkProblem::Unreadable(error) => match error {
                SetupLinkError::NoFragment => language.t(Msg::SetupLinkErrorCutShort).to_owned(),
                SetupLinkError::Missing(p) => language.setup_link_error_missing(part(*p)),
                SetupLinkError::Repeated(p) => language.setup_link_error_repeated(part(*p)),
                SetupLinkError::Garbled(p) => language.setup_link_error_garbled(part(*p)),
                SetupLinkError::TooLong(p) => {
                    language.setup_link_error_too_long(part(*p), longest(*p))
                }
                SetupLinkError::Blanks(p) => language.setup_link_error_blanks(part(*p)),
                SetupLinkError::NotAWebAddress => language.t(Msg::SetupLinkErrorNotWeb).to_owned(),
            },
        };
        language.setup_link_problem(problem)
    }
}

/// Reads the link's `fragment` and fills its collector address, agency and upload token
/// into `form` (the worker's other fields are kept; nothing is saved).
pub fn fill_from_link(
    fragment: &str,
    form: &mut SetUp,
    questionnaire: &Questionnaire,
) -> LinkNotice {
    let link = match SetupLink::from_fragment(fragment) {
        Ok(link) => link,
        Err(error) => return LinkNotice::Problem(LinkProblem::Unreadable(error)),
    };
    let Some(agency) = questionnaire
        .agencies
        .iter()
        .find(|a| a.code == link.agency.as_str())
    else {
        return LinkNotice::Problem(LinkProblem::UnknownAgency(link.agency.to_string()));
    };
    form.collector = link.collector.trim_end_matches('/').to_owned();
    form.agency = agency.code.clone();
    form.token = link.token.clone();
    let shown: String = link.token.chars().take(TOKEN_SHOWN).collect();
    LinkNotice::Filled {
        collector: form.collector.clone(),
        agency: agency.name.clone(),
        token_start: format!("{shown}…"),
    }
}

impl SetUp {
    /// The fields the worker must still fill in before the set-up can be saved, in form
    /// order (the collector address and token may wait, so they are never among them).
    pub fn still_to_fill(&self, questionnaire: &Questionnaire) -> Vec<Field> {
        let mut fields = Vec::new();
        if self.worker.trim().is_empty() {
            fields.push(Field::Worker);
        }
        if !questionnaire.agencies.iter().any(|a| a.code == self.agency) {
            fields.push(Field::Agency);
        }
        if self.device.trim().is_empty() {
            fields.push(Field::Device);
        }
        if !questionnaire.areas.iter().any(|a| a.code == self.area) {
            fields.push(Field::Area);
        }
        fields
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn questionnaire() -> Questionnaire {
        survey::shipped::shared_questionnaire().unwrap()
    }

    fn link() -> SetupLink {
        SetupLink {
            collector: "https://collector.example.org".into(),
            agency: "hackney-council".into(),
            token: "dst_0123456789abcdef".into(),
        }
    }

    #[test]
    fn a_link_fills_in_where_to_hand_in_and_only_the_worker_fields_are_still_asked() {
        let q = questionnaire();
        let mut form = SetUp::default();
        let notice = fill_from_link(&link().fragment(), &mut form, &q);
        let agency = q
            .agencies
            .iter()
            .find(|a| a.code == "hackney-council")
            .unwrap();
        assert_eq!(
            notice,
            LinkNotice::Filled {
                collector: "https://collector.example.org".into(),
                agency: agency.name.clone(),
                token_start: "dst_0123…".into(),
            }
        );
        assert_eq!(form.collector, "https://collector.example.org");
        assert_eq!(form.agency, "hackney-council");
        assert_eq!(form.token, "dst_0123456789abcdef");
        assert_eq!(
            form.still_to_fill(&q),
            vec![Field::Worker, Field::Device, Field::Area]
        );
        assert!(form.can_upload());
    }

    #[test]
    fn on_a_tablet_already_set_up_the_link_changes_only_its_three_parts() {
        let q = questionnaire();
        let saved = SetUp {
            worker: "W012".into(),
            agency: "hackney-council".into(),
            device: "Tablet 07".into(),
            area: "E05009367".into(),
            collector: "https://old.example.org".into(),
            token: "old".into(),
        };
        let mut form = saved.clone();
        fill_from_link(&link().fragment(), &mut form, &q);
        assert_eq!(
            (form.worker.as_str(), form.device.as_str()),
            ("W012", "Tablet 07")
        );
        assert_eq!(form.area, saved.area);
        assert_eq!(form.token, "dst_0123456789abcdef");
        assert_eq!(form.still_to_fill(&q), vec![]);
        assert!(form.tidied().problems(&q).is_empty());
    }

    #[test]
    fn a_broken_link_fills_in_nothing_and_says_what_is_wrong() {
        let q = questionnaire();
        let mut form = SetUp::default();
        let notice = fill_from_link(
            "collector=https%3A%2F%2Fc.example.org&agency=hackney-council",
            &mut form,
            &q,
        );
        let LinkNotice::Problem(problem) = notice else {
            panic!("{notice:?}");
        };
        let message = problem.message(WorkerLanguage::En);
        assert!(
            message.starts_with(
                "This set-up link is missing the upload token; ask your coordinator for a new one."
            ),
            "{message}"
        );
        assert_eq!(form, SetUp::default());
        assert_eq!(
            form.still_to_fill(&q),
            vec![Field::Worker, Field::Agency, Field::Device, Field::Area]
        );
    }

    #[test]
    fn every_link_problem_reads_as_the_survey_crate_says_it_in_english() {
        // The survey crate's words are the collector's too; the app's English must agree.
        let errors = [
            SetupLinkError::NoFragment,
            SetupLinkError::Missing(SetupLinkPart::Token),
            SetupLinkError::Repeated(SetupLinkPart::Agency),
            SetupLinkError::Garbled(SetupLinkPart::Collector),
            SetupLinkError::TooLong(SetupLinkPart::Token),
            SetupLinkError::Blanks(SetupLinkPart::Agency),
            SetupLinkError::NotAWebAddress,
        ];
        for error in errors {
            assert_eq!(
                LinkProblem::Unreadable(error.clone()).message(WorkerLanguage::En),
                format!(
                    "{error}; ask your coordinator for a new one. You can fill in set-up by hand below."
                )
            );
        }
        let turkish = LinkProblem::Unreadable(SetupLinkError::TooLong(SetupLinkPart::Token))
            .message(WorkerLanguage::Tr);
        assert!(
            turkish.starts_with(
                "Bu kurulum bağlantısındaki yükleme anahtarı çok uzun (200 karakterden fazla)"
            ),
            "{turkish}"
        );
    }

    #[test]
    fn a_link_for_an_agency_the_questionnaire_lacks_is_refused() {
        let q = questionnaire();
        let mut form = SetUp::default();
        let other = SetupLink {
            agency: "someone-else".into(),
            ..link()
        };
        let notice = fill_from_link(&other.fragment(), &mut form, &q);
        assert!(
            matches!(&notice, LinkNotice::Problem(p) if p.message(WorkerLanguage::En).contains("someone-else")),
            "{notice:?}"
        );
        assert_eq!(form, SetUp::default());
    }
}
