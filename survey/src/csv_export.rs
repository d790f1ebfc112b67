//! Responses as CSV for people with a spreadsheet, with a codebook that explains every
//! column and value.
//!
//! # The responses file
//!
//! One row per response. Fixed leading columns ([`FIXED_COLUMNS`]: `response_id`,
//! `questionnaire_id`, `questionnaire_version`, `worker`, `agency`, `device`, `area`,
//! `language`, `started`, `completed`; times in RFC 3339 UTC), then one column per
//! question in questionnaire order (notices take no answer and have none):
//!
//! | question kind | column(s) | value |
//! |---|---|---|
//! | consent, yes/no | `CODE` | 1 yes, 2 no |
//! | single choice, ordered scale | `CODE` | the option's code |
//! | rating, number | `CODE` | the number |
//! | text | `CODE` | the text |
//! | multiple choice | `CODE_<option code>` for each option | 1 chosen, 0 not chosen |
//!
//! In every column, "don't know" is `-1` and "prefer not to say" is `-2`
//! ([`NonSubstantive::code`]); for a multiple-choice question they appear in **every**
//! option column of it. An empty cell means the question was not asked (skip logic) or
//! not answered.
//!
//! # Across versions
//!
//! Responses to several versions of a questionnaire go in one file
//! ([`ResponsesCsv::across`]): the newest version's columns in its order, then the
//! columns only older versions had. `questionnaire_version` says which version a row
//! answered, and a cell is empty where that version did not ask the question (or did not
//! offer the option). A code keeps its kind and its options their meaning across versions
//! (`crate::publish`), so a column means the same in every row. The codebook
//! ([`codebook_across`]) describes each column as the newest version that asked it does,
//! and its `versions` column lists the versions that asked it (`1 2`).
//!
//! # Encoding
//!
//! RFC 4180: fields are quoted when they contain a comma, a double quote, CR or LF, with
//! quotes doubled; lines end with CRLF; the text is UTF-8. The functions return the text
//! without a byte-order mark; files handed to people should be written with
//! [`file_bytes`], which puts a UTF-8 BOM first: Excel needs it to read Turkish or Bengali
//! text as UTF-8, LibreOffice's import dialog then preselects UTF-8, and pandas'
//! `read_csv` (default `encoding="utf-8"`) skips it. (Python's plain `csv` module needs
//! `encoding="utf-8-sig"` to drop it.)
//!
//! # Cells a spreadsheet would run
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and
//! some read a leading tab or carriage return the same way), so a text answer typed as
//! `=HYPERLINK(…)` could act on the analyst's machine. Following OWASP's rule for CSV
//! injection, every **text** cell that starts with one of `=` `+` `-` `@`, tab or
//! carriage return is written with a `'` in front (`'=HYPERLINK(…)`): a spreadsheet
//! shows it as text, and pandas reads the `'` as part of the text. The numbers the
//! exporter writes itself (option codes, ratings and numbers, `1`/`0` of a multiple
//! choice, `-1` and `-2` for the non-substantive answers, the questionnaire version)
//! are numbers, not text, and are written as they are, minus sign included.
//!
//! # Writing a row at a time
//!
//! [`ResponsesCsv`] writes the header line and then one line per response, so an export
//! of any size can be streamed; [`responses_csv`] is the same, for responses in memory.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::answer::Answer;
use crate::questionnaire::{
    LanguageCode, NonSubstantive, OptionCode, Question, QuestionKind, Questionnaire,
};
use crate::record::{Response, Timestamp};

/// The byte-order mark [`file_bytes`] puts first.
pub const UTF8_BOM: &str = "\u{feff}";

/// The columns every responses file starts with, before the questions' columns.
pub const FIXED_COLUMNS: [&str; 10] = [
    "response_id",
    "questionnaire_id",
    "questionnaire_version",
    "worker",
    "agency",
    "device",
    "area",
    "language",
    "started",
    "completed",
];

/// A CSV text as the bytes of a file to hand to people: UTF-8 with a byte-order mark.
pub fn file_bytes(csv: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(UTF8_BOM.len() + csv.len());
    bytes.extend_from_slice(UTF8_BOM.as_bytes());
    bytes.extend_from_slice(csv.as_bytes());
    bytes
}

