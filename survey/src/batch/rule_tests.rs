//! The rules of sense, one test each: a valid sample batch of the shared questionnaire,
//! edited to break one rule only and sealed again with a correct checksum (as someone
//! who knows the format would), must be refused naming the response, the question and
//! the rule; the edge of each rule is accepted.

use super::*;
use crate::answer::Answer;
use crate::questionnaire::LanguageCode;
use crate::record::VisitOutcome;

/// When the sample batch arrives: when it was made (`sample::batch`).
const RECEIVED: Timestamp = Timestamp(1_714_600_000_000);

fn shared() -> Questionnaire {
    crate::shipped::shared_questionnaire().unwrap()
}

/// Three sample interviews and their visits, by worker W012 of hackney-cvs.
fn sample() -> Batch {
    crate::sample::batch(&shared(), 1, 0..3).unwrap()
}

/// The verdict on `batch` once sealed again.
fn verdict(batch: &mut Batch) -> Result<Batch, BatchError> {
    batch.checksum = batch.compute_checksum().unwrap();
    parse_and_verify(batch.to_json().unwrap().as_bytes(), &shared(), RECEIVED)
}

/// Asserts that `batch` is refused for `rule`, naming `response` and `question`, and
/// returns the error.
#[track_caller]
fn refused(
    batch: &mut Batch,
    response: Option<ResponseId>,
    question: Option<&str>,
    rule: &str,
) -> BatchError {
    let error = verdict(batch).unwrap_err();
    assert_eq!(error.rule(), rule, "{error:?}");
    assert_eq!(error.response(), response, "{error:?}");
    assert_eq!(
        error.question().map(QuestionCode::as_str),
        question,
        "{error:?}"
    );
    error
}

#[track_caller]
fn accepted(batch: &mut Batch) {
    let verdict = verdict(batch);
    assert!(verdict.is_ok(), "{verdict:?}");
}

#[test]
fn the_sample_is_accepted() {
    accepted(&mut sample());
}

#[test]
fn valid_samples_of_every_shipped_questionnaire_in_every_language_verify() {
    for questionnaire in crate::shipped::shipped_questionnaires().unwrap() {
        let count = questionnaire.languages.len() * 4;
        let batch = crate::sample::batch(&questionnaire, 5, 0..count).unwrap();
        let languages: BTreeSet<&LanguageCode> =
            batch.responses.iter().map(|r| &r.language).collect();
        assert_eq!(languages.len(), questionnaire.languages.len());
        let received = batch
            .responses
            .iter()
            .filter_map(|r| r.completed)
            .chain([batch.created])
            .max()
            .unwrap();
        let json = batch.to_json().unwrap();
        assert_eq!(
            parse_and_verify(json.as_bytes(), &questionnaire, received),
            Ok(batch)
        );
    }
}

// 1. Codes checked against the questionnaire.

#[test]
fn a_response_in_an_area_not_of_the_questionnaire_is_refused() {
    let mut batch = sample();
    batch.responses[1].area = "E09000012".into();
    let id = batch.responses[1].id;
    let error = refused(&mut batch, Some(id), None, "unknown_area");
    assert!(
        error.to_string().contains("E09000012"),
        "a code may be named: {error}"
    );
}

#[test]
fn a_visit_in_an_area_not_of_the_questionnaire_is_refused() {
    let mut batch = sample();
    batch.visits[2].area = "E09000012".into();
    let error = refused(&mut batch, None, None, "unknown_area");
    assert!(matches!(
        error,
        BatchError::Code {
            place: Place::Visit { index: 2, .. },
            ..
        }
    ));
}

#[test]
fn a_response_of_an_agency_not_of_the_questionnaire_is_refused() {
    let mut batch = sample();
    batch.responses[0].agency = "acme-surveys".into();
    let id = batch.responses[0].id;
    refused(&mut batch, Some(id), None, "unknown_agency");
}

#[test]
fn a_batch_of_an_agency_not_of_the_questionnaire_is_refused() {
    let mut batch = sample();
    batch.agency = "acme-surveys".into();
    for response in &mut batch.responses {
        response.agency = "acme-surveys".into();
    }
    refused(&mut batch, None, None, "unknown_agency");
}

