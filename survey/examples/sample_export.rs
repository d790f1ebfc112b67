//! Writes a sample responses CSV, its codebooks and the matching batch file, to check
//! that spreadsheets and pandas read them right (Turkish and Bengali text, quoted
//! commas and line breaks, the right row and column counts).
//!
//! ```text
//! cargo run -p survey --example sample_export -- OUT_DIR [QUESTIONNAIRE.json] [COUNT]
//! ```
//!
//! Without a questionnaire file it uses the test fixture
//! (`survey/tests/fixtures/questionnaire.json`); pass `survey/questionnaires/….json` for
//! the shared one. Every question asked is answered (skip logic applied as on the
//! tablet), with varied answers, "don't know" / "prefer not to say" where allowed, and
//! free text containing commas, quotes and line breaks. The batch is verified before it
//! is written.
//!
//! Writes `responses.csv` (UTF-8 with BOM, CRLF), `codebook_<lang>.csv` for each
//! language, `batch.json`, and `expected.json` with each CSV's row and column counts, which
//! `scripts/check-csv.py` compares with what pandas and LibreOffice read.

use std::error::Error;
use std::path::PathBuf;

use survey::answer::{check, Answer};
use survey::batch::Batch;
use survey::csv_export::{codebook_csv, file_bytes, responses_csv, responses_header};
use survey::questionnaire::{QuestionKind, Questionnaire};
use survey::record::{
    Assignment, BatchId, QuestionnaireRef, Response, ResponseId, Timestamp, VisitId, VisitOutcome,
    VisitOutcomeRecord,
};

const TEXTS: [&str; 4] = [
    "Bilgisayar kursu, akşamları; \"İngilizce\" de olur",
    "কম্পিউটার প্রশিক্ষণ, সন্ধ্যায়\nদ্বিতীয় লাইন",
    "Evening classes, near the market",
    "Kurs yok\r\nçocuk bakımı lazım",
];

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let out: PathBuf = args
        .next()
        .ok_or("usage: sample_export OUT_DIR [QUESTIONNAIRE.json] [COUNT]")?
        .into();
    let questionnaire: Questionnaire = match args.next() {
        Some(path) => survey::validate::load(&std::fs::read_to_string(path)?)?,
        None => survey::validate::load(include_str!("../tests/fixtures/questionnaire.json"))?,
    };
    let count: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(25);
    std::fs::create_dir_all(&out)?;

    let responses: Vec<Response> = (0..count)
        .map(|index| sample_response(&questionnaire, index))
        .collect::<Result<_, _>>()?;
    let csv = responses_csv(&questionnaire, &responses);
    std::fs::write(out.join("responses.csv"), file_bytes(&csv))?;
    // The shape each file was written with, for scripts/check-csv.py to compare against
    // what pandas and LibreOffice read.
    let mut expected = serde_json::Map::new();
    let shape =
        |rows: usize, columns: usize| serde_json::json!({ "rows": rows, "columns": columns });
    expected.insert(
        "responses.csv".into(),
        shape(count, responses_header(&questionnaire).len()),
    );
    for language in &questionnaire.languages {
        let codebook = codebook_csv(&questionnaire, &language.code);
        let name = format!("codebook_{}.csv", language.code);
        std::fs::write(out.join(&name), file_bytes(&codebook))?;
        // Codebook labels hold no line breaks, so records are lines.
        let rows = codebook.matches("\r\n").count() - 1;
        println!("{name}: {rows} rows after the header");
        expected.insert(
            name,
            shape(rows, survey::csv_export::CODEBOOK_COLUMNS.len()),
        );
    }
    std::fs::write(
        out.join("expected.json"),
        serde_json::to_string_pretty(&expected)?,
    )?;

    let visits: Vec<VisitOutcomeRecord> = (0..count)
        .map(|index| VisitOutcomeRecord {
            id: VisitId::from_random_bytes(bytes(index as u64 + 10_000)),
            time: Timestamp(1_714_550_000_000 + index as i64 * 1_800_000),
            area: assignment(&questionnaire, index).area,
            outcome: VisitOutcome::ALL[index % VisitOutcome::ALL.len()],
            attempt: 1,
        })
        .collect();
    let batch = Batch::new(
        BatchId::from_random_bytes(bytes(99)),
        Timestamp(1_714_600_000_000),
        &assignment(&questionnaire, 0),
        QuestionnaireRef::of(&questionnaire),
        responses,
        visits,
    )?;
    let json = batch.to_json()?;
    // The sample is a batch the collector would accept.
    survey::batch::parse_and_verify(json.as_bytes(), &questionnaire)?;
    std::fs::write(out.join("batch.json"), json)?;

    println!(
        "responses.csv: {} data rows, {} columns (pandas shape ({}, {}))",
        count,
        responses_header(&questionnaire).len(),
        count,
        responses_header(&questionnaire).len()
    );
    println!(
        "batch.json: {} responses, checksum {}",
        batch.count, batch.checksum
    );
    println!("written to {}", out.display());
    Ok(())
}

/// Deterministic pseudo-random bytes (SplitMix64), so runs are repeatable.
fn bytes(seed: u64) -> [u8; 16] {
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

fn assignment(questionnaire: &Questionnaire, index: usize) -> Assignment {
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

fn sample_response(
    questionnaire: &Questionnaire,
    index: usize,
) -> Result<Response, Box<dyn Error>> {
    let language = questionnaire.languages[index % questionnaire.languages.len()]
        .code
        .clone();
    let started = Timestamp(1_714_550_000_000 + index as i64 * 1_800_000);
    let mut response = Response::start(
        ResponseId::from_random_bytes(bytes(index as u64)),
        QuestionnaireRef::of(questionnaire),
        &assignment(questionnaire, index),
        language,
        started,
    );
    for (position, (_, question)) in questionnaire.questions().enumerate() {
        if !survey::engine::is_shown(questionnaire, question, &response.answers) {
            continue;
        }
        let r = u64::from_le_bytes(bytes((index * 1000 + position) as u64)[..8].try_into()?);
        let options = questionnaire.options(question);
        let answer = if question.kind == QuestionKind::Consent {
            Answer::Choice(survey::questionnaire::YES)
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
                return Err(format!("{}: {answer:?}: {problem}", question.code).into())
            }
        };
        response.set_answer(question.code.clone(), answer, started)?;
        // A sample resident is always eligible (an answer that ends the interview, such as
        // "under 16", leaves no response to export).
        if survey::engine::not_eligible(questionnaire, &response.answers) {
            response.set_answer(
                question.code.clone(),
                Answer::Choice(survey::questionnaire::YES),
                started,
            )?;
        }
    }
    // What the tablet stores on "Complete": answers to questions skipped by their
    // conditions dropped, so the sample is a batch the collector accepts.
    response.answers = survey::engine::completed_answers(questionnaire, &response.answers)?;
    response.complete(Timestamp(started.0 + 900_000))?;
    Ok(response)
}
