//! The shipped questionnaire files: they load, they are complete in every language, they
//! cover every theme of `shared/QUESTIONNAIRE.md` with its measure, and their skip logic
//! works in the interview engine.
//!
//! Run with `cargo test -p survey --test shipped_questionnaire -- --nocapture` to see the
//! question counts.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

use std::collections::BTreeSet;

use survey::engine::{self, Answers};
use survey::shipped::{self, SHARED_V1_JSON, SHIPPED};
use survey::{
    Answer, NonSubstantive, Question, QuestionCode, QuestionKind, Questionnaire, Text, NO, YES,
};

fn shared() -> Questionnaire {
    match shipped::shared_questionnaire() {
        Ok(questionnaire) => questionnaire,
        Err(error) => panic!("the shared questionnaire does not load:\n{error}"),
    }
}

fn question<'q>(questionnaire: &'q Questionnaire, code: &str) -> &'q Question {
    questionnaire
        .question(&QuestionCode::from(code))
        .unwrap_or_else(|| panic!("no question {code}"))
}

fn answers(pairs: &[(&str, Answer)]) -> Answers {
    pairs
        .iter()
        .map(|(code, answer)| (QuestionCode::from(*code), answer.clone()))
        .collect()
}

fn shown(questionnaire: &Questionnaire, answers: &Answers, code: &str) -> bool {
    engine::is_shown(questionnaire, question(questionnaire, code), answers)
}

#[test]
fn every_shipped_file_loads_and_validates() {
    assert!(!SHIPPED.is_empty());
    let mut seen = BTreeSet::new();
    for (file, json) in SHIPPED {
        let questionnaire = match survey::validate::load(json) {
            Ok(questionnaire) => questionnaire,
            Err(error) => panic!("{file} does not load:\n{error}"),
        };
        // The file name says what is inside, so a partner cannot mix versions up.
        assert_eq!(
            *file,
            format!("{}.v{}.json", questionnaire.id, questionnaire.version),
            "file name of {file}"
        );
        assert!(
            seen.insert((questionnaire.id.clone(), questionnaire.version)),
            "{file}: id and version shipped twice"
        );
    }
    let loaded = shipped::shipped_questionnaires().expect("every shipped file loads");
    assert_eq!(loaded.len(), SHIPPED.len());
}

#[test]
fn the_shared_questionnaire_is_doorstep_qol_version_1() {
    let q = shared();
    assert_eq!(q.id, "doorstep-qol");
    assert_eq!(q.version, 1);
    assert_eq!(SHIPPED[0].1, SHARED_V1_JSON);
    let languages: Vec<(&str, &str)> = q
        .languages
        .iter()
        .map(|l| (l.code.0.as_str(), l.name.as_str()))
        .collect();
    assert_eq!(
        languages,
        [("en", "English"), ("tr", "Türkçe"), ("bn", "বাংলা")]
    );
    assert_eq!(q.languages[0].status, survey::TranslationStatus::Reviewed);
    assert!(q.languages[1..]
        .iter()
        .all(|l| l.status == survey::TranslationStatus::Draft));
    assert!(
        (10..=25).contains(&q.areas.len()),
        "{} areas",
        q.areas.len()
    );
    assert!(q
        .areas
        .iter()
        .all(|a| a.code.starts_with("E05") && a.code.len() == 9));
}

#[test]
fn length_and_sections_fit_a_doorstep_interview() {
    let q = shared();
    let total = q.questions().count();
    println!("doorstep-qol v{}: {total} questions", q.version);
    for section in &q.sections {
        println!("  {:<12} {:>2}", section.id, section.questions.len());
    }
    assert!((50..=65).contains(&total), "{total} questions");
    assert_eq!(q.sections[0].id, "consent");
    assert_eq!(q.sections[0].questions[0].kind, QuestionKind::Consent);
    let after_consent = q.sections.len() - 1;
    assert!((7..=8).contains(&after_consent), "{after_consent} sections");
    let ids: Vec<&str> = q.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "consent",
            "your_area",
            "safety",
            "health",
            "home",
            "money_work",
            "community",
            "about_you"
        ]
    );
}