#[test]
fn a_response_in_a_language_not_of_the_questionnaire_is_refused() {
    let mut batch = sample();
    batch.responses[2].language = LanguageCode("fr".into());
    let id = batch.responses[2].id;
    refused(&mut batch, Some(id), None, "unknown_language");
}

// 2. The batch's assignment.

#[test]
fn a_response_of_another_agency_than_the_batchs_is_refused() {
    let mut batch = sample();
    // Another agency of the questionnaire: only the batch's own may be in it.
    batch.responses[1].agency = "met-police".into();
    let id = batch.responses[1].id;
    refused(&mut batch, Some(id), None, "not_the_batch_agency");
}

#[test]
fn a_response_of_another_worker_than_the_batchs_is_refused() {
    let mut batch = sample();
    batch.responses[2].worker = "W013".into();
    let id = batch.responses[2].id;
    refused(&mut batch, Some(id), None, "not_the_batch_worker");
}

// 3. Times against sense.

#[test]
fn completed_before_started_is_refused() {
    let mut batch = sample();
    let response = &mut batch.responses[0];
    response.completed = Some(Timestamp(response.started.0 - 1));
    let id = response.id;
    refused(&mut batch, Some(id), None, "completed_before_started");
    // Completed the moment it started: odd, not impossible.
    let mut batch = sample();
    let response = &mut batch.responses[0];
    response.completed = Some(response.started);
    accepted(&mut batch);
}

#[test]
fn updated_before_started_is_refused() {
    let mut batch = sample();
    let response = &mut batch.responses[1];
    response.updated = Timestamp(response.started.0 - 60_000);
    let id = response.id;
    refused(&mut batch, Some(id), None, "updated_before_started");
}

#[test]
fn a_time_more_than_a_day_after_the_batch_arrived_is_refused() {
    let latest = Timestamp(RECEIVED.0 + FUTURE_MARGIN_MS);
    type Edit = fn(&mut Batch, Timestamp);
    let edits: [(&str, Edit); 4] = [
        ("started", |b, t| {
            b.responses[0].started = t;
            b.responses[0].completed = Some(t);
            b.responses[0].updated = t;
        }),
        ("completed", |b, t| {
            b.responses[0].completed = Some(t);
            b.responses[0].updated = t;
        }),
        ("updated", |b, t| b.responses[0].updated = t),
        ("created", |b, t| b.created = t),
    ];
    for (which, edit) in edits {
        let mut batch = sample();
        edit(&mut batch, latest);
        accepted(&mut batch);
        let mut batch = sample();
        edit(&mut batch, Timestamp(latest.0 + 1));
        let response = (which != "created").then_some(batch.responses[0].id);
        let error = refused(&mut batch, response, None, "time_in_the_future");
        assert!(error.to_string().contains(which), "{error}");
    }
    let mut batch = sample();
    batch.visits[1].time = Timestamp(latest.0 + 1);
    refused(&mut batch, None, None, "time_in_the_future");
}

#[test]
fn a_time_before_2020_is_a_reset_clock_and_refused() {
    let mut batch = sample();
    batch.visits[0].time = Timestamp(0);
    refused(&mut batch, None, None, "time_too_early");

    let mut batch = sample();
    batch.visits[0].time = EARLIEST;
    accepted(&mut batch);

    let mut batch = sample();
    let response = &mut batch.responses[2];
    // 2000-01-01, a firmware's default: the whole interview on a reset clock.
    response.started = Timestamp(946_684_800_000);
    response.completed = Some(Timestamp(946_685_700_000));
    response.updated = Timestamp(946_685_700_000);
    let id = response.id;
    let error = refused(&mut batch, Some(id), None, "time_too_early");
    assert!(
        error.to_string().contains("2000-01-01T00:00:00Z"),
        "{error}"
    );

    let mut batch = sample();
    batch.created = Timestamp(EARLIEST.0 - 1);
    refused(&mut batch, None, None, "time_too_early");
}

