//! Sample records for tests, benchmarks and fuzzing: complete responses that the engine
//! and the batch verifier accept, made deterministically from an index (the same index
//! gives the same response, ids included).

use crate::answer::{check, Answer};
use crate::batch::{Batch, BatchError};
use crate::questionnaire::{QuestionKind, Questionnaire};
use crate::record::{
    Assignment, BatchId, QuestionnaireRef, Response, ResponseId, Timestamp, VisitId, VisitOutcome,
    VisitOutcomeRecord,
};

const TEXTS: [&str; 4] = [
    "Bilgisayar kursu, akşamları; \"İngilizce\" de olur",
    "কম্পিউটার প্রশিক্ষণ, সন্ধ্যায়\nদ্বিতীয় লাইন",
    "Evening classes, near the market",
    "Kurs yok\r\nçocuk bakımı lazım",
];

/// Deterministic pseudo-random bytes (SplitMix64), so runs are repeatable.
pub fn bytes(seed: u64) -> [u8; 16] {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let (a, b) = (next(), next());
    let mut out = [0; 16];
    out[..8].copy_from_slice(&a.to_le_bytes());
    out[8..].copy_from_slice(&b.to_le_bytes());
    out
}

/// The set-up of sample worker W012 of Hackney CVS, in the questionnaire's `index`-th area.
pub fn assignment(questionnaire: &Questionnaire, index: usize) -> Assignment {
    let area = questionnaire
        .areas
        .get(index % questionnaire.areas.len().max(1))
        .map_or("E05000000", |area| area.code.as_str());
    Assignment {
        worker: "W012".into(),
        agency: "hackney-cvs".into(),
        device: "tablet-07".into(),
        area: area.into(),
    }
}

/// The `index`-th sample response: complete, every question asked answered (skip logic
/// applied as on the tablet), with varied answers, "don't know" / "prefer not to say"
/// where allowed, and text with commas, quotes and line breaks.
pub fn complete_response(questionnaire: &Questionnaire, index: usize) -> Result<Response, String> {
    let language = questionnaire.languages[index % questionnaire.languages.len()]
        .code
        .clone();
    let started = time_of(index);
    let mut response = Response::start(
        ResponseId::from_random_bytes(bytes(index as u64)),
        QuestionnaireRef::of(questionnaire),
        &assignment(questionnaire, index),
        language,
        started,
    );
    for (position, (_, question)) in questionnaire.questions().enumerate() {
        if !crate::engine::is_shown(questionnaire, question, &response.answers) {
            continue;
        }
        let r = u64::from_le_bytes(first_eight(bytes((index * 1000 + position) as u64)));
        let options = questionnaire.options(question);
        let answer = if question.kind == QuestionKind::Consent {
            Answer::Choice(crate::questionnaire::YES)
        } else if !question.allow.is_empty() && r.is_multiple_of(9) {
            Answer::from_non_substantive(question.allow[(r as usize / 9) % question.allow.len()])
        } else {
            match &question.kind {
                QuestionKind::Notice => continue,
                QuestionKind::MultipleChoice { .. } => {
                    let mut chosen: Vec<u16> = options
                        .iter()
                        .enumerate()
                        .filter(|(i, o)| !o.exclusive && (r >> (i + 8)) & 1 == 1)
                        .map(|(_, o)| o.code)
                        .take(2)
                        .collect();
                    if chosen.is_empty() {
                        chosen.extend(options.last().map(|o| o.code));
                    }
                    Answer::Choices(chosen)
                }
                QuestionKind::Rating { .. } => Answer::Number((r % 11) as i64),
                QuestionKind::Number { min, max } => {
                    Answer::Number(min + (r % ((max - min + 1).max(1) as u64)) as i64)
                }
                QuestionKind::Text { max_length, .. } => Answer::Text(
                    TEXTS[index % TEXTS.len()]
                        .chars()
                        .take(*max_length as usize)
                        .collect(),
                ),
                _ => match options.get(r as usize % options.len().max(1)) {
                    Some(option) => Answer::Choice(option.code),
                    None => continue,
                },
            }
        };
        // Multiple choice limits (`max_selections`) may reject two options: fall back to one.
        let answer = match (check(questionnaire, question, Some(&answer)), answer) {
            (Ok(()), answer) => answer,
            (Err(_), Answer::Choices(mut chosen)) => {
                chosen.truncate(1);
                Answer::Choices(chosen)
            }
            (Err(problem), answer) => {
                return Err(format!("{}: {answer:?}: {problem}", question.code))
            }
        };
        response
            .set_answer(question.code.clone(), answer, started)
            .map_err(|e| e.to_string())?;
        // A sample resident is always eligible (an answer that ends the interview, such as
        // "under 16", leaves no response to export).
        if crate::engine::not_eligible(questionnaire, &response.answers) {
            response
                .set_answer(
                    question.code.clone(),
                    Answer::Choice(crate::questionnaire::YES),
                    started,
                )
                .map_err(|e| e.to_string())?;
        }
    }
    // What the tablet stores on "Complete": answers to questions skipped by their
    // conditions dropped, so the sample is a batch the collector accepts.
    response.answers = crate::engine::completed_answers(questionnaire, &response.answers)
        .map_err(|e| e.to_string())?;
    response
        .complete(Timestamp(started.0 + 900_000))
        .map_err(|e| e.to_string())?;
    Ok(response)
}