/// Every `Text` in the questionnaire, with where it is.
fn all_texts(q: &Questionnaire) -> Vec<(String, &Text)> {
    let mut texts = vec![
        ("title".to_owned(), &q.title),
        ("answer yes".to_owned(), &q.answer_labels.yes),
        ("answer no".to_owned(), &q.answer_labels.no),
        ("answer dont_know".to_owned(), &q.answer_labels.dont_know),
        (
            "answer prefer_not_to_say".to_owned(),
            &q.answer_labels.prefer_not_to_say,
        ),
    ];
    for (name, scale) in &q.scales {
        for option in &scale.options {
            texts.push((
                format!("scale {name} option {}", option.code),
                &option.label,
            ));
        }
    }
    for section in &q.sections {
        texts.push((format!("section {} title", section.id), &section.title));
        if let Some(intro) = &section.intro {
            texts.push((format!("section {} intro", section.id), intro));
        }
        for question in &section.questions {
            let code = &question.code;
            texts.push((format!("{code} text"), &question.text));
            if let Some(help) = &question.help {
                texts.push((format!("{code} help"), help));
            }
            match &question.kind {
                QuestionKind::SingleChoice { options }
                | QuestionKind::MultipleChoice { options, .. } => {
                    for option in options {
                        texts.push((format!("{code} option {}", option.code), &option.label));
                    }
                }
                QuestionKind::Rating {
                    low_label,
                    high_label,
                } => {
                    texts.push((format!("{code} low label"), low_label));
                    texts.push((format!("{code} high label"), high_label));
                }
                _ => {}
            }
        }
    }
    texts
}

#[test]
fn every_text_is_in_every_language() {
    let q = shared();
    let texts = all_texts(&q);
    assert!(texts.len() > 250, "only {} texts found", texts.len());
    let mut missing = Vec::new();
    for (place, text) in &texts {
        for language in &q.languages {
            if text.exact(&language.code).is_none() {
                missing.push(format!("{place}: {}", language.code));
            }
        }
        // No stray language either: every key is a listed language.
        for key in text.0.keys() {
            if !q.languages.iter().any(|l| &l.code == key) {
                missing.push(format!("{place}: unlisted language {key}"));
            }
        }
    }
    assert!(missing.is_empty(), "missing texts:\n{}", missing.join("\n"));
}

#[test]
fn codes_are_stable_upper_snake_case() {
    let q = shared();
    for (_, question) in q.questions() {
        let code = question.code.as_str();
        let well_formed = code.starts_with(|c: char| c.is_ascii_uppercase())
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && !code.ends_with('_')
            && !code.contains("__");
        assert!(well_formed, "{code}");
    }
}