#[test]
fn times_at_the_ends_of_an_i64_are_refused_not_a_panic() {
    for time in [i64::MIN, i64::MAX] {
        let mut batch = sample();
        batch.visits[0].time = Timestamp(time);
        let error = verdict(&mut batch).unwrap_err();
        assert!(error.rule().starts_with("time_"), "{error}");
        let mut batch = sample();
        batch.created = Timestamp(time);
        assert!(verdict(&mut batch).is_err());
    }
    // A collector clock at the end of time accepts what it can.
    let batch = sample();
    let json = batch.to_json().unwrap();
    assert!(parse_and_verify(json.as_bytes(), &shared(), Timestamp(i64::MAX)).is_ok());
}

// 4. Lengths and characters.

fn set_worker(batch: &mut Batch, worker: &str) {
    batch.worker = worker.into();
    for response in &mut batch.responses {
        response.worker = worker.into();
    }
}

#[test]
fn a_worker_code_longer_than_set_up_allows_is_refused() {
    let mut batch = sample();
    set_worker(&mut batch, "W0123456789ABCDE");
    accepted(&mut batch);
    let mut batch = sample();
    set_worker(&mut batch, "W0123456789ABCDEF");
    refused(&mut batch, None, None, "code_too_long");
}

#[test]
fn a_worker_code_of_other_characters_than_set_up_allows_is_refused() {
    for worker in ["Jane Smith", "W012;", "Ü012", "W_012"] {
        let mut batch = sample();
        set_worker(&mut batch, worker);
        refused(&mut batch, None, None, "code_characters");
    }
    let mut batch = sample();
    set_worker(&mut batch, "w-12");
    accepted(&mut batch);
    let mut batch = sample();
    set_worker(&mut batch, "");
    refused(&mut batch, None, None, "empty_code");
}

#[test]
fn a_device_name_longer_than_set_up_allows_is_refused() {
    let mut batch = sample();
    batch.responses[1].device = "ş".repeat(40).as_str().into();
    accepted(&mut batch);
    let mut batch = sample();
    batch.responses[1].device = "ş".repeat(41).as_str().into();
    let id = batch.responses[1].id;
    refused(&mut batch, Some(id), None, "code_too_long");
    let mut batch = sample();
    batch.device = "x".repeat(41).as_str().into();
    refused(&mut batch, None, None, "code_too_long");
    let mut batch = sample();
    batch.device = "".into();
    refused(&mut batch, None, None, "empty_code");
}

#[test]
fn a_control_character_in_a_code_is_refused() {
    for code in [
        "tablet\u{0}07",
        "tablet 07\n",
        "\u{1b}[31mtablet",
        "tab\u{85}let",
    ] {
        let mut batch = sample();
        batch.responses[0].device = code.into();
        let id = batch.responses[0].id;
        let error = refused(&mut batch, Some(id), None, "control_character");
        let shown = error.to_string();
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
    }
    let mut batch = sample();
    batch.device = "tablet\t07".into();
    refused(&mut batch, None, None, "control_character");
    // Checked before the questionnaire's lists, so the rule says what is wrong.
    let mut batch = sample();
    batch.visits[0].area = "E05009367\r".into();
    refused(&mut batch, None, None, "control_character");
    let mut batch = sample();
    batch.responses[2].language = LanguageCode("en\u{0}".into());
    let id = batch.responses[2].id;
    refused(&mut batch, Some(id), None, "control_character");
}

#[test]
fn a_bidi_control_or_mark_in_a_code_is_refused() {
    for mark in [
        '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{61C}',
    ] {
        let mut batch = sample();
        batch.responses[0].device = format!("tablet{mark}07").as_str().into();
        let id = batch.responses[0].id;
        let error = refused(&mut batch, Some(id), None, "bidi_control");
        assert!(!error.to_string().contains(mark), "{error}");
        let mut batch = sample();
        batch.responses[1].area = format!("E05009367{mark}").as_str().into();
        let id = batch.responses[1].id;
        refused(&mut batch, Some(id), None, "bidi_control");
    }
    let mut batch = sample();
    batch.agency = "hackney-cvs\u{202E}".into();
    refused(&mut batch, None, None, "bidi_control");
}

