//! Whatever a resident said, and however a batch carries it wrong, the verifier's error
//! never repeats it: not in its words (which reach the tablet and the collector's log),
//! not in its `Debug`, not in the response, question and rule the collector puts in its
//! error body. Random text, "unsafe at night" among it, is placed as a malformed answer
//! or as an answer that does not fit, in a valid sample batch sealed again.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

use proptest::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};
use survey::batch::{canonical_json, parse_and_verify};
use survey::wire::{ErrorBody, ErrorCode};
use survey::{Questionnaire, Timestamp};

/// When the sample batches arrive: after the last of their interviews (sample `first`
/// below is at most 200; one starts every half hour from 2024-05-01).
const RECEIVED: Timestamp = Timestamp(1_715_000_000_000);

/// A text question the shared questionnaire always asks (at most 200 characters).
const TEXT_QUESTION: &str = "AREA_ONE_THING";
/// A choice question it always asks.
const CHOICE_QUESTION: &str = "AREA_SATISFACTION";

fn shared() -> &'static Questionnaire {
    static SHARED: std::sync::OnceLock<Questionnaire> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| survey::shipped::shared_questionnaire().unwrap())
}

/// How the text is put in the batch.
#[derive(Clone, Copy, Debug)]
enum Placement {
    /// `"text"`: a string that is neither "dk" nor "pns".
    BareString,
    /// `{"text": 1}`: a map whose key is no answer kind.
    Key,
    /// `[1, "text"]`: a list of options with text in it.
    InList,
    /// `{"n": "text"}`: text where a number goes.
    AsNumber,
    /// `{"t": "text", "n": 1}`: a text answer with one member too many.
    ExtraMember,
    /// `{"t": "text"}` for a choice question.
    TextForChoice,
    /// `{"t": "text…"}` longer than the question allows.
    TooLong,
    /// `{"t": "text\0"}`: with a NUL.
    WithNul,
    /// `{"t": "\u{202E}text"}`: with a right-to-left override.
    WithOverride,
    /// `{"t": "text"}` under a question code the questionnaire does not have.
    UnknownQuestion,
    /// `{"t": "text"}` as a fitting answer, in a response of a ward not the
    /// questionnaire's.
    FineButTheAreaIsNot,
}

const PLACEMENTS: [Placement; 11] = [
    Placement::BareString,
    Placement::Key,
    Placement::InList,
    Placement::AsNumber,
    Placement::ExtraMember,
    Placement::TextForChoice,
    Placement::TooLong,
    Placement::WithNul,
    Placement::WithOverride,
    Placement::UnknownQuestion,
    Placement::FineButTheAreaIsNot,
];

/// Text a resident might say: the words themselves, random Unicode (every category but
/// controls, so bidirectional and other format characters too), or the words among it.
fn texts() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("unsafe at night".to_owned()),
        "\\PC{6,60}",
        ("\\PC{0,12}", "\\PC{0,12}").prop_map(|(a, b)| format!("{a}unsafe at night{b}")),
        "[a-zA-Z çğışöüİ\"'\\\\]{6,40}",
    ]
}

