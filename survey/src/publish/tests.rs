use super::*;
use crate::questionnaire::{
    AnswerOption, LanguageCode, Question, QuestionKind, Section, TranslationStatus,
};
use crate::shipped::shared_questionnaire;

fn v1() -> Questionnaire {
    shared_questionnaire().unwrap()
}

/// Version 1 as version `version`, changed by `change`.
fn next(version: u32, change: impl FnOnce(&mut Questionnaire)) -> Questionnaire {
    let mut q = v1();
    q.version = version;
    change(&mut q);
    q
}

fn question_mut<'q>(q: &'q mut Questionnaire, code: &str) -> &'q mut Question {
    q.sections
        .iter_mut()
        .flat_map(|s| s.questions.iter_mut())
        .find(|question| question.code.0 == code)
        .unwrap()
}

fn remove(q: &mut Questionnaire, code: &str) -> Question {
    for section in &mut q.sections {
        if let Some(i) = section.questions.iter().position(|x| x.code.0 == code) {
            return section.questions.remove(i);
        }
    }
    panic!("no {code}");
}

fn options_mut<'q>(q: &'q mut Questionnaire, code: &str) -> &'q mut Vec<AnswerOption> {
    match &mut question_mut(q, code).kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            options
        }
        other => panic!("{code} is {}", other.name()),
    }
}

fn tr() -> LanguageCode {
    LanguageCode("tr".into())
}

fn problems(earlier: &[Questionnaire], new: &Questionnaire) -> Vec<PublishProblem> {
    check(earlier, new).unwrap_err().problems
}

#[test]
fn a_first_version_has_nothing_to_compare() {
    let changes = check(&[], &v1()).unwrap();
    assert_eq!(changes.from, None);
    assert_eq!(changes.to, 1);
    assert!(changes.items.is_empty());
}

#[test]
fn the_same_questionnaire_again_with_a_higher_version_changes_nothing() {
    let changes = check(&[v1()], &next(2, |_| {})).unwrap();
    assert_eq!((changes.from, changes.to), (Some(1), 2));
    assert_eq!(changes.items, vec![]);
}

#[test]
fn a_version_not_higher_than_the_newest_is_refused() {
    let v2 = next(2, |_| {});
    assert_eq!(
        problems(&[v1(), v2.clone()], &next(2, |_| {})),
        vec![PublishProblem::NotNewer {
            version: 2,
            newest: 2
        }]
    );
    // Against every version, in any order: not only the one listed last.
    assert_eq!(
        problems(&[v2, v1()], &v1()),
        vec![PublishProblem::NotNewer {
            version: 1,
            newest: 2
        }]
    );
    let message = PublishProblem::NotNewer {
        version: 1,
        newest: 2,
    }
    .to_string();
    assert!(message.contains("give it version 3"), "{message}");
}

#[test]
fn another_questionnaire_is_refused_by_its_id() {
    let other = next(2, |q| q.id = "another-survey".into());
    assert_eq!(
        problems(&[v1()], &other),
        vec![PublishProblem::OtherQuestionnaire {
            expected: "doorstep-qol".into(),
            found: "another-survey".into()
        }]
    );
}

#[test]
fn a_question_keeps_its_kind_and_the_problem_names_it() {
    let v2 = next(2, |q| {
        question_mut(q, "BEDROOMS").kind = QuestionKind::Text {
            max_length: 10,
            long: false,
        };
    });
    let found = problems(&[v1()], &v2);
    assert_eq!(
        found,
        vec![PublishProblem::KindChanged {
            question: "BEDROOMS".into(),
            was: "number",
            in_version: 1,
            now: "text",
        }]
    );
    let message = found[0].to_string();
    assert!(message.starts_with("question BEDROOMS is text here but was number in version 1"));
    // A number's range is not its kind.
    let wider = next(2, |q| {
        question_mut(q, "BEDROOMS").kind = QuestionKind::Number { min: 0, max: 20 };
    });
    let changes = check(&[v1()], &wider).unwrap();
    assert_eq!(
        changes.items,
        vec![Change::QuestionRule {
            question: "BEDROOMS".into(),
            change: RuleChange::Limits {
                was: "0–15".into(),
                now: "0–20".into()
            }
        }]
    );
}

#[test]
fn a_kind_is_kept_against_the_version_that_first_used_the_code() {
    // Removed in 2, put back (a reuse) with another kind in 3: both are named.
    let v2 = next(2, |q| {
        remove(q, "BEDROOMS");
    });
    let v3 = next(3, |q| {
        question_mut(q, "BEDROOMS").kind = QuestionKind::Text {
            max_length: 10,
            long: false,
        };
    });
    assert_eq!(
        problems(&[v1(), v2], &v3),
        vec![
            PublishProblem::KindChanged {
                question: "BEDROOMS".into(),
                was: "number",
                in_version: 1,
                now: "text",
            },
            PublishProblem::CodeReused {
                question: "BEDROOMS".into(),
                removed_in: 2
            }
        ]
    );
}