#[test]
fn a_control_character_or_bidi_control_in_a_question_code_is_refused() {
    for (code, rule) in [
        ("AREA_ONE\u{0}THING", "control_character"),
        ("AREA_ONE_THING\u{202E}", "bidi_control"),
    ] {
        let mut batch = sample();
        batch.responses[0]
            .answers
            .insert(code.into(), Answer::Text("yes".into()));
        let id = batch.responses[0].id;
        let error = refused(&mut batch, Some(id), Some(&echo(code, ECHO_CHARS)), rule);
        assert!(!format!("{error:?}").contains(code), "{error:?}");
    }
}

/// The sample response `index` with its `AREA_ONE_THING` (text, at most 200
/// characters, always asked) answered `text`.
fn with_text(index: usize, text: &str) -> Batch {
    let mut batch = sample();
    batch.responses[index]
        .answers
        .insert("AREA_ONE_THING".into(), Answer::Text(text.into()));
    batch
}

#[test]
fn a_control_character_in_a_text_answer_is_refused() {
    for text in [
        "nul\u{0}here",
        "bell\u{7}",
        "esc\u{1b}[2J",
        "del\u{7f}",
        "nel\u{85}",
    ] {
        let mut batch = with_text(1, text);
        let id = batch.responses[1].id;
        refused(
            &mut batch,
            Some(id),
            Some("AREA_ONE_THING"),
            "control_character",
        );
    }
    accepted(&mut with_text(1, "tab\tand lines\nand\r\nmore"));
}

#[test]
fn a_bidi_control_in_a_text_answer_is_refused_and_a_mark_is_not() {
    for control in [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}',
    ] {
        let mut batch = with_text(2, &format!("safe {control}thgin ta"));
        let id = batch.responses[2].id;
        refused(&mut batch, Some(id), Some("AREA_ONE_THING"), "bidi_control");
    }
    // Right-to-left writing needs the marks.
    accepted(&mut with_text(2, "مرحبا\u{200F} 12\u{200E} \u{61C}"));
}

#[test]
fn the_text_length_check_stays() {
    accepted(&mut with_text(0, &"ş".repeat(200)));
    let mut batch = with_text(0, &"ş".repeat(201));
    let id = batch.responses[0].id;
    let error = refused(
        &mut batch,
        Some(id),
        Some("AREA_ONE_THING"),
        "answer_does_not_fit",
    );
    assert!(matches!(
        &error,
        BatchError::InvalidAnswers { problems, .. }
            if problems[0].1 == ResponseProblem::Answer(AnswerProblem::TooLong { length: 201, max: 200 })
    ));
}

// The rules the batch already had, now named.

#[test]
fn answers_that_do_not_fit_name_the_first_question_and_its_rule() {
    let mut batch = sample();
    batch.responses[1]
        .answers
        .insert("NO_SUCH_QUESTION".into(), Answer::Choice(1));
    let id = batch.responses[1].id;
    refused(
        &mut batch,
        Some(id),
        Some("NO_SUCH_QUESTION"),
        "unknown_question",
    );

    let mut batch = sample();
    batch.responses[0]
        .answers
        .insert("AREA_ONE_THING".into(), Answer::Choice(1));
    let id = batch.responses[0].id;
    refused(
        &mut batch,
        Some(id),
        Some("AREA_ONE_THING"),
        "answer_does_not_fit",
    );
}

#[test]
fn an_answer_to_a_question_not_asked_names_it() {
    let q = shared();
    // A question behind a condition that the sample's answers leave unmet.
    let batch = sample();
    let response = &batch.responses[0];
    let skipped = q
        .questions()
        .map(|(_, question)| question)
        .find(|question| {
            question.show_if.is_some()
                && question.kind != crate::questionnaire::QuestionKind::Notice
                && !crate::engine::is_shown(&q, question, &response.answers)
        })
        .unwrap()
        .code
        .clone();
    let mut batch = sample();
    batch.responses[0]
        .answers
        .insert(skipped.clone(), Answer::DontKnow);
    let id = batch.responses[0].id;
    refused(&mut batch, Some(id), Some(skipped.as_str()), "not_asked");
}