/// Sample responses `first..first + 3` as a batch, with `text` placed in response
/// `index` of it as `placement` says, sealed again; and the question code it is under.
fn placed(first: usize, index: usize, placement: Placement, text: &str) -> (Vec<u8>, String) {
    let q = shared();
    let batch = survey::sample::batch(q, first as u64, first..first + 3).unwrap();
    let mut value = serde_json::to_value(&batch).unwrap();
    let (code, answer) = match placement {
        Placement::BareString => (CHOICE_QUESTION, json!(text)),
        Placement::Key => (CHOICE_QUESTION, json!({ (text): 1 })),
        Placement::InList => (CHOICE_QUESTION, json!([1, text])),
        Placement::AsNumber => (TEXT_QUESTION, json!({ "n": text })),
        Placement::ExtraMember => (TEXT_QUESTION, json!({ "t": text, "n": 1 })),
        Placement::TextForChoice => (CHOICE_QUESTION, json!({ "t": text })),
        Placement::TooLong => (TEXT_QUESTION, json!({ "t": text.repeat(201) })),
        Placement::WithNul => (TEXT_QUESTION, json!({ "t": format!("{text}\u{0}") })),
        Placement::WithOverride => (TEXT_QUESTION, json!({ "t": format!("\u{202E}{text}") })),
        Placement::UnknownQuestion => ("WHAT_ELSE", json!({ "t": text })),
        Placement::FineButTheAreaIsNot => {
            value["responses"][index]["ar"] = json!("E09000012");
            (TEXT_QUESTION, json!({ "t": text }))
        }
    };
    value["responses"][index]["a"][code] = answer;
    let object = value.as_object_mut().unwrap();
    object.remove("checksum");
    let checksum: String = Sha256::digest(canonical_json(&value).as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    value["checksum"] = json!(checksum);
    (serde_json::to_vec_pretty(&value).unwrap(), code.to_owned())
}

/// Whether `shown` repeats `text` (or the words "unsafe at night" in it), as it is or
/// escaped as `Debug` and JSON escape it.
fn repeats(shown: &str, text: &str) -> bool {
    let debug = format!("{text:?}");
    let json = serde_json::to_string(text).unwrap();
    let mut forms = vec![text, debug.trim_matches('"'), json.trim_matches('"')];
    if text.contains("unsafe at night") {
        forms.push("unsafe at night");
    }
    forms.iter().any(|form| shown.contains(form))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn no_error_repeats_an_answer(
        first in 0usize..200,
        index in 0usize..3,
        placement in prop::sample::select(PLACEMENTS.to_vec()),
        text in texts(),
    ) {
        let (json, code) = placed(first, index, placement, &text);
        let q = shared();
        let error = parse_and_verify(&json, q, RECEIVED).unwrap_err();

        // Never the text.
        let shown = error.to_string();
        prop_assert!(!repeats(&shown, &text), "{}", shown);
        let debug = format!("{error:?}");
        prop_assert!(!repeats(&debug, &text), "{}", debug);
        let body = ErrorBody {
            response: error.response(),
            question: error.question().cloned(),
            rule: Some(error.rule().to_owned()),
            ..ErrorBody::new(ErrorCode::InvalidBatch, shown.clone())
        };
        let pieces = format!(
            "{:?} {:?} {:?} {}",
            error.response(),
            error.question(),
            error.rule(),
            serde_json::to_string(&body).unwrap()
        );
        prop_assert!(!repeats(&pieces, &text), "{}", pieces);

        // Named: the response and the question, and a rule.
        let response = survey::sample::complete_response(q, first + index).unwrap().id;
        prop_assert_eq!(error.response(), Some(response), "{:?}", error);
        let expected_question = match placement {
            Placement::FineButTheAreaIsNot => None,
            _ => Some(code.as_str()),
        };
        prop_assert_eq!(error.question().map(|q| q.as_str()), expected_question, "{:?}", error);
        let rules: &[&str] = match placement {
            Placement::BareString
            | Placement::Key
            | Placement::InList
            | Placement::AsNumber
            | Placement::ExtraMember => &["malformed"],
            Placement::TextForChoice | Placement::TooLong => &["answer_does_not_fit"],
            Placement::WithNul => &["control_character"],
            Placement::WithOverride => &["bidi_control"],
            Placement::UnknownQuestion => &["unknown_question"],
            Placement::FineButTheAreaIsNot => &["unknown_area"],
        };
        prop_assert!(rules.contains(&error.rule()), "{} for {:?}", error.rule(), placement);
    }
}

/// The property can fail: serde_json's own message for the same batch repeats the text.
#[test]
fn serde_jsons_own_message_would_repeat_it() {
    let (json, _) = placed(1, 0, Placement::BareString, "unsafe at night");
    let message = serde_json::from_slice::<survey::Batch>(&json)
        .unwrap_err()
        .to_string();
    assert!(repeats(&message, "unsafe at night"), "{message}");
}