#[test]
fn every_theme_has_its_measure() {
    let q = shared();
    let measure = |code: &str| question(&q, code).measure.clone().unwrap_or_default();
    let expected = [
        ("AREA_SATISFACTION", "Place Survey NI 5"),
        ("BELONGING", "Place Survey NI 2"),
        ("DIFFERENT_BACKGROUNDS", "Place Survey NI 1"),
        ("INFLUENCE_DECISIONS", "Place Survey NI 4"),
        ("TRUST_NEIGHBOURS", "Community Life Survey"),
        ("SAFE_AFTER_DARK", "Crime Survey for England and Wales"),
        ("SAFE_DAYTIME", "Crime Survey for England and Wales"),
        ("WORRY_CRIME", "Crime Survey for England and Wales"),
        ("ASB_NOISY_NEIGHBOURS", "Place Survey NI 17"),
        ("ASB_TEENAGERS", "Place Survey NI 17"),
        ("ASB_LITTER", "Place Survey NI 17"),
        ("ASB_VANDALISM", "Place Survey NI 17"),
        ("ASB_DRUGS", "Place Survey NI 17"),
        ("ASB_DRUNK_ROWDY", "Place Survey NI 17"),
        ("ASB_ABANDONED_CARS", "Place Survey NI 17"),
        ("POLICE_COUNCIL_DEALING", "Place Survey NI 21"),
        ("GENERAL_HEALTH", "ONS general health"),
        ("LONG_TERM_CONDITION", "ONS long-term health condition"),
        ("CONDITION_LIMITS", "ONS activity limitation"),
        ("LIFE_SATISFACTION", "ONS4 life satisfaction"),
        ("WORTHWHILE", "ONS4 worthwhile"),
        ("HAPPY_YESTERDAY", "ONS4 happiness"),
        ("ANXIOUS_YESTERDAY", "ONS4 anxiety"),
        ("LONELINESS", "ONS loneliness"),
        ("UNPAID_CARER", "Census 2021 unpaid care"),
        ("TENURE", "Census 2021 tenure"),
        ("LANDLORD", "Census 2021 landlord"),
        ("BEDROOMS", "Census 2021 occupancy rating"),
        ("ECONOMIC_ACTIVITY", "Census 2021 economic activity"),
        ("VOLUNTEERING", "Place Survey NI 6"),
        ("TREATED_RESPECT", "Place Survey NI 140"),
        ("AGE_BAND", "Census 2021 age"),
        ("SEX", "Census 2021 sex"),
        ("GENDER_SAME_AS_BIRTH", "Census 2021 gender identity"),
        ("ETHNICITY", "Census 2021 ethnicity"),
        ("MAIN_LANGUAGE", "Census 2021 main language"),
    ];
    for (code, name) in expected {
        assert!(
            measure(code).starts_with(name),
            "{code}: measure {:?}, expected {name}",
            measure(code)
        );
    }
    // The themes without a named national measure are still asked.
    for code in [
        "GP_ACCESS",
        "HOUSING_COST_WORRY",
        "HOUSING_PROBLEMS",
        "HOUSEHOLD_ADULTS",
        "HOUSEHOLD_CHILDREN",
        "KEEP_WARM",
        "BILLS_BURDEN",
        "BEHIND_PAYMENTS",
        "IN_EDUCATION_TRAINING",
        "TRAINING_INTEREST",
        "TRAINING_TYPE",
        "ADVICE_MONEY",
        "ADVICE_HOUSING",
        "ADVICE_HEALTH",
        "SERVICES_HEARD",
        "PARKS_USE",
        "COMMUNITY_SPACE_USE",
        "GREEN_ACTIONS",
        "YEARS_IN_AREA",
    ] {
        question(&q, code);
    }
}

/// English labels of a question's options, in order, with their codes.
fn labels(q: &Questionnaire, code: &str) -> Vec<(u16, String)> {
    let en = q.languages[0].code.clone();
    q.options(question(q, code))
        .iter()
        .map(|o| (o.code, o.label.get(&en, &en).to_owned()))
        .collect()
}