/// One answer column: a question, or one option of a multiple-choice question, with the
/// versions that asked it (its question and section as the newest of them has them).
struct Column<'q> {
    name: String,
    section: &'q str,
    question: &'q Question,
    option: Option<OptionCode>,
    versions: Vec<u32>,
}

/// The answer columns of responses to any of `versions` (of one questionnaire): the
/// newest version's, in its order, then the columns only older versions had, newest
/// first, each in its version's order.
fn answer_columns<'q>(versions: &[&'q Questionnaire]) -> Vec<Column<'q>> {
    let mut ordered: Vec<&Questionnaire> = versions.to_vec();
    ordered.sort_by_key(|q| std::cmp::Reverse(q.version));
    let mut columns: Vec<Column<'q>> = Vec::new();
    for questionnaire in ordered {
        for column in version_columns(questionnaire) {
            match columns.iter_mut().find(|known| known.name == column.name) {
                Some(known) => known.versions.insert(0, questionnaire.version),
                None => columns.push(column),
            }
        }
    }
    columns
}

fn version_columns(questionnaire: &Questionnaire) -> Vec<Column<'_>> {
    let version = questionnaire.version;
    let mut columns = Vec::new();
    for section in &questionnaire.sections {
        for question in &section.questions {
            match &question.kind {
                QuestionKind::Notice => {}
                QuestionKind::MultipleChoice { options, .. } => {
                    columns.extend(options.iter().map(|option| Column {
                        name: format!("{}_{}", question.code, option.code),
                        section: &section.id,
                        question,
                        option: Some(option.code),
                        versions: vec![version],
                    }));
                }
                _ => columns.push(Column {
                    name: question.code.to_string(),
                    section: &section.id,
                    question,
                    option: None,
                    versions: vec![version],
                }),
            }
        }
    }
    columns
}

/// The header of the responses file: the fixed columns, then the answer columns.
pub fn responses_header(questionnaire: &Questionnaire) -> Vec<String> {
    header(&answer_columns(&[questionnaire]))
}

fn header(columns: &[Column<'_>]) -> Vec<String> {
    FIXED_COLUMNS
        .iter()
        .map(|name| (*name).to_owned())
        .chain(columns.iter().map(|c| c.name.clone()))
        .collect()
}

/// The responses file a line at a time (see the module docs): made once for a
/// questionnaire's versions, it writes the header line, then one line per response.
/// Both [`responses_csv`] and the collector's streaming export write their rows with it,
/// so a row is written one way.
///
/// Across versions ([`ResponsesCsv::across`]) there is one column set: the newest
/// version's columns in its order, then the columns only older versions had; a
/// response's cell is empty in a column its version did not ask (a question it did not
/// have, or an option it did not offer), and `questionnaire_version` says which version
/// it answered.
pub struct ResponsesCsv<'q> {
    columns: Vec<Column<'q>>,
}

