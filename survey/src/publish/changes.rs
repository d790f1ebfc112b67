//! What a new version changes since the version before it, for the admin to read before
//! publishing: questions and options added, removed and reworded, rules, sections,
//! languages and their status, in questionnaire order.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::questionnaire::{
    LanguageCode, OptionCode, Question, QuestionCode, Questionnaire, Text, TranslationStatus,
};

/// A change to a question's rules (not its words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleChange {
    /// It must now be answered (`true`) or may now be skipped (`false`).
    Required(bool),
    /// Other "don't know" / "prefer not to say" answers are offered.
    Allowed,
    /// It is asked under another condition (its skip rule).
    ShownWhen,
    /// Its limits (range, length, most choices) changed: was, now.
    Limits { was: String, now: String },
    /// Whether showing it ends the interview.
    EndsInterview(bool),
}

/// One difference between a new version and the version before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The languages now differ in which texts: the questionnaire's title.
    Title { languages: Vec<LanguageCode> },
    /// A language is offered that was not.
    LanguageAdded {
        language: LanguageCode,
        status: TranslationStatus,
    },
    /// A language is no longer offered.
    LanguageRemoved { language: LanguageCode },
    /// A language's translation status changed.
    LanguageStatus {
        language: LanguageCode,
        was: TranslationStatus,
        now: TranslationStatus,
    },
    /// The shared answer labels (yes, no, don't know, prefer not to say) changed.
    AnswerLabels { languages: Vec<LanguageCode> },
    /// Wards added and removed.
    Areas {
        added: Vec<String>,
        removed: Vec<String>,
    },
    /// Agencies added and removed.
    Agencies {
        added: Vec<String>,
        removed: Vec<String>,
    },
    /// A section is new.
    SectionAdded { section: String },
    /// A section is gone.
    SectionRemoved { section: String },
    /// A section's title or introduction is worded otherwise, in these languages.
    SectionWording {
        section: String,
        languages: Vec<LanguageCode>,
    },
    /// A question is new, in this section.
    QuestionAdded {
        question: QuestionCode,
        section: String,
    },
    /// A question is no longer asked.
    QuestionRemoved { question: QuestionCode },
    /// A question moved to another section.
    QuestionMoved {
        question: QuestionCode,
        from: String,
        to: String,
    },
    /// A question's text or help is worded otherwise, in these languages.
    QuestionWording {
        question: QuestionCode,
        languages: Vec<LanguageCode>,
    },
    /// A question's rules changed.
    QuestionRule {
        question: QuestionCode,
        change: RuleChange,
    },
    /// A question offers a new option.
    OptionAdded {
        question: QuestionCode,
        option: OptionCode,
        label: String,
    },
    /// A question no longer offers an option (old answers keep it).
    OptionRemoved {
        question: QuestionCode,
        option: OptionCode,
        label: String,
    },
    /// An option's label is worded otherwise in `language`: to confirm that the code
    /// still means the same.
    OptionLabel {
        question: QuestionCode,
        option: OptionCode,
        language: LanguageCode,
        was: String,
        now: String,
    },
}

impl Change {
    /// Whether the admin must confirm it before publishing: a relabelled option, which
    /// could change what its code means in every earlier response.
    pub fn to_confirm(&self) -> bool {
        matches!(self, Change::OptionLabel { .. })
    }
}

