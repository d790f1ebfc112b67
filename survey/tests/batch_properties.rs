//! Properties of batches and CSV exports over random valid responses to the fixture
//! questionnaire (`tests/fixtures/questionnaire.json`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

use proptest::prelude::*;
use survey::answer::{check, Answer};
use survey::batch::{parse_and_verify, Batch, BatchError};
use survey::csv_export::{responses_csv, responses_header};
use survey::questionnaire::{LanguageCode, QuestionKind, Questionnaire};
use survey::record::{
    Assignment, BatchId, QuestionnaireRef, Response, ResponseId, Timestamp, VisitId, VisitOutcome,
    VisitOutcomeRecord,
};
use uuid::Uuid;

/// When the batches arrive: when they were made (`batch` below).
const RECEIVED: Timestamp = Timestamp(1_950_000_000_000);

fn questionnaire() -> Questionnaire {
    serde_json::from_str(include_str!("fixtures/questionnaire.json")).unwrap()
}

/// Random material for one response: a number per question and a text.
#[derive(Clone, Debug)]
struct Seed {
    numbers: Vec<u32>,
    text: String,
    started: i64,
    language: usize,
}

fn seeds(max: usize) -> impl Strategy<Value = Vec<Seed>> {
    let seed = (
        prop::collection::vec(any::<u32>(), 16),
        "[a-zA-Z0-9çğıİöşüÇĞÖŞÜ ,;\"'\\n\\t\\\\]{0,60}",
        1_600_000_000_000i64..1_900_000_000_000,
        0usize..3,
    )
        .prop_map(|(numbers, text, started, language)| Seed {
            numbers,
            text,
            started,
            language,
        });
    prop::collection::vec(seed, 0..max)
}

/// A finished interview: a valid answer (or none, where allowed) for each question asked,
/// chosen by the seed's numbers.
fn response(q: &Questionnaire, index: usize, seed: &Seed) -> Response {
    let assignment = Assignment {
        worker: "W012".into(),
        agency: "hackney-cvs".into(),
        device: "tablet-07".into(),
        area: q.areas[index % q.areas.len()].code.as_str().into(),
    };
    let language = q.languages[seed.language % q.languages.len()].code.clone();
    let id = ResponseId(Uuid::from_u128(
        0x0000_0000_0000_4000_8000_0000_0000_0000 | index as u128,
    ));
    let mut response = Response::start(
        id,
        QuestionnaireRef::of(q),
        &assignment,
        language,
        Timestamp(seed.started),
    );
    for (position, (_, question)) in q.questions().enumerate() {
        let r = seed.numbers[position % seed.numbers.len()];
        // A finished interview: consent given, every shown required question answered,
        // nothing answered that the engine would not have asked.
        let skip = r.is_multiple_of(7) && !question.required;
        if skip
            || question.kind == QuestionKind::Notice
            || !survey::engine::is_shown(q, question, &response.answers)
        {
            continue;
        }
        if question.kind == QuestionKind::Consent {
            response
                .answers
                .insert(question.code.clone(), Answer::Choice(survey::YES));
            continue;
        }
        let answer = if !question.allow.is_empty() && r.is_multiple_of(5) {
            Answer::from_non_substantive(question.allow[r as usize % question.allow.len()])
        } else {
            let options = q.options(question);
            match &question.kind {
                QuestionKind::MultipleChoice { .. } => {
                    let mut chosen: Vec<u16> = options
                        .iter()
                        .enumerate()
                        .filter(|(i, o)| !o.exclusive && (r >> i) & 1 == 1)
                        .map(|(_, o)| o.code)
                        .collect();
                    if chosen.is_empty() {
                        chosen.push(options[options.len() - 1].code);
                    }
                    Answer::Choices(chosen)
                }
                QuestionKind::Rating { .. } => Answer::Number(i64::from(r % 11)),
                QuestionKind::Number { min, max } => {
                    Answer::Number(min + i64::from(r) % (max - min + 1))
                }
                QuestionKind::Text { max_length, .. } => {
                    Answer::Text(seed.text.chars().take(*max_length as usize).collect())
                }
                _ => Answer::Choice(options[r as usize % options.len()].code),
            }
        };
        assert_eq!(check(q, question, Some(&answer)), Ok(()), "{answer:?}");
        response.answers.insert(question.code.clone(), answer);
    }
    response.updated = Timestamp(seed.started + 600_000);
    response
        .complete(Timestamp(seed.started + 900_000))
        .unwrap();
    response
}