#[test]
fn an_unfinished_interview_names_the_question_left_unanswered() {
    let mut batch = sample();
    let response = &mut batch.responses[0];
    response
        .answers
        .remove(&QuestionCode::from("AREA_SATISFACTION"));
    let id = response.id;
    refused(&mut batch, Some(id), Some("AREA_SATISFACTION"), "required");
}

#[test]
fn whole_batch_rules_name_no_response() {
    let mut batch = sample();
    batch.count = 4;
    refused(&mut batch, None, None, "count_mismatch");
    let mut batch = sample();
    batch.visits[1].id = batch.visits[0].id;
    refused(&mut batch, None, None, "duplicate_visit");
    let mut batch = sample();
    batch.responses[1].id = batch.responses[0].id;
    let id = batch.responses[0].id;
    refused(&mut batch, Some(id), None, "duplicate_response");
    let mut batch = sample();
    batch.responses[2].status = ResponseStatus::Draft;
    let id = batch.responses[2].id;
    refused(&mut batch, Some(id), None, "not_complete");
    let mut batch = sample();
    batch.questionnaire.version = 7;
    for response in &mut batch.responses {
        response.questionnaire.version = 7;
    }
    refused(&mut batch, None, None, "unknown_questionnaire");
    let mut batch = sample();
    batch.responses[0].questionnaire.version = 7;
    let id = batch.responses[0].id;
    refused(&mut batch, Some(id), None, "not_the_batch_questionnaire");

    let json = sample().to_json().unwrap().replacen("W012", "W013", 1);
    let error = parse_and_verify(json.as_bytes(), &shared(), RECEIVED).unwrap_err();
    assert_eq!((error.rule(), error.response()), ("checksum", None));
}

// 5. No answer text in any error.

/// The sample as JSON, with `edit` applied to its value and sealed again.
fn edited_json(edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut value = serde_json::to_value(sample()).unwrap();
    edit(&mut value);
    let checksum = checksum_of_value(value.clone());
    value["checksum"] = Value::String(checksum);
    serde_json::to_vec_pretty(&value).unwrap()
}

#[test]
fn a_malformed_answer_is_named_by_response_question_and_place_not_by_its_text() {
    let batch = sample();
    let id = batch.responses[1].id;
    for answer in [
        serde_json::json!("I feel unsafe"),
        serde_json::json!({"I feel unsafe": 1}),
        serde_json::json!([1, "I feel unsafe"]),
        serde_json::json!({"n": "I feel unsafe"}),
    ] {
        let json = edited_json(|value| {
            value["responses"][1]["a"]["SAFE_DARK"] = answer.clone();
        });
        // What serde_json alone would have said.
        let message = serde_json::from_slice::<Batch>(&json)
            .unwrap_err()
            .to_string();
        assert!(message.contains("I feel unsafe"), "{message}");

        let error = parse_and_verify(&json, &shared(), RECEIVED).unwrap_err();
        assert_eq!(error.rule(), "malformed");
        assert_eq!(error.response(), Some(id));
        assert_eq!(
            error.question().map(QuestionCode::as_str),
            Some("SAFE_DARK")
        );
        let shown = error.to_string();
        let debug = format!("{error:?}");
        assert!(
            !shown.contains("unsafe") && !debug.contains("unsafe"),
            "{shown}"
        );
        assert!(shown.contains("SAFE_DARK") && shown.contains(&id.to_string()));
        let BatchError::Malformed { position, kind, .. } = error else {
            unreachable!()
        };
        assert_eq!(kind, MalformedKind::Shape);
        let position = position.unwrap();
        let line = std::str::from_utf8(&json)
            .unwrap()
            .lines()
            .nth(position.line - 1)
            .unwrap();
        assert!(line.contains("I feel unsafe"), "{position}: {line}");
    }
}