#[test]
fn national_measures_keep_their_scales_and_codes() {
    let q = shared();
    let first_last = |code: &str| {
        let options = labels(&q, code);
        let first = options.first().cloned().unwrap_or_default();
        let last = options.last().cloned().unwrap_or_default();
        (options.len(), first, last)
    };
    let case = |n: usize, first: &str, last_code: u16, last: &str| {
        (n, (1, first.to_owned()), (last_code, last.to_owned()))
    };
    assert_eq!(
        first_last("AREA_SATISFACTION"),
        case(5, "Very satisfied", 5, "Very dissatisfied")
    );
    assert_eq!(
        first_last("BELONGING"),
        case(4, "Very strongly", 4, "Not at all strongly")
    );
    assert_eq!(
        first_last("INFLUENCE_DECISIONS"),
        case(4, "Definitely agree", 4, "Definitely disagree")
    );
    assert_eq!(
        first_last("TRUST_NEIGHBOURS"),
        case(5, "Most of the people", 5, "None of the people")
    );
    assert_eq!(
        first_last("POLICE_COUNCIL_DEALING"),
        case(5, "Strongly agree", 5, "Strongly disagree")
    );
    assert_eq!(
        first_last("ASB_LITTER"),
        case(4, "A very big problem", 4, "Not a problem at all")
    );
    assert_eq!(
        first_last("GENERAL_HEALTH"),
        case(5, "Very good", 5, "Very bad")
    );
    assert_eq!(
        first_last("LONELINESS"),
        case(5, "Often or always", 5, "Never")
    );
    assert_eq!(first_last("KEEP_WARM"), case(5, "Always", 5, "Never"));
    assert_eq!(
        first_last("TREATED_RESPECT"),
        case(5, "All of the time", 5, "Never")
    );
    assert_eq!(
        first_last("VOLUNTEERING"),
        case(3, "At least once a month", 3, "Not at all")
    );
    assert_eq!(
        first_last("BILLS_BURDEN"),
        case(3, "A heavy burden", 3, "Not a burden at all")
    );

    // The extra answers outside a scale keep the scale's codes and add their own.
    let backgrounds = labels(&q, "DIFFERENT_BACKGROUNDS");
    let agree4 = labels(&q, "INFLUENCE_DECISIONS");
    assert_eq!(backgrounds[..4], agree4[..]);
    assert_eq!(
        backgrounds.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        [1, 2, 3, 4, 6, 7]
    );
    for code in ["SAFE_AFTER_DARK", "SAFE_DAYTIME"] {
        let options = labels(&q, code);
        assert_eq!(
            options.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
            [1, 2, 3, 4, 6],
            "{code}"
        );
        assert_eq!(options[0].1, "Very safe");
        assert_eq!(options[3].1, "Very unsafe");
        assert!(options[4].1.starts_with("I never walk alone"), "{code}");
    }

    // ONS4: 0–10 with the meaning of each end.
    for code in [
        "LIFE_SATISFACTION",
        "WORTHWHILE",
        "HAPPY_YESTERDAY",
        "ANXIOUS_YESTERDAY",
    ] {
        assert!(
            matches!(question(&q, code).kind, QuestionKind::Rating { .. }),
            "{code}"
        );
    }

    // Census 2021: 19 ethnic groups in 5 headings; tenure has renting as code 4.
    let ethnicity = labels(&q, "ETHNICITY");
    assert_eq!(ethnicity.len(), 19);
    let headings: BTreeSet<&str> = ethnicity
        .iter()
        .filter_map(|(_, label)| label.split(':').next())
        .collect();
    assert_eq!(headings.len(), 5, "{headings:?}");
    assert_eq!(ethnicity[2].1, "Asian or Asian British: Bangladeshi");
    assert_eq!(labels(&q, "TENURE")[3], (4, "Rent".to_owned()));
    let ages = labels(&q, "AGE_BAND");
    assert_eq!(ages[0], (1, "16 to 19".to_owned()));
    assert_eq!(ages[1], (2, "20 to 24".to_owned()));
}