impl<'q> ResponsesCsv<'q> {
    /// The writer of `questionnaire`'s responses file.
    pub fn new(questionnaire: &'q Questionnaire) -> ResponsesCsv<'q> {
        ResponsesCsv::across(&[questionnaire])
    }

    /// The writer of one file for responses to any of `versions` (of one questionnaire).
    pub fn across(versions: &[&'q Questionnaire]) -> ResponsesCsv<'q> {
        ResponsesCsv {
            columns: answer_columns(versions),
        }
    }

    /// The file's column names, fixed columns first.
    pub fn header(&self) -> Vec<String> {
        header(&self.columns)
    }

    /// Appends the header line, CRLF included, to `out`.
    pub fn write_header(&self, out: &mut String) {
        write_row(out, self.header().iter().map(|name| Cell::text(name)));
    }

    /// Appends `response`'s line, CRLF included, to `out`. Answers to codes the
    /// questionnaire does not have are left out.
    pub fn write_row(&self, out: &mut String, response: &Response) {
        let version = i64::from(response.questionnaire.version);
        let started = response.started.to_rfc3339();
        let completed = response
            .completed
            .map(Timestamp::to_rfc3339)
            .unwrap_or_default();
        let id = response.id.to_string();
        let fixed = [
            Cell::text(&id),
            Cell::text(&response.questionnaire.id),
            Cell::Number(version),
            Cell::text(response.worker.as_str()),
            Cell::text(response.agency.as_str()),
            Cell::text(response.device.as_str()),
            Cell::text(response.area.as_str()),
            Cell::text(&response.language.0),
            Cell::text(&started),
            Cell::text(&completed),
        ];
        let answers = self.columns.iter().map(|column| {
            if column.versions.contains(&response.questionnaire.version) {
                cell(response.answers.get(&column.question.code), column.option)
            } else {
                Cell::empty()
            }
        });
        write_row(out, fixed.into_iter().chain(answers));
    }
}

/// The responses as CSV (see the module docs), header first, one row per response in
/// the order given: [`ResponsesCsv`]'s lines, gathered in one text.
pub fn responses_csv(questionnaire: &Questionnaire, responses: &[Response]) -> String {
    let csv = ResponsesCsv::new(questionnaire);
    let mut out = String::new();
    csv.write_header(&mut out);
    for response in responses {
        csv.write_row(&mut out, response);
    }
    out
}

/// One cell of a row: a number the exporter writes (written as it is) or text (written
/// with a `'` in front when a spreadsheet would run it, see the module docs).
enum Cell<'a> {
    /// A number: a code, a count, a version.
    Number(i64),
    /// Text: an answer typed, a code word, a time, a label; empty for no value.
    Text(Cow<'a, str>),
}

impl<'a> Cell<'a> {
    fn text(text: &'a str) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(text))
    }

    fn empty() -> Cell<'a> {
        Cell::text("")
    }
}

fn cell(answer: Option<&Answer>, option: Option<OptionCode>) -> Cell<'_> {
    let Some(answer) = answer else {
        return Cell::empty();
    };
    if let Some(non_substantive) = answer.non_substantive() {
        return Cell::Number(i64::from(non_substantive.code()));
    }
    match (answer, option) {
        (Answer::Choices(chosen), Some(option)) => {
            Cell::Number(i64::from(chosen.contains(&option)))
        }
        // A single answer where options were expected (or the reverse) cannot come from
        // a verified batch; write what there is rather than lose it.
        (Answer::Choice(code), _) => Cell::Number(i64::from(*code)),
        (Answer::Choices(chosen), None) => Cell::Text(Cow::Owned(
            chosen
                .iter()
                .map(OptionCode::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        )),
        (Answer::Number(n), _) => Cell::Number(*n),
        (Answer::Text(text), _) => Cell::text(text),
        (Answer::DontKnow | Answer::PreferNotToSay, _) => Cell::empty(),
    }
}

/// The columns of the codebook file.
pub const CODEBOOK_COLUMNS: [&str; 8] = [
    "column",
    "question_code",
    "section",
    "question_text",
    "kind",
    "value",
    "label",
    "versions",
];

/// The codebook for [`responses_csv`]'s columns, in `language` (falling back to the
/// questionnaire's source language): one row per (column, value) pair.
///
/// - Fixed columns: one row each, `kind` = `id`, `text`, `number` or `time`, describing
///   the column (in English: these are the export's own columns).
/// - Consent, yes/no, single choice, ordered: one row per option (code and label).
/// - Multiple choice: for each option column, `1` (labelled with the answer label "yes")
///   and `0` ("no"); the option's label is part of `question_text`.
/// - Rating: values 0 to 10, the ends labelled. Number: one row, `value` = `min..max`.
///   Text: one row with empty value and label.
/// - Then a row for each non-substantive answer the question allows (`-1`, `-2`).
pub fn codebook_csv(questionnaire: &Questionnaire, language: &LanguageCode) -> String {
    codebook_across(&[questionnaire], language)
}

/// The codebook of [`ResponsesCsv::across`]'s columns: as [`codebook_csv`], each column
/// described as the newest version that asked it describes it, and `versions` listing
/// the versions that asked it (`1 2`); the fixed columns were in every version.
pub fn codebook_across(versions: &[&Questionnaire], language: &LanguageCode) -> String {
    let mut ordered: Vec<&Questionnaire> = versions.to_vec();
    ordered.sort_by_key(|q| std::cmp::Reverse(q.version));
    let Some(newest) = ordered.first().copied() else {
        let mut out = String::new();
        write_text_row(&mut out, CODEBOOK_COLUMNS);
        return out;
    };
    let every: Vec<String> = ordered
        .iter()
        .rev()
        .map(|q| q.version.to_string())
        .collect();
    let every = every.join(" ");
    let questionnaire = newest;
    let fallback = questionnaire
        .source_language()
        .cloned()
        .unwrap_or_else(|| language.clone());
    let text = |t: &crate::questionnaire::Text| t.get(language, &fallback).to_owned();
    let mut out = String::new();
    write_text_row(&mut out, CODEBOOK_COLUMNS);
    let fixed: [(&str, &str, &str); 10] = [
        ("response_id", "id", "Response id (UUID)"),
        ("questionnaire_id", "text", "Questionnaire id"),
        ("questionnaire_version", "number", "Questionnaire version"),
        ("worker", "text", "Worker code"),
        ("agency", "text", "Agency code"),
        ("device", "text", "Device name"),
        ("area", "text", "Area (ward) code"),
        ("language", "text", "Language of the interview"),
        ("started", "time", "Interview started (RFC 3339, UTC)"),
        ("completed", "time", "Interview completed (RFC 3339, UTC)"),
    ];
    for (column, kind, description) in fixed {
        write_text_row(
            &mut out,
            [column, "", "", description, kind, "", "", &every],
        );
    }
    for column in answer_columns(&ordered) {
        let question = column.question;
        // Described by the newest version that asked it.
        let questionnaire = ordered
            .iter()
            .find(|q| column.versions.last() == Some(&q.version))
            .copied()
            .unwrap_or(newest);
        let asked: Vec<String> = column.versions.iter().map(u32::to_string).collect();
        let asked = asked.join(" ");
        let mut question_text = text(&question.text);
        let mut rows: Vec<(Cell<'_>, String)> = Vec::new();
        match (&question.kind, column.option) {
            (QuestionKind::MultipleChoice { options, .. }, Some(code)) => {
                if let Some(option) = options.iter().find(|o| o.code == code) {
                    question_text = format!("{question_text} — {}", text(&option.label));
                }
                rows.push((Cell::Number(1), text(&questionnaire.answer_labels.yes)));
                rows.push((Cell::Number(0), text(&questionnaire.answer_labels.no)));
            }
            (
                QuestionKind::Rating {
                    low_label,
                    high_label,
                },
                _,
            ) => {
                for value in 0..=10 {
                    let label = match value {
                        0 => text(low_label),
                        10 => text(high_label),
                        _ => String::new(),
                    };
                    rows.push((Cell::Number(value), label));
                }
            }
            (QuestionKind::Number { min, max }, _) => {
                rows.push((Cell::Text(format!("{min}..{max}").into()), String::new()));
            }
            (QuestionKind::Text { .. }, _) => rows.push((Cell::empty(), String::new())),
            _ => {
                for option in questionnaire.options(question).iter() {
                    rows.push((Cell::Number(i64::from(option.code)), text(&option.label)));
                }
            }
        }
        for &allowed in &question.allow {
            rows.push((
                Cell::Number(i64::from(allowed.code())),
                text(questionnaire.answer_labels.non_substantive(allowed)),
            ));
        }
        for (value, label) in rows {
            write_row(
                &mut out,
                [
                    Cell::text(&column.name),
                    Cell::text(question.code.as_str()),
                    Cell::text(column.section),
                    Cell::text(&question_text),
                    Cell::text(question.kind.name()),
                    value,
                    Cell::text(&label),
                    Cell::text(&asked),
                ],
            );
        }
    }
    out
}

/// Every non-substantive answer with its export code, for readers of the files.
pub const NON_SUBSTANTIVE_CODES: [(NonSubstantive, i32); 2] = [
    (NonSubstantive::DontKnow, -1),
    (NonSubstantive::PreferNotToSay, -2),
];

fn write_row<'a>(out: &mut String, fields: impl IntoIterator<Item = Cell<'a>>) {
    for (index, field) in fields.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        match field {
            Cell::Number(number) => {
                let _ = write!(out, "{number}");
            }
            Cell::Text(text) => write_text(out, &text),
        }
    }
    out.push_str("\r\n");
}

fn write_text_row<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    write_row(out, fields.into_iter().map(Cell::text));
}