/// When sample interview (and visit) `index` starts: half an hour after the one before,
/// from 2024-05-01T07:53:20Z, over again after [`TIMES`] of them (417 days), so that any
/// number of samples, such as the benchmark's 100,000, stays in the past that the
/// collector accepts.
fn time_of(index: usize) -> Timestamp {
    Timestamp(1_714_550_000_000 + (index % TIMES) as i64 * 1_800_000)
}

/// How many samples have times of their own (see [`time_of`]).
pub const TIMES: usize = 20_000;

fn first_eight(bytes: [u8; 16]) -> [u8; 8] {
    let mut out = [0; 8];
    out.copy_from_slice(&bytes[..8]);
    out
}

/// The visit outcome record of sample visit `index`.
pub fn visit(questionnaire: &Questionnaire, index: usize) -> VisitOutcomeRecord {
    VisitOutcomeRecord {
        id: VisitId::from_random_bytes(bytes(index as u64 + 1_000_000_000)),
        time: time_of(index),
        area: assignment(questionnaire, index).area,
        outcome: VisitOutcome::ALL[index % VisitOutcome::ALL.len()],
        attempt: 1,
    }
}

/// A batch (its id made from `batch_seed`) of sample responses `responses` and the
/// visits of the same indexes, by sample worker W012 of Hackney CVS.
pub fn batch(
    questionnaire: &Questionnaire,
    batch_seed: u64,
    responses: std::ops::Range<usize>,
) -> Result<Batch, String> {
    let made: Vec<Response> = responses
        .clone()
        .map(|index| complete_response(questionnaire, index))
        .collect::<Result<_, _>>()?;
    let visits = responses.map(|index| visit(questionnaire, index)).collect();
    Batch::new(
        BatchId::from_random_bytes(bytes(batch_seed.wrapping_add(u64::MAX / 2))),
        Timestamp(1_714_600_000_000),
        &assignment(questionnaire, 0),
        QuestionnaireRef::of(questionnaire),
        made,
        visits,
    )
    .map_err(|error: BatchError| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_batches_verify_against_the_shared_questionnaire() {
        let questionnaire = crate::shipped::shared_questionnaire().unwrap();
        let batch = batch(&questionnaire, 1, 0..40).unwrap();
        let json = batch.to_json().unwrap();
        let parsed =
            crate::batch::parse_and_verify(json.as_bytes(), &questionnaire, batch.created).unwrap();
        assert_eq!(parsed.count, 40);
        // The same index gives the same response.
        assert_eq!(
            complete_response(&questionnaire, 7).unwrap(),
            complete_response(&questionnaire, 7).unwrap()
        );
    }

    #[test]
    fn sample_times_stay_in_2024_and_2025_however_many_samples() {
        let questionnaire = crate::shipped::shared_questionnaire().unwrap();
        let again = complete_response(&questionnaire, TIMES + 5).unwrap();
        assert_eq!(
            again.started,
            complete_response(&questionnaire, 5).unwrap().started
        );
        // 2025-07-01: the last sample time comes before it.
        assert!(time_of(TIMES - 1) < Timestamp(1_751_328_000_000));
        assert!(time_of(100_000) <= time_of(TIMES - 1));
    }
}