#[test]
fn a_malformed_response_whose_id_does_not_read_is_named_by_its_position() {
    let json = edited_json(|value| {
        value["responses"][2]["id"] = Value::from("unsafe at night");
    });
    let error = parse_and_verify(&json, &shared(), RECEIVED).unwrap_err();
    assert_eq!(
        error,
        BatchError::Malformed {
            place: Place::Response { index: 2, id: None },
            question: None,
            kind: MalformedKind::Shape,
            position: error_position(&json),
        }
    );
    assert!(error.to_string().contains("response number 3"), "{error}");
    assert!(!error.to_string().contains("unsafe"), "{error}");
}

fn error_position(json: &[u8]) -> Option<Position> {
    locate::position(&serde_json::from_slice::<Batch>(json).unwrap_err())
}

#[test]
fn a_malformed_visit_or_batch_member_is_named_by_its_place() {
    let json = edited_json(|value| value["visits"][1]["o"] = Value::from("unsafe at night"));
    let error = parse_and_verify(&json, &shared(), RECEIVED).unwrap_err();
    assert!(
        matches!(
            &error,
            BatchError::Malformed {
                place: Place::Visit {
                    index: 1,
                    id: Some(_)
                },
                question: None,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.to_string().contains("unsafe"), "{error}");

    let json = edited_json(|value| value["count"] = Value::from("unsafe at night"));
    let error = parse_and_verify(&json, &shared(), RECEIVED).unwrap_err();
    assert!(
        matches!(
            &error,
            BatchError::Malformed {
                place: Place::Batch,
                position: Some(_),
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!((error.rule(), error.response()), ("malformed", None));
    assert!(!error.to_string().contains("unsafe"), "{error}");
}

#[test]
fn json_that_does_not_parse_is_told_by_position_not_quoted() {
    for input in [
        &br#"{"format": "doorstep-batch", "a": "unsafe at night"#[..],
        br#"{"format": "doorstep-batch", "a": "unsafe at night" ]"#,
        b"{\"a\": \"unsafe at night\x01\"}",
    ] {
        let error = parse_and_verify(input, &shared(), RECEIVED).unwrap_err();
        assert_eq!(error.rule(), "not_a_batch");
        let shown = error.to_string();
        assert!(
            !shown.contains("unsafe") && shown.contains("line 1"),
            "{shown}"
        );
    }
}

#[test]
fn a_code_is_named_at_most_to_its_first_forty_characters() {
    let mut batch = sample();
    set_worker(&mut batch, &"W".repeat(1_000_000));
    let error = refused(&mut batch, None, None, "code_too_long");
    let shown = error.to_string();
    assert!(shown.len() < 300, "{} bytes", shown.len());
    assert!(
        shown.contains(&format!("{}…", "W".repeat(ECHO_CHARS))),
        "{shown}"
    );
    assert!(format!("{error:?}").len() < 400);

    let mut batch = sample();
    batch.responses[0]
        .answers
        .insert("Q".repeat(100_000).as_str().into(), Answer::Choice(1));
    let error = refused(
        &mut batch,
        Some(sample().responses[0].id),
        Some(&format!("{}…", "Q".repeat(ECHO_CHARS))),
        "unknown_question",
    );
    assert!(format!("{error:?}").len() < 400);

    // A declared checksum is cut too.
    let json = sample()
        .to_json()
        .unwrap()
        .replace(&sample().checksum, &"f".repeat(100_000));
    let error = parse_and_verify(json.as_bytes(), &shared(), RECEIVED).unwrap_err();
    assert!(error.to_string().len() < 300);
}

#[test]
fn every_rule_word_is_snake_case() {
    let words = [
        BatchError::TooLarge.rule(),
        BatchError::DuplicateVisit(VisitId::from_random_bytes([1; 16])).rule(),
        BatchError::Code {
            place: Place::Batch,
            field: CodeField::Device,
            code: String::new(),
            problem: CodeProblem::NotTheBatchs,
        }
        .rule(),
    ];
    for word in words {
        assert!(
            !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{word}"
        );
    }
}

#[test]
fn a_visit_of_any_outcome_in_the_batch_is_checked() {
    let mut batch = sample();
    batch.visits[0].outcome = VisitOutcome::Refused;
    batch.visits[0].area = "nowhere".into();
    let error = refused(&mut batch, None, None, "unknown_area");
    assert!(error.to_string().starts_with("visit "), "{error}");
}