#[test]
fn every_question_kind_is_used_as_intended() {
    let q = shared();
    let mut kinds = BTreeSet::new();
    for (_, question) in q.questions() {
        kinds.insert(match &question.kind {
            QuestionKind::Consent => "consent",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::SingleChoice { .. } => "single_choice",
            QuestionKind::MultipleChoice { .. } => "multiple_choice",
            QuestionKind::Ordered { .. } => "ordered",
            QuestionKind::Rating { .. } => "rating",
            QuestionKind::Number { .. } => "number",
            QuestionKind::Text { long: false, .. } => "short text",
            QuestionKind::Text { long: true, .. } => "long text",
            QuestionKind::Notice => "notice",
        });
        // Free text always reminds the worker not to write personal details.
        if let QuestionKind::Text { .. } = question.kind {
            let en = &q.languages[0].code;
            let help = question.help.as_ref().map(|h| h.get(en, en)).unwrap_or("");
            assert!(
                help.contains("Do not write names, addresses"),
                "{}: {help}",
                question.code
            );
        }
    }
    assert_eq!(kinds.len(), 10, "{kinds:?}");

    let multiple = |code: &str| match &question(&q, code).kind {
        QuestionKind::MultipleChoice {
            options,
            max_selections,
        } => (options.clone(), *max_selections),
        other => panic!("{code} is {other:?}"),
    };
    let (housing, max) = multiple("HOUSING_PROBLEMS");
    assert_eq!(max, Some(5));
    let exclusive: Vec<u16> = housing
        .iter()
        .filter(|o| o.exclusive)
        .map(|o| o.code)
        .collect();
    assert_eq!(exclusive, [9], "'None of these' stands alone");
    assert_eq!(multiple("TRAINING_TYPE").1, Some(3));

    let range = |code: &str| match question(&q, code).kind {
        QuestionKind::Number { min, max } => (min, max),
        ref other => panic!("{code} is {other:?}"),
    };
    assert_eq!(range("HOUSEHOLD_ADULTS"), (1, 20));
    assert_eq!(range("HOUSEHOLD_CHILDREN"), (0, 20));
    assert_eq!(range("BEDROOMS"), (0, 15));
    assert_eq!(range("YEARS_IN_AREA"), (0, 100));
}

#[test]
fn required_and_non_substantive_answers_follow_the_rules() {
    let q = shared();
    for code in ["CONSENT", "AGE_16_PLUS"] {
        let question = question(&q, code);
        assert!(question.required, "{code}");
        assert!(question.allow.is_empty(), "{code}");
    }
    let about = q
        .sections
        .iter()
        .find(|s| s.id == "about_you")
        .expect("about_you section");
    for question in &about.questions {
        assert!(!question.required, "{} must be optional", question.code);
        assert!(
            question.allow.contains(&NonSubstantive::PreferNotToSay),
            "{} must offer prefer not to say",
            question.code
        );
    }
    // The core sections: every question that takes an answer is required (free text
    // aside) and offers "prefer not to say", because any question can be skipped.
    for section in &q.sections[1..q.sections.len() - 1] {
        for question in &section.questions {
            match question.kind {
                QuestionKind::Notice | QuestionKind::Text { .. } => continue,
                _ => {}
            }
            assert!(question.required, "{} should be required", question.code);
            assert!(
                question.allow.contains(&NonSubstantive::PreferNotToSay),
                "{}",
                question.code
            );
        }
    }
    // The age band drives skip logic, so the worker must ask it (it may be declined).
    let age_band = question(&q, "AGE_BAND");
    assert!(age_band.required);
    assert_eq!(age_band.allow, [NonSubstantive::PreferNotToSay]);
    // Measures with a "don't know" keep it.
    for code in [
        "AREA_SATISFACTION",
        "BELONGING",
        "DIFFERENT_BACKGROUNDS",
        "INFLUENCE_DECISIONS",
        "SAFE_AFTER_DARK",
        "ASB_DRUGS",
        "POLICE_COUNCIL_DEALING",
        "TREATED_RESPECT",
    ] {
        assert!(
            question(&q, code).allow.contains(&NonSubstantive::DontKnow),
            "{code}"
        );
    }
}

#[test]
fn skip_logic_asks_the_landlord_only_of_renters() {
    let q = shared();
    for tenure in 1..=5 {
        let a = answers(&[
            ("CONSENT", Answer::Choice(YES)),
            ("TENURE", Answer::Choice(tenure)),
        ]);
        assert_eq!(shown(&q, &a, "LANDLORD"), tenure == 4, "tenure {tenure}");
    }
    let a = answers(&[
        ("CONSENT", Answer::Choice(YES)),
        ("TENURE", Answer::DontKnow),
    ]);
    assert!(!shown(&q, &a, "LANDLORD"));
}