/// What a text cell may not start with, or a spreadsheet would run it (OWASP's list).
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Writes one text field: with a `'` in front when it starts with one of
/// [`FORMULA_STARTS`], then as RFC 4180 says: quoted, with quotes doubled, when it holds
/// a comma, a quote, CR or LF.
fn write_text(out: &mut String, field: &str) {
    let guard = if field.starts_with(FORMULA_STARTS) {
        "'"
    } else {
        ""
    };
    if field.contains([',', '"', '\r', '\n']) {
        let _ = write!(out, "\"{guard}{}\"", field.replace('"', "\"\""));
    } else {
        out.push_str(guard);
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::QuestionCode;
    use crate::record::fixtures::{questionnaire, small_response};

    /// A small RFC 4180 reader: rows of fields, honouring quotes.
    pub(crate) fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
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
        assert!(field.is_empty() && row.is_empty(), "last line not ended");
        rows
    }

    fn column<'a>(rows: &'a [Vec<String>], row: usize, name: &str) -> &'a str {
        let index = rows[0].iter().position(|h| h == name).unwrap();
        &rows[row][index]
    }

    #[test]
    fn header_has_fixed_columns_then_one_per_question_and_option() {
        let q = questionnaire();
        let header = responses_header(&q);
        // 13 answerable questions (and a notice), one of them multiple choice with 5
        // options.
        assert_eq!(header.len(), 10 + 12 + 5);
        assert_eq!(&header[..2], ["response_id", "questionnaire_id"]);
        assert_eq!(header[10], "CONSENT");
        assert!(header.contains(&"HOUSING_PROBLEMS_5".to_owned()));
        assert!(!header.contains(&"DEBT_ADVICE".to_owned()));
    }

    #[test]
    fn one_row_per_response_with_crlf_line_ends() {
        let q = questionnaire();
        let csv = responses_csv(&q, &[small_response(), small_response()]);
        assert_eq!(csv.matches("\r\n").count(), 3);
        let rows = parse_csv(&csv);
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|row| row.len() == rows[0].len()));
        assert_eq!(column(&rows, 1, "started"), "2024-05-01T09:30:00Z");
        assert_eq!(column(&rows, 1, "language"), "tr");
    }

    #[test]
    fn text_with_commas_quotes_and_newlines_is_quoted() {
        let mut response = small_response();
        response.answers.insert(
            "TRAINING_COMMENT".into(),
            Answer::Text("Kurs, \"akşam\"\r\nikinci satır".into()),
        );
        let csv = responses_csv(&questionnaire(), &[response]);
        assert!(csv.contains("\"Kurs, \"\"akşam\"\"\r\nikinci satır\""));
        let rows = parse_csv(&csv);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            column(&rows, 1, "TRAINING_COMMENT"),
            "Kurs, \"akşam\"\r\nikinci satır"
        );
    }

    #[test]
    fn multiple_choice_becomes_zero_one_columns() {
        let rows = parse_csv(&responses_csv(&questionnaire(), &[small_response()]));
        let values: Vec<&str> = (1..=5)
            .map(|o| column(&rows, 1, &format!("HOUSING_PROBLEMS_{o}")))
            .collect();
        assert_eq!(values, ["1", "0", "1", "0", "0"]);
    }

    #[test]
    fn non_substantive_answers_are_negative_codes_in_every_option_column() {
        let mut response = small_response();
        response
            .answers
            .insert("HOUSING_PROBLEMS".into(), Answer::PreferNotToSay);
        let rows = parse_csv(&responses_csv(&questionnaire(), &[response]));
        assert_eq!(column(&rows, 1, "SAFE_DARK"), "-1");
        for option in 1..=5 {
            assert_eq!(
                column(&rows, 1, &format!("HOUSING_PROBLEMS_{option}")),
                "-2"
            );
        }
    }

    #[test]
    fn questions_not_asked_are_empty_and_choices_are_codes() {
        let rows = parse_csv(&responses_csv(&questionnaire(), &[small_response()]));
        assert_eq!(column(&rows, 1, "CONSENT"), "1");
        assert_eq!(column(&rows, 1, "LIFE_SATISFACTION"), "7");
        assert_eq!(column(&rows, 1, "LANDLORD"), "");
        assert_eq!(column(&rows, 1, "ADULTS"), "");
    }

    #[test]
    fn codebook_has_a_row_per_column_and_value() {
        let q = questionnaire();
        let rows = parse_csv(&codebook_csv(&q, &LanguageCode("tr".into())));
        let version = q.version.to_string();
        let version = version.as_str();
        assert_eq!(rows[0], CODEBOOK_COLUMNS);
        assert!(rows.iter().all(|row| row.len() == CODEBOOK_COLUMNS.len()));
        // Every responses column appears in the codebook.
        for name in responses_header(&q) {
            assert!(rows.iter().any(|row| row[0] == name), "{name}");
        }
        let safe_dark: Vec<_> = rows.iter().filter(|row| row[0] == "SAFE_DARK").collect();
        assert_eq!(safe_dark.len(), 5 + 1);
        assert_eq!(safe_dark[0][6], "Çok güvenli");
        assert_eq!(safe_dark[5][5..], ["-1", "Bilmiyorum", version]);
        let option: Vec<_> = rows
            .iter()
            .filter(|row| row[0] == "HOUSING_PROBLEMS_3")
            .collect();
        assert_eq!(option.len(), 2 + 1);
        assert!(option[0][3].ends_with("— Soğuk"));
        assert_eq!(option[0][5..], ["1", "Evet", version]);
        assert_eq!(option[2][5], "-2");
        let rating = rows
            .iter()
            .filter(|row| row[0] == "LIFE_SATISFACTION")
            .count();
        assert_eq!(rating, 11 + 1);
    }

    #[test]
    fn text_a_spreadsheet_would_run_gets_a_quote_in_front_and_numbers_stay() {
        let q = questionnaire();
        let texts = [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+44 20 7946 0000", "'+44 20 7946 0000"),
            ("-3", "'-3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("\rcmd", "'\rcmd"),
            ("a = b", "a = b"),
            ("", ""),
        ];
        for (typed, written) in texts {
            let mut response = small_response();
            response.device = "=device".into();
            response
                .answers
                .insert("TRAINING_COMMENT".into(), Answer::Text(typed.into()));
            let rows = parse_csv(&responses_csv(&q, &[response]));
            assert_eq!(column(&rows, 1, "TRAINING_COMMENT"), written, "{typed:?}");
            assert_eq!(column(&rows, 1, "device"), "'=device");
            // What the exporter writes as numbers is written as it is.
            assert_eq!(column(&rows, 1, "SAFE_DARK"), "-1");
            assert_eq!(
                column(&rows, 1, "questionnaire_version"),
                q.version.to_string()
            );
        }
        let mut response = small_response();
        response
            .answers
            .insert("HOUSING_PROBLEMS".into(), Answer::DontKnow);
        let rows = parse_csv(&responses_csv(&q, &[response]));
        assert_eq!(column(&rows, 1, "HOUSING_PROBLEMS_1"), "-1");
        let csv = responses_csv(&q, &[small_response()]);
        assert!(!csv.contains(",'-"), "no number is guarded: {csv}");
    }

    #[test]
    fn rows_one_at_a_time_are_the_whole_file() {
        let q = questionnaire();
        let responses = [small_response(), small_response()];
        let writer = ResponsesCsv::new(&q);
        let mut lines = String::new();
        writer.write_header(&mut lines);
        let header_length = lines.len();
        for response in &responses {
            writer.write_row(&mut lines, response);
        }
        assert_eq!(lines, responses_csv(&q, &responses));
        assert_eq!(
            parse_csv(&lines[..header_length]),
            [responses_header(&q)],
            "the header line is the header"
        );
    }

    #[test]
    fn file_bytes_start_with_a_bom() {
        let bytes = file_bytes("a\r\n");
        assert_eq!(bytes, b"\xef\xbb\xbfa\r\n");
    }

    #[test]
    fn one_file_across_versions_has_the_newest_columns_then_the_older_and_empty_cells() {
        let v1 = crate::shipped::shared_questionnaire().unwrap();
        // Version 2: LANDLORD removed, HOME_OFFICE added, option 1 of HOUSING_PROBLEMS
        // no longer offered.
        let mut v2 = v1.clone();
        v2.version = 2;
        let home = v2.sections.iter_mut().find(|s| s.id == "home").unwrap();
        home.questions.retain(|q| q.code.0 != "LANDLORD");
        let mut added = home.questions[0].clone();
        added.code = "HOME_OFFICE".into();
        home.questions.push(added);
        let problems = home
            .questions
            .iter_mut()
            .find(|q| q.code.0 == "HOUSING_PROBLEMS")
            .unwrap();
        if let QuestionKind::MultipleChoice { options, .. } = &mut problems.kind {
            options.retain(|o| o.code != 1);
        }
        let csv = ResponsesCsv::across(&[&v1, &v2]);
        let header = csv.header();
        let at = |name: &str| header.iter().position(|h| h == name).unwrap();
        // The newest version's order, then what only version 1 had, at the end.
        assert!(
            at("HOUSING_PROBLEMS_2") < at("HOME_OFFICE")
                && at("HOME_OFFICE") < at("FINAL_COMMENTS")
        );
        assert!(at("LANDLORD") > at("FINAL_COMMENTS"));
        assert!(at("HOUSING_PROBLEMS_1") > at("FINAL_COMMENTS"));
        assert_eq!(header.len(), responses_header(&v1).len() + 1);

        let mut old = crate::sample::complete_response(&v1, 1).unwrap();
        old.answers.insert("LANDLORD".into(), Answer::Choice(1));
        old.answers
            .insert("HOUSING_PROBLEMS".into(), Answer::Choices(vec![2]));
        let mut new = crate::sample::complete_response(&v1, 2).unwrap();
        new.questionnaire.version = 2;
        new.answers.remove(&QuestionCode::from("LANDLORD"));
        new.answers.insert("HOME_OFFICE".into(), Answer::Number(1));
        new.answers
            .insert("HOUSING_PROBLEMS".into(), Answer::Choices(vec![2]));
        let mut text = String::new();
        csv.write_header(&mut text);
        csv.write_row(&mut text, &old);
        csv.write_row(&mut text, &new);
        let rows = parse_csv(&text);
        assert_eq!(column(&rows, 1, "questionnaire_version"), "1");
        assert_eq!(column(&rows, 2, "questionnaire_version"), "2");
        assert_eq!(column(&rows, 1, "LANDLORD"), "1");
        assert_eq!(
            column(&rows, 1, "HOME_OFFICE"),
            "",
            "version 1 did not ask it"
        );
        assert_eq!(column(&rows, 2, "HOME_OFFICE"), "1");
        assert_eq!(column(&rows, 2, "LANDLORD"), "", "version 2 did not ask it");
        assert_eq!(
            column(&rows, 1, "HOUSING_PROBLEMS_1"),
            "0",
            "offered, not chosen"
        );
        assert_eq!(
            column(&rows, 2, "HOUSING_PROBLEMS_1"),
            "",
            "not offered in version 2"
        );
        assert_eq!(column(&rows, 2, "HOUSING_PROBLEMS_2"), "1");

        // The codebook says which versions asked each column.
        let book = parse_csv(&codebook_across(&[&v2, &v1], &LanguageCode("en".into())));
        let versions = |name: &str| {
            book.iter()
                .find(|row| row[0] == name)
                .map(|row| row[7].clone())
                .unwrap()
        };
        assert_eq!(versions("response_id"), "1 2");
        assert_eq!(versions("LANDLORD"), "1");
        assert_eq!(versions("HOME_OFFICE"), "2");
        assert_eq!(versions("HOUSING_PROBLEMS_1"), "1");
        assert_eq!(versions("TENURE"), "1 2");
    }
}
