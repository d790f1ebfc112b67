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
use std::time::SystemTime;

use survey::batch::Batch;
use survey::csv_export::{codebook_csv, file_bytes, responses_csv, responses_header};
use survey::questionnaire::Questionnaire;
use survey::record::{
    BatchId, QuestionnaireRef, Response, Timestamp, VisitId, VisitOutcome, VisitOutcomeRecord,
};
use survey::sample::{assignment, bytes, complete_response};

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
        .map(|index| complete_response(&questionnaire, index))
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
    survey::batch::parse_and_verify(json.as_bytes(), &questionnaire, SystemTime::now().into())?;
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