#[test]
fn skip_logic_asks_about_education_only_at_16_to_24() {
    let q = shared();
    let with_age = |band: Answer| {
        answers(&[
            ("CONSENT", Answer::Choice(YES)),
            ("AGE_16_PLUS", Answer::Choice(YES)),
            ("AGE_BAND", band),
        ])
    };
    for band in 1..=15 {
        assert_eq!(
            shown(&q, &with_age(Answer::Choice(band)), "IN_EDUCATION_TRAINING"),
            band <= 2,
            "age band {band}"
        );
    }
    assert!(!shown(
        &q,
        &with_age(Answer::PreferNotToSay),
        "IN_EDUCATION_TRAINING"
    ));
}

#[test]
fn skip_logic_signposts_debt_advice_only_to_those_behind_on_payments() {
    let q = shared();
    let with = |behind: Answer| {
        answers(&[
            ("CONSENT", Answer::Choice(YES)),
            ("BEHIND_PAYMENTS", behind),
        ])
    };
    assert!(shown(&q, &with(Answer::Choice(YES)), "DEBT_ADVICE_NOTICE"));
    assert!(!shown(&q, &with(Answer::Choice(NO)), "DEBT_ADVICE_NOTICE"));
    assert!(!shown(
        &q,
        &with(Answer::PreferNotToSay),
        "DEBT_ADVICE_NOTICE"
    ));
    let notice = question(&q, "DEBT_ADVICE_NOTICE");
    assert_eq!(notice.kind, QuestionKind::Notice);
    let en = &q.languages[0].code;
    assert!(notice.text.get(en, en).contains("Citizens Advice"));
}

#[test]
fn skip_logic_follows_up_conditions_training_and_age() {
    let q = shared();
    let yes = |code: &'static str| {
        answers(&[
            ("CONSENT", Answer::Choice(YES)),
            (code, Answer::Choice(YES)),
        ])
    };
    let no = |code: &'static str| {
        answers(&[("CONSENT", Answer::Choice(YES)), (code, Answer::Choice(NO))])
    };
    assert!(shown(&q, &yes("LONG_TERM_CONDITION"), "CONDITION_LIMITS"));
    assert!(!shown(&q, &no("LONG_TERM_CONDITION"), "CONDITION_LIMITS"));
    assert!(shown(&q, &yes("TRAINING_INTEREST"), "TRAINING_TYPE"));
    assert!(!shown(&q, &no("TRAINING_INTEREST"), "TRAINING_TYPE"));
    // Under 16: the notice, and no age band.
    assert!(shown(&q, &no("AGE_16_PLUS"), "UNDER_16_NOTICE"));
    assert!(!shown(&q, &no("AGE_16_PLUS"), "AGE_BAND"));
    assert!(!shown(&q, &yes("AGE_16_PLUS"), "UNDER_16_NOTICE"));
    assert!(shown(&q, &yes("AGE_16_PLUS"), "AGE_BAND"));
}

/// A plausible answer to every question the engine shows, in order.
fn answer_everything(q: &Questionnaire, mut answers: Answers, pick_last: bool) -> Answers {
    for (_, question) in q.questions() {
        if answers.contains_key(&question.code) || !engine::is_shown(q, question, &answers) {
            continue;
        }
        let options = q.options(question);
        let pick = if pick_last {
            options.last()
        } else {
            options.first()
        };
        let answer = match &question.kind {
            QuestionKind::Notice => continue,
            QuestionKind::Consent | QuestionKind::YesNo => Answer::Choice(YES),
            QuestionKind::SingleChoice { .. } | QuestionKind::Ordered { .. } => {
                Answer::Choice(pick.map(|o| o.code).expect("options"))
            }
            QuestionKind::MultipleChoice { .. } => {
                Answer::Choices(vec![pick.map(|o| o.code).expect("options")])
            }
            QuestionKind::Rating { .. } => Answer::Number(7),
            QuestionKind::Number { min, .. } => Answer::Number((*min).max(1)),
            QuestionKind::Text { .. } => Answer::Text("More benches in the park".to_owned()),
        };
        answers.insert(question.code.clone(), answer);
    }
    answers
}