fn batch(q: &Questionnaire, seeds: &[Seed]) -> Batch {
    let responses = seeds
        .iter()
        .enumerate()
        .map(|(index, seed)| response(q, index, seed))
        .collect();
    let visits = seeds
        .iter()
        .enumerate()
        .map(|(index, seed)| VisitOutcomeRecord {
            id: VisitId(Uuid::from_u128(
                0x0000_0000_0000_4000_8000_0001_0000_0000 | index as u128,
            )),
            time: Timestamp(seed.started - 1000),
            area: "E05009367".into(),
            outcome: VisitOutcome::ALL[index % VisitOutcome::ALL.len()],
            attempt: 1,
        })
        .collect();
    let assignment = Assignment {
        worker: "W012".into(),
        agency: "hackney-cvs".into(),
        device: "tablet-07".into(),
        area: "E05009367".into(),
    };
    Batch::new(
        BatchId(Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_00ff)),
        Timestamp(1_950_000_000_000),
        &assignment,
        QuestionnaireRef::of(q),
        responses,
        visits,
    )
    .unwrap()
}

/// Byte positions of ASCII letters and digits inside the answer maps (`"a":{…}`).
fn answer_positions(json: &[u8]) -> Vec<usize> {
    let mut positions = Vec::new();
    let marker = b"\"a\":{";
    let mut start = 0;
    while let Some(found) = json[start..]
        .windows(marker.len())
        .position(|w| w == marker)
    {
        let mut i = start + found + marker.len();
        let (mut depth, mut in_string, mut escaped) = (1usize, false, false);
        while depth > 0 && i < json.len() {
            let byte = json[i];
            if in_string {
                if escaped {
                    escaped = false;
                } else if byte == b'\\' {
                    escaped = true;
                } else if byte == b'"' {
                    in_string = false;
                }
            } else {
                match byte {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => depth -= 1,
                    _ => {}
                }
            }
            if byte.is_ascii_alphanumeric() {
                positions.push(i);
            }
            i += 1;
        }
        start = i;
    }
    positions
}

/// A tiny RFC 4180 reader honouring quotes.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty() && !quoted,
        "unterminated last line"
    );
    rows
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_batch_round_trips_through_json(seeds in seeds(6)) {
        let q = questionnaire();
        let batch = batch(&q, &seeds);
        let json = batch.to_json().unwrap();
        prop_assert_eq!(parse_and_verify(json.as_bytes(), &q, RECEIVED), Ok(batch));
    }

    #[test]
    fn changing_one_character_of_an_answer_is_detected(
        seeds in seeds(4),
        pick in any::<prop::sample::Index>(),
        shift in 1u8..9,
    ) {
        let q = questionnaire();
        let mut json = batch(&q, &seeds).to_json().unwrap().into_bytes();
        let positions = answer_positions(&json);
        prop_assume!(!positions.is_empty());
        let at = positions[pick.index(positions.len())];
        let byte = json[at];
        json[at] = match byte {
            b'0'..=b'9' => b'0' + (byte - b'0' + shift) % 10,
            b'a'..=b'z' => b'a' + (byte - b'a' + shift) % 26,
            _ => b'A' + (byte - b'A' + shift) % 26,
        };
        let result = parse_and_verify(&json, &q, RECEIVED);
        prop_assert!(result.is_err());
        if serde_json::from_slice::<serde_json::Value>(&json).is_ok() {
            prop_assert!(
                matches!(result, Err(BatchError::ChecksumMismatch { .. })),
                "{:?}", result
            );
        }
    }

    #[test]
    fn csv_has_a_row_per_response_and_equal_columns(seeds in seeds(8)) {
        let q = questionnaire();
        let batch = batch(&q, &seeds);
        let rows = parse_csv(&responses_csv(&q, &batch.responses));
        prop_assert_eq!(rows.len(), batch.responses.len() + 1);
        prop_assert_eq!(&rows[0], &responses_header(&q));
        for row in &rows {
            prop_assert_eq!(row.len(), rows[0].len());
        }
        for (row, response) in rows.iter().skip(1).zip(&batch.responses) {
            prop_assert_eq!(&row[0], &response.id.to_string());
        }
    }
}

#[test]
fn languages_of_the_fixture_are_used() {
    let q = questionnaire();
    assert_eq!(q.languages[1].code, LanguageCode("tr".into()));
}