fn languages(list: &[LanguageCode]) -> String {
    list.iter()
        .map(|l| l.0.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn status(status: TranslationStatus) -> &'static str {
    match status {
        TranslationStatus::Draft => "draft",
        TranslationStatus::Reviewed => "reviewed",
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Title { languages: l } => write!(f, "title reworded ({})", languages(l)),
            Change::LanguageAdded { language, status: s } => {
                write!(f, "language {language} added ({})", status(*s))
            }
            Change::LanguageRemoved { language } => write!(f, "language {language} removed"),
            Change::LanguageStatus { language, was, now } => write!(
                f,
                "language {language}: {} → {}",
                status(*was),
                status(*now)
            ),
            Change::AnswerLabels { languages: l } => {
                write!(f, "shared answer labels reworded ({})", languages(l))
            }
            Change::Areas { added, removed } => {
                write!(f, "wards: {} added, {} removed", added.len(), removed.len())?;
                for (sign, list) in [("+", added), ("−", removed)] {
                    if !list.is_empty() {
                        write!(f, " {sign}{}", list.join(&format!(" {sign}")))?;
                    }
                }
                Ok(())
            }
            Change::Agencies { added, removed } => {
                write!(f, "agencies: {} added, {} removed", added.len(), removed.len())?;
                for (sign, list) in [("+", added), ("−", removed)] {
                    if !list.is_empty() {
                        write!(f, " {sign}{}", list.join(&format!(" {sign}")))?;
                    }
                }
                Ok(())
            }
            Change::SectionAdded { section } => write!(f, "section {section} added"),
            Change::SectionRemoved { section } => write!(f, "section {section} removed"),
            Change::SectionWording {
                section,
                languages: l,
            } => write!(f, "section {section} reworded ({})", languages(l)),
            Change::QuestionAdded { question, section } => {
                write!(f, "question {question} added (section {section})")
            }
            Change::QuestionRemoved { question } => write!(
                f,
                "question {question} removed (its answers stay in earlier responses; the code is never used again)"
            ),
            Change::QuestionMoved { question, from, to } => {
                write!(f, "question {question} moved from section {from} to {to}")
            }
            Change::QuestionWording {
                question,
                languages: l,
            } => write!(f, "question {question} reworded ({})", languages(l)),
            Change::QuestionRule { question, change } => match change {
                RuleChange::Required(true) => write!(f, "question {question} now required"),
                RuleChange::Required(false) => write!(f, "question {question} no longer required"),
                RuleChange::Allowed => write!(
                    f,
                    "question {question}: other \"don't know\" / \"prefer not to say\" answers"
                ),
                RuleChange::ShownWhen => write!(f, "question {question}: asked under another condition"),
                RuleChange::Limits { was, now } => {
                    write!(f, "question {question}: limits {was} → {now}")
                }
                RuleChange::EndsInterview(true) => {
                    write!(f, "question {question} now ends the interview")
                }
                RuleChange::EndsInterview(false) => {
                    write!(f, "question {question} no longer ends the interview")
                }
            },
            Change::OptionAdded {
                question,
                option,
                label,
            } => write!(f, "question {question}: option {option} “{label}” added"),
            Change::OptionRemoved {
                question,
                option,
                label,
            } => write!(
                f,
                "question {question}: option {option} “{label}” removed (earlier answers keep it)"
            ),
            Change::OptionLabel {
                question,
                option,
                language,
                was,
                now,
            } => write!(
                f,
                "question {question}: option {option} relabelled in {language}: “{was}” → “{now}” (confirm that {option} still means the same)"
            ),
        }
    }
}

/// What a new version changes since `from` (the newest earlier version, if any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changes {
    /// The version it is compared with; `None` for a first version.
    pub from: Option<u32>,
    /// The new version.
    pub to: u32,
    /// The differences, in questionnaire order.
    pub items: Vec<Change>,
}

impl Changes {
    /// The changes the admin must confirm before publishing.
    pub fn to_confirm(&self) -> impl Iterator<Item = &Change> {
        self.items.iter().filter(|change| change.to_confirm())
    }
}

/// The languages in which `old` and `new` read otherwise (either side's languages).
fn reworded(old: &Text, new: &Text) -> Vec<LanguageCode> {
    let all: BTreeSet<&LanguageCode> = old.0.keys().chain(new.0.keys()).collect();
    all.into_iter()
        .filter(|language| old.0.get(*language) != new.0.get(*language))
        .cloned()
        .collect()
}