#[test]
fn a_removed_code_is_never_used_again() {
    let v2 = next(2, |q| {
        remove(q, "LANDLORD");
    });
    let changes = check(&[v1()], &v2).unwrap();
    assert_eq!(
        changes.items,
        vec![Change::QuestionRemoved {
            question: "LANDLORD".into()
        }]
    );
    // Version 3 brings it back, the same in every way: still refused.
    let v3 = next(3, |_| {});
    let found = problems(&[v1(), v2.clone()], &v3);
    assert_eq!(
        found,
        vec![PublishProblem::CodeReused {
            question: "LANDLORD".into(),
            removed_in: 2
        }]
    );
    assert!(found[0].to_string().contains("cannot be used again"));
    // Still removed in 3: fine.
    let v3 = next(3, |q| {
        remove(q, "LANDLORD");
    });
    assert!(check(&[v1(), v2], &v3).is_ok());
}

#[test]
fn every_problem_is_named_at_once() {
    let bad = next(1, |q| {
        question_mut(q, "TENURE").kind = QuestionKind::YesNo;
        question_mut(q, "BEDROOMS").kind = QuestionKind::YesNo;
    });
    let refused = check(&[v1()], &bad).unwrap_err();
    assert_eq!(refused.problems.len(), 3, "{refused}");
    let text = refused.to_string();
    assert!(
        text.starts_with("3 problems with publishing this version:"),
        "{text}"
    );
    assert!(
        text.contains("TENURE") && text.contains("BEDROOMS"),
        "{text}"
    );
}

#[test]
fn a_relabelled_option_is_a_change_to_confirm_and_an_added_question_is_listed() {
    let v2 = next(2, |q| {
        let rent = options_mut(q, "TENURE")
            .iter_mut()
            .find(|o| o.code == 4)
            .unwrap();
        rent.label.0.insert(tr(), "Kiracıyız".into());
        let mut new = question_mut(q, "BEDROOMS").clone();
        new.code = "HOME_OFFICE".into();
        let home = q.sections.iter_mut().find(|s| s.id == "home").unwrap();
        home.questions.push(new);
    });
    let changes = check(&[v1()], &v2).unwrap();
    assert_eq!(
        changes.items,
        vec![
            Change::OptionLabel {
                question: "TENURE".into(),
                option: 4,
                language: tr(),
                was: "Kirada oturuyoruz".into(),
                now: "Kiracıyız".into()
            },
            Change::QuestionAdded {
                question: "HOME_OFFICE".into(),
                section: "home".into()
            }
        ]
    );
    let to_confirm: Vec<_> = changes.to_confirm().collect();
    assert_eq!(to_confirm.len(), 1);
    let said = to_confirm[0].to_string();
    assert!(
        said.contains("relabelled in tr: “Kirada oturuyoruz” → “Kiracıyız”"),
        "{said}"
    );
    assert!(said.contains("confirm"), "{said}");
}

#[test]
fn options_added_and_removed_wording_and_skip_rules_are_listed() {
    let v2 = next(2, |q| {
        let options = options_mut(q, "TENURE");
        let removed = options.remove(0);
        options.push(AnswerOption {
            code: 9,
            label: removed.label.clone(),
            exclusive: false,
        });
        let landlord = question_mut(q, "LANDLORD");
        landlord.show_if = None;
        landlord.text.0.insert(tr(), "Evinizin sahibi kim?".into());
        question_mut(q, "BEDROOMS").required = false;
    });
    let items = check(&[v1()], &v2).unwrap().items;
    let said: Vec<String> = items.iter().map(ToString::to_string).collect();
    assert!(
        items.contains(&Change::OptionAdded {
            question: "TENURE".into(),
            option: 9,
            label: "Own it outright".into()
        }),
        "{said:#?}"
    );
    assert!(
        items.contains(&Change::OptionRemoved {
            question: "TENURE".into(),
            option: 1,
            label: "Own it outright".into()
        }),
        "{said:#?}"
    );
    assert!(items.contains(&Change::QuestionWording {
        question: "LANDLORD".into(),
        languages: vec![tr()]
    }));
    assert!(items.contains(&Change::QuestionRule {
        question: "LANDLORD".into(),
        change: RuleChange::ShownWhen
    }));
    assert!(items.contains(&Change::QuestionRule {
        question: "BEDROOMS".into(),
        change: RuleChange::Required(false)
    }));
    assert_eq!(items.iter().filter(|c| c.to_confirm()).count(), 0);
    assert!(
        said.iter().any(|s| s.contains("earlier answers keep it")),
        "{said:#?}"
    );
}

#[test]
fn languages_sections_and_moves_are_listed() {
    let v2 = next(2, |q| {
        q.languages[1].status = TranslationStatus::Reviewed;
        let moved = remove(q, "UNPAID_CARER");
        q.sections.push(Section {
            id: "caring".into(),
            title: q.sections[0].title.clone(),
            intro: None,
            questions: vec![moved],
        });
    });
    let items = check(&[v1()], &v2).unwrap().items;
    assert_eq!(
        items,
        vec![
            Change::LanguageStatus {
                language: tr(),
                was: TranslationStatus::Draft,
                now: TranslationStatus::Reviewed
            },
            Change::SectionAdded {
                section: "caring".into()
            },
            Change::QuestionMoved {
                question: "UNPAID_CARER".into(),
                from: "health".into(),
                to: "caring".into()
            }
        ]
    );
    assert_eq!(items[0].to_string(), "language tr: draft → reviewed");
}