#[test]
fn a_whole_interview_completes_in_the_engine() {
    let q = shared();
    // A young renter: every follow-up shown.
    let start = answers(&[
        ("CONSENT", Answer::Choice(YES)),
        ("AGE_16_PLUS", Answer::Choice(YES)),
        ("AGE_BAND", Answer::Choice(2)),
        ("TENURE", Answer::Choice(4)),
    ]);
    let all = answer_everything(&q, start, false);
    assert_eq!(engine::can_complete(&q, &all), Ok(()));
    let kept = engine::completed_answers(&q, &all).expect("completes");
    let visible = engine::visible_questions(&q, &all);
    println!(
        "young renter with every follow-up: {} questions shown, {} answers kept",
        visible.len(),
        kept.len()
    );
    for code in [
        "LANDLORD",
        "IN_EDUCATION_TRAINING",
        "CONDITION_LIMITS",
        "TRAINING_TYPE",
    ] {
        assert!(kept.contains_key(&QuestionCode::from(code)), "{code}");
    }
    assert!(visible
        .iter()
        .any(|question| question.code.as_str() == "DEBT_ADVICE_NOTICE"));
    assert!((50..=65).contains(&visible.len()));

    // An older owner who says no to the follow-ups sees fewer questions.
    let start = answers(&[
        ("CONSENT", Answer::Choice(YES)),
        ("AGE_16_PLUS", Answer::Choice(YES)),
        ("AGE_BAND", Answer::Choice(12)),
        ("TENURE", Answer::Choice(1)),
        ("LONG_TERM_CONDITION", Answer::Choice(NO)),
        ("BEHIND_PAYMENTS", Answer::Choice(NO)),
        ("TRAINING_INTEREST", Answer::Choice(NO)),
    ]);
    let all = answer_everything(&q, start, true);
    assert_eq!(engine::can_complete(&q, &all), Ok(()));
    let visible = engine::visible_questions(&q, &all);
    println!(
        "older owner, no follow-ups: {} questions shown",
        visible.len()
    );
    assert!(visible.len() < q.questions().count());

    // Only the required answers, with "prefer not to say" wherever it is offered.
    let mut minimal = answers(&[
        ("CONSENT", Answer::Choice(YES)),
        ("AGE_16_PLUS", Answer::Choice(YES)),
    ]);
    for (_, question) in q.questions() {
        if question.required
            && !minimal.contains_key(&question.code)
            && question.allow.contains(&NonSubstantive::PreferNotToSay)
        {
            minimal.insert(question.code.clone(), Answer::PreferNotToSay);
        }
    }
    assert_eq!(engine::can_complete(&q, &minimal), Ok(()));
}

/// The condition examples in the partners' guide are real conditions.
#[test]
fn the_readme_conditions_parse() {
    let readme = include_str!("../README.md");
    let mut parsed = 0;
    for line in readme.lines().filter(|line| line.starts_with("| `")) {
        let Some(example) = line.split('`').nth(3) else {
            continue;
        };
        if !example.starts_with('{') || example.contains('…') {
            continue;
        }
        let condition: Result<survey::Condition, _> = serde_json::from_str(example);
        assert!(condition.is_ok(), "README example {example}: {condition:?}");
        parsed += 1;
    }
    assert_eq!(parsed, 6, "the equals … not examples");
}

