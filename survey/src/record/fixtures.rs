//! Test fixtures shared by this crate's unit tests: a small questionnaire covering every
//! question kind, and responses.

use super::*;

/// The fixture questionnaire (`tests/fixtures/questionnaire.json`, also used by the
/// integration tests and the example).
pub(crate) fn questionnaire() -> Questionnaire {
    serde_json::from_str(include_str!("../../tests/fixtures/questionnaire.json")).unwrap()
}

pub(crate) fn assignment() -> Assignment {
    Assignment {
        worker: "W012".into(),
        agency: "hackney-cvs".into(),
        device: "tablet-07".into(),
        area: "E05009367".into(),
    }
}

pub(crate) fn id(n: u128) -> ResponseId {
    ResponseId(Uuid::from_u128(
        0x0000_0000_0000_4000_8000_0000_0000_0000 | n,
    ))
}

/// A small complete response to the fixture questionnaire (pinned by the golden test).
pub(crate) fn small_response() -> Response {
    let mut response = Response::start(
        id(1),
        QuestionnaireRef {
            id: "fixture-qol".into(),
            version: 3,
        },
        &assignment(),
        LanguageCode("tr".into()),
        Timestamp(1_714_555_800_000),
    );
    let at = Timestamp(1_714_556_000_000);
    for (code, answer) in [
        ("CONSENT", Answer::Choice(1)),
        ("SAFE_DARK", Answer::DontKnow),
        ("LIFE_SATISFACTION", Answer::Number(7)),
        ("HOUSING_PROBLEMS", Answer::Choices(vec![1, 3])),
        ("TRAINING_COMMENT", Answer::Text("Kurs, \"akşam\"".into())),
    ] {
        response.set_answer(code.into(), answer, at).unwrap();
    }
    response.complete(Timestamp(1_714_556_400_000)).unwrap();
    response
}

/// Question codes answered in a full-length interview (the shared questionnaire's themes:
/// 57 questions, of which two are asked only after a skip condition — illness limits,
/// in education — and left out here, giving 55 answers), with the kind of answer each takes: `c` choice (with the number of
/// options), `m` multiple choice, `n` number (max), `t` text.
const FULL_LENGTH: &[(&str, char, i64)] = &[
    ("CONSENT", 'c', 2),
    ("AREA_SATISFACTION", 'c', 5),
    ("BELONGING", 'c', 4),
    ("GET_ON_WELL", 'c', 5),
    ("INFLUENCE", 'c', 4),
    ("TRUST_NEIGHBOURS", 'c', 5),
    ("SAFE_DARK", 'c', 5),
    ("SAFE_DAY", 'c', 5),
    ("WORRY_CRIME", 'c', 4),
    ("ASB_NOISE", 'c', 4),
    ("ASB_TEENAGERS", 'c', 4),
    ("ASB_LITTER", 'c', 4),
    ("ASB_VANDALISM", 'c', 4),
    ("ASB_DRUGS", 'c', 4),
    ("ASB_DRUNK", 'c', 4),
    ("ASB_CARS", 'c', 4),
    ("POLICE_DEAL", 'c', 5),
    ("GENERAL_HEALTH", 'c', 5),
    ("LONG_ILLNESS", 'c', 2),
    ("LIFE_SATISFACTION", 'n', 10),
    ("WORTHWHILE", 'n', 10),
    ("HAPPY_YESTERDAY", 'n', 10),
    ("ANXIOUS_YESTERDAY", 'n', 10),
    ("LONELY", 'c', 5),
    ("GP_ACCESS", 'c', 3),
    ("CARER", 'c', 2),
    ("HOUSING_COST_WORRY", 'c', 4),
    ("HOUSING_PROBLEMS", 'm', 5),
    ("TENURE", 'c', 5),
    ("LANDLORD", 'c', 3),
    ("ADULTS", 'n', 12),
    ("CHILDREN", 'n', 12),
    ("BEDROOMS", 'n', 8),
    ("KEEP_WARM", 'c', 5),
    ("BILLS_BURDEN", 'c', 3),
    ("BEHIND_PAYMENTS", 'c', 2),
    ("ECONOMIC_ACTIVITY", 'c', 8),
    ("TRAINING_INTEREST", 'c', 2),
    ("TRAINING_WHICH", 'm', 7),
    ("TRAINING_COMMENT", 't', 60),
    ("VOLUNTEERING", 'c', 3),
    ("ADVICE_MONEY", 'c', 3),
    ("ADVICE_HOUSING", 'c', 3),
    ("ADVICE_HEALTH", 'c', 3),
    ("SERVICES_HEARD", 'm', 9),
    ("PARKS_USE", 'c', 5),
    ("GREEN_ACTION", 'm', 6),
    ("FAIR_TREATMENT", 'c', 5),
    ("AGE_BAND", 'c', 14),
    ("SEX", 'c', 2),
    ("GENDER_SAME", 'c', 2),
    ("ETHNICITY", 'c', 19),
    ("MAIN_LANGUAGE", 'c', 12),
    ("YEARS_IN_AREA", 'n', 80),
    ("AREA_COMMENT", 't', 90),
];

/// A realistic complete interview of full length: every question answered, a few with
/// "don't know" / "prefer not to say", multiple choices with two or three options, two
/// free-text answers in Turkish of 60 and 90 characters. `seed` varies the choices.
pub(crate) fn complete_response(seed: u64) -> Response {
    let mut response = Response::start(
        id(u128::from(seed) + 100),
        QuestionnaireRef {
            id: "doorstep-qol".into(),
            version: 1,
        },
        &assignment(),
        LanguageCode("tr".into()),
        Timestamp(1_714_555_800_000),
    );
    response.visit = Some(VisitId(Uuid::from_u128(
        0x0000_0000_0000_4000_8000_0000_0000_0000 | 77,
    )));
    let text =
        "Bilgisayar kursu ve İngilizce dersi, akşamları çocuklar uyurken olursa çok iyi olur.";
    for (index, &(code, kind, size)) in FULL_LENGTH.iter().enumerate() {
        let pick = (seed.wrapping_mul(31).wrapping_add(index as u64 * 17)) as i64;
        let answer = match (kind, index % 11) {
            (_, 5) if index > 1 => Answer::DontKnow,
            (_, 9) => Answer::PreferNotToSay,
            ('c', _) => Answer::Choice((pick % size + 1) as u16),
            ('m', _) => Answer::Choices(vec![1, (pick % (size - 1) + 2) as u16]),
            ('n', _) => Answer::Number(pick % (size + 1)),
            _ => Answer::Text(text.chars().take(size as usize).collect()),
        };
        response
            .set_answer(code.into(), answer, Timestamp(1_714_556_000_000))
            .unwrap();
    }
    response.complete(Timestamp(1_714_556_700_000)).unwrap();
    response
}