fn reworded_optional(old: Option<&Text>, new: Option<&Text>) -> Vec<LanguageCode> {
    let empty = Text::default();
    reworded(old.unwrap_or(&empty), new.unwrap_or(&empty))
}

fn added_removed<'a>(
    old: impl Iterator<Item = &'a str>,
    new: impl Iterator<Item = &'a str>,
) -> (Vec<String>, Vec<String>) {
    let old: BTreeSet<&str> = old.collect();
    let new: BTreeSet<&str> = new.collect();
    (
        new.difference(&old).map(|s| (*s).to_owned()).collect(),
        old.difference(&new).map(|s| (*s).to_owned()).collect(),
    )
}

/// A question's limits in words (`0–15`, `200 characters`, `at most 3`), if it has any.
fn limits(question: &Question) -> Option<String> {
    use crate::questionnaire::QuestionKind;
    match &question.kind {
        QuestionKind::Number { min, max } => Some(format!("{min}–{max}")),
        QuestionKind::Text { max_length, long } => Some(format!(
            "{max_length} characters{}",
            if *long { ", several lines" } else { "" }
        )),
        QuestionKind::MultipleChoice {
            max_selections: Some(max),
            ..
        } => Some(format!("at most {max}")),
        QuestionKind::MultipleChoice { .. } => Some("any number".to_owned()),
        _ => None,
    }
}

pub(super) fn differences(old: &Questionnaire, new: &Questionnaire) -> Vec<Change> {
    let mut changes = Vec::new();
    let title = reworded(&old.title, &new.title);
    if !title.is_empty() {
        changes.push(Change::Title { languages: title });
    }
    let old_languages: BTreeMap<&LanguageCode, TranslationStatus> =
        old.languages.iter().map(|l| (&l.code, l.status)).collect();
    for language in &new.languages {
        match old_languages.get(&language.code) {
            None => changes.push(Change::LanguageAdded {
                language: language.code.clone(),
                status: language.status,
            }),
            Some(was) if *was != language.status => changes.push(Change::LanguageStatus {
                language: language.code.clone(),
                was: *was,
                now: language.status,
            }),
            Some(_) => {}
        }
    }
    for language in &old.languages {
        if !new.languages.iter().any(|l| l.code == language.code) {
            changes.push(Change::LanguageRemoved {
                language: language.code.clone(),
            });
        }
    }
    let labels = [
        (&old.answer_labels.yes, &new.answer_labels.yes),
        (&old.answer_labels.no, &new.answer_labels.no),
        (&old.answer_labels.dont_know, &new.answer_labels.dont_know),
        (
            &old.answer_labels.prefer_not_to_say,
            &new.answer_labels.prefer_not_to_say,
        ),
    ];
    let labels: BTreeSet<LanguageCode> = labels
        .iter()
        .flat_map(|(old, new)| reworded(old, new))
        .collect();
    if !labels.is_empty() {
        changes.push(Change::AnswerLabels {
            languages: labels.into_iter().collect(),
        });
    }
    let (added, removed) = added_removed(
        old.areas.iter().map(|a| a.code.as_str()),
        new.areas.iter().map(|a| a.code.as_str()),
    );
    if !added.is_empty() || !removed.is_empty() {
        changes.push(Change::Areas { added, removed });
    }
    let (added, removed) = added_removed(
        old.agencies.iter().map(|a| a.code.as_str()),
        new.agencies.iter().map(|a| a.code.as_str()),
    );
    if !added.is_empty() || !removed.is_empty() {
        changes.push(Change::Agencies { added, removed });
    }

    for section in &new.sections {
        match old.sections.iter().find(|s| s.id == section.id) {
            None => changes.push(Change::SectionAdded {
                section: section.id.clone(),
            }),
            Some(was) => {
                let mut languages: BTreeSet<LanguageCode> =
                    reworded(&was.title, &section.title).into_iter().collect();
                languages.extend(reworded_optional(
                    was.intro.as_ref(),
                    section.intro.as_ref(),
                ));
                if !languages.is_empty() {
                    changes.push(Change::SectionWording {
                        section: section.id.clone(),
                        languages: languages.into_iter().collect(),
                    });
                }
            }
        }
        for question in &section.questions {
            let Some((was_section, was)) = old.questions().find(|(_, q)| q.code == question.code)
            else {
                changes.push(Change::QuestionAdded {
                    question: question.code.clone(),
                    section: section.id.clone(),
                });
                continue;
            };
            question_changes(old, was, new, question, &mut changes);
            let from = &old.sections[was_section].id;
            if *from != section.id {
                changes.push(Change::QuestionMoved {
                    question: question.code.clone(),
                    from: from.clone(),
                    to: section.id.clone(),
                });
            }
        }
    }
    for (_, question) in old.questions() {
        if new.question(&question.code).is_none() {
            changes.push(Change::QuestionRemoved {
                question: question.code.clone(),
            });
        }
    }
    for section in &old.sections {
        if !new.sections.iter().any(|s| s.id == section.id) {
            changes.push(Change::SectionRemoved {
                section: section.id.clone(),
            });
        }
    }
    changes
}