#[test]
fn a_resident_under_16_ends_the_interview_with_no_response() {
    let q = shared();
    let answers = answers(&[
        ("CONSENT", Answer::Choice(YES)),
        ("AGE_16_PLUS", Answer::Choice(survey::NO)),
    ]);
    // The notice is the last thing shown: nothing else of the questionnaire is asked.
    let asked: Vec<&str> = engine::visible_questions(&q, &answers)
        .iter()
        .map(|question| question.code.as_str())
        .collect();
    assert_eq!(asked, ["CONSENT", "AGE_16_PLUS", "UNDER_16_NOTICE"]);
    assert_eq!(
        engine::next_section(&q, &answers, 0),
        Ok(engine::Next::Ended(engine::EndReason::NotEligible))
    );
    // The screen says so before "next" is pressed.
    assert_eq!(
        engine::ends_early(&q, &answers),
        Some(engine::EndReason::NotEligible)
    );
    assert_eq!(
        engine::can_complete(&q, &answers),
        Err(engine::Incomplete::NotEligible)
    );
    // Correcting the answer brings the interview back.
    let corrected = answers_with(&answers, "AGE_16_PLUS", Answer::Choice(YES));
    assert!(!engine::not_eligible(&q, &corrected));
    assert!(shown(&q, &corrected, "AGE_BAND"));
}

fn answers_with(answers: &Answers, code: &str, answer: Answer) -> Answers {
    let mut answers = answers.clone();
    answers.insert(code.into(), answer);
    answers
}

/// The figure that matters on a tablet: a long interview of the shared questionnaire (a
/// young renter, every follow-up asked, several options ticked, a full sentence in every
/// text box) as stored. At least 3,000 must fit in 5 MB.
#[test]
fn three_thousand_long_interviews_fit_in_five_megabytes() {
    use survey::record::{Assignment, QuestionnaireRef, Response, ResponseId, Timestamp};
    const CHROMIUM_QUOTA_CHARS: usize = 5_242_879; // measured in the browser tests
    const KEY_CHARS: usize = 57; // doorstep/v1/response/<uuid>

    let q = shared();
    let start = answers(&[
        ("CONSENT", Answer::Choice(YES)),
        ("AGE_16_PLUS", Answer::Choice(YES)),
        ("AGE_BAND", Answer::Choice(2)),
        ("TENURE", Answer::Choice(4)),
    ]);
    let mut all = answer_everything(&q, start, false);
    for (_, question) in q.questions() {
        let long = match &question.kind {
            QuestionKind::MultipleChoice { max_selections, .. } => {
                let take = max_selections.map_or(3, |max| usize::from(max).min(3));
                let codes: Vec<u16> = q
                    .options(question)
                    .iter()
                    .filter(|option| !option.exclusive)
                    .take(take)
                    .map(|option| option.code)
                    .collect();
                Some(Answer::Choices(codes))
            }
            QuestionKind::Text { max_length, .. } => Some(Answer::Text(
                "Parkta daha çok bank ve akşamları açık bir gençlik merkezi olsa çok iyi olur"
                    .chars()
                    .take(*max_length as usize)
                    .collect(),
            )),
            _ => None,
        };
        if let (Some(answer), true) = (long, all.contains_key(&question.code)) {
            all.insert(question.code.clone(), answer);
        }
    }
    let kept = engine::completed_answers(&q, &all).expect("completes");
    let assignment = Assignment {
        worker: "W0123".into(),
        agency: "hackney-council".into(),
        device: "Tablet 07".into(),
        area: q.areas[0].code.as_str().into(),
    };
    let mut response = Response::start(
        ResponseId::from_random_bytes([9; 16]),
        QuestionnaireRef::of(&q),
        &assignment,
        survey::LanguageCode("tr".into()),
        Timestamp(1_790_000_000_000),
    );
    response.answers = kept;
    response
        .complete(Timestamp(1_790_000_900_000))
        .expect("complete");
    let json = serde_json::to_string(&response).expect("encode");
    let bytes = json.len();
    let chars = json.encode_utf16().count();
    println!(
        "a long complete interview of {} v{} ({} answers): {bytes} bytes; 5,000,000 bytes \
         hold {} of them; Chromium's LocalStorage ({CHROMIUM_QUOTA_CHARS} characters) holds {}",
        q.id,
        q.version,
        response.answers.len(),
        5_000_000 / bytes,
        CHROMIUM_QUOTA_CHARS / (chars + KEY_CHARS),
    );
    assert!(3000 * bytes <= 5_000_000, "{bytes} bytes per response");
}