fn question_changes(
    old: &Questionnaire,
    was: &Question,
    new: &Questionnaire,
    question: &Question,
    changes: &mut Vec<Change>,
) {
    let code = &question.code;
    let mut languages: BTreeSet<LanguageCode> =
        reworded(&was.text, &question.text).into_iter().collect();
    languages.extend(reworded_optional(was.help.as_ref(), question.help.as_ref()));
    if !languages.is_empty() {
        changes.push(Change::QuestionWording {
            question: code.clone(),
            languages: languages.into_iter().collect(),
        });
    }
    let mut rule = |change| {
        changes.push(Change::QuestionRule {
            question: code.clone(),
            change,
        })
    };
    if was.required != question.required {
        rule(RuleChange::Required(question.required));
    }
    if was.allow != question.allow {
        rule(RuleChange::Allowed);
    }
    if was.show_if != question.show_if {
        rule(RuleChange::ShownWhen);
    }
    if was.ends_interview != question.ends_interview {
        rule(RuleChange::EndsInterview(question.ends_interview));
    }
    if let (Some(was_limits), Some(now_limits)) = (limits(was), limits(question)) {
        if was_limits != now_limits {
            rule(RuleChange::Limits {
                was: was_limits,
                now: now_limits,
            });
        }
    }
    // Yes and no are the shared answer labels ([`Change::AnswerLabels`]), not options.
    if matches!(
        question.kind,
        crate::questionnaire::QuestionKind::YesNo | crate::questionnaire::QuestionKind::Consent
    ) {
        return;
    }
    let source = new
        .source_language()
        .cloned()
        .unwrap_or_else(|| LanguageCode("en".into()));
    let old_options = old.options(was);
    let new_options = new.options(question);
    for option in new_options.iter() {
        match old_options.iter().find(|o| o.code == option.code) {
            None => changes.push(Change::OptionAdded {
                question: code.clone(),
                option: option.code,
                label: option.label.get(&source, &source).to_owned(),
            }),
            Some(was) => {
                for language in reworded(&was.label, &option.label) {
                    changes.push(Change::OptionLabel {
                        question: code.clone(),
                        option: option.code,
                        was: was.label.exact(&language).unwrap_or("").to_owned(),
                        now: option.label.exact(&language).unwrap_or("").to_owned(),
                        language,
                    });
                }
            }
        }
    }
    for option in old_options.iter() {
        if !new_options.iter().any(|o| o.code == option.code) {
            changes.push(Change::OptionRemoved {
                question: code.clone(),
                option: option.code,
                label: option.label.get(&source, &source).to_owned(),
            });
        }
    }
}
