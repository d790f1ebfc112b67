//! The checks of sense a batch passes once its shape is right: codes the questionnaire
//! knows, the batch's own worker and agency on every response, times that can be, and
//! codes and texts free of control characters. Each failure is a [`BatchError::Code`],
//! a [`BatchError::Time`] or (for answers) a [`ResponseProblem`].

use super::{
    echo, Batch, BatchError, CodeField, CodeProblem, Place, ResponseProblem, TimeField,
    TimeProblem, EARLIEST, ECHO_CHARS, FUTURE_MARGIN_MS,
};
use crate::questionnaire::Questionnaire;
use crate::record::{Response, Timestamp, VisitOutcomeRecord};

/// The longest worker code set-up accepts (the app's `src/setup`).
pub const MAX_WORKER: usize = 16;
/// The longest device name set-up accepts.
pub const MAX_DEVICE: usize = 40;

/// The times a batch received at a given moment may hold.
pub(super) struct Times {
    received: Timestamp,
    latest: Timestamp,
}

impl Times {
    /// For a batch received at `received`.
    pub(super) fn until(received: Timestamp) -> Times {
        Times {
            received,
            latest: Timestamp(received.0.saturating_add(FUTURE_MARGIN_MS)),
        }
    }

    fn check(&self, place: Place, field: TimeField, time: Timestamp) -> Result<(), BatchError> {
        let problem = if time < EARLIEST {
            TimeProblem::TooEarly { earliest: EARLIEST }
        } else if time > self.latest {
            TimeProblem::InTheFuture {
                received: self.received,
            }
        } else {
            return Ok(());
        };
        Err(BatchError::Time {
            place,
            field,
            time,
            problem,
        })
    }
}

/// A Unicode bidirectional embedding, override or isolate control: U+202A–U+202E
/// (LRE, RLE, PDF, LRO, RLO) and U+2066–U+2069 (LRI, RLI, FSI, PDI). They make text
/// show in another order than it is stored ("Trojan Source").
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A bidirectional control or one of the marks (U+200E LRM, U+200F RLM, U+061C ALM):
/// none belongs in a code.
pub fn is_bidi(c: char) -> bool {
    is_bidi_control(c) || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Whether a code (worker, device, agency, area, language, question code) is free of
/// control characters (any, line breaks and tabs too) and bidirectional controls and
/// marks.
pub fn code_characters(code: &str) -> Result<(), CodeProblem> {
    if code.chars().any(char::is_control) {
        Err(CodeProblem::ControlCharacter)
    } else if code.chars().any(is_bidi) {
        Err(CodeProblem::BidiControl)
    } else {
        Ok(())
    }
}

/// A control character a text answer may not hold: any but tab, line feed and carriage
/// return (NUL, escape, DEL, the C1 controls…).
fn is_refused_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `text` without the characters [`text_characters`] refuses: what the tablet keeps of
/// a typed or pasted answer, so that no interview is refused at the collector for an
/// invisible character.
pub fn clean_text(text: &str) -> String {
    text.chars()
        .filter(|c| !is_refused_control(*c) && !is_bidi_control(*c))
        .collect()
}

/// Whether a text answer is free of control characters other than tab, line feed and
/// carriage return (NUL, escape, DEL, the C1 controls…) and of bidirectional embedding,
/// override and isolate controls. The marks (LRM, RLM, ALM) are allowed: right-to-left
/// writing needs them.
pub fn text_characters(text: &str) -> Result<(), ResponseProblem> {
    if text.chars().any(is_refused_control) {
        Err(ResponseProblem::ControlCharacter)
    } else if text.chars().any(is_bidi_control) {
        Err(ResponseProblem::BidiControl)
    } else {
        Ok(())
    }
}

/// A worker code as set-up allows it: 1 to [`MAX_WORKER`] letters, digits and hyphens.
fn worker_code(code: &str) -> Result<(), CodeProblem> {
    length(code, MAX_WORKER)?;
    code_characters(code)?;
    if code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(())
    } else {
        Err(CodeProblem::Characters)
    }
}

/// A device name as set-up allows it: 1 to [`MAX_DEVICE`] characters, none a control.
fn device_name(name: &str) -> Result<(), CodeProblem> {
    length(name, MAX_DEVICE)?;
    code_characters(name)
}

fn length(code: &str, max: usize) -> Result<(), CodeProblem> {
    if code.is_empty() {
        Err(CodeProblem::Empty)
    } else if code.chars().nth(max).is_some() {
        Err(CodeProblem::TooLong { max })
    } else {
        Ok(())
    }
}

/// A code that must be one of `known` (the questionnaire's areas, agencies, languages).
fn known<'a>(code: &str, mut known: impl Iterator<Item = &'a str>) -> Result<(), CodeProblem> {
    code_characters(code)?;
    if known.any(|k| k == code) {
        Ok(())
    } else {
        Err(CodeProblem::Unknown)
    }
}

fn at(place: Place, field: CodeField, code: &str) -> impl Fn(CodeProblem) -> BatchError + '_ {
    move |problem| BatchError::Code {
        place,
        field,
        code: echo(code, ECHO_CHARS),
        problem,
    }
}

fn agencies(q: &Questionnaire) -> impl Iterator<Item = &str> {
    q.agencies.iter().map(|agency| agency.code.as_str())
}

/// The batch's own members: its worker code and device name as set-up allows them, an
/// agency of the questionnaire, a sensible creation time.
pub(super) fn check_batch(
    batch: &Batch,
    questionnaire: &Questionnaire,
    times: &Times,
) -> Result<(), BatchError> {
    let place = Place::Batch;
    let worker = batch.worker.as_str();
    worker_code(worker).map_err(at(place, CodeField::Worker, worker))?;
    let device = batch.device.as_str();
    device_name(device).map_err(at(place, CodeField::Device, device))?;
    let agency = batch.agency.as_str();
    known(agency, agencies(questionnaire)).map_err(at(place, CodeField::Agency, agency))?;
    times.check(place, TimeField::Created, batch.created)
}

/// One response's codes and times: the batch's worker and agency, a device name as
/// set-up allows it, an area and a language of the questionnaire; started, updated and
/// completed within sense, neither updated nor completed before it started.
pub(super) fn check_response(
    batch: &Batch,
    questionnaire: &Questionnaire,
    times: &Times,
    index: usize,
    response: &Response,
) -> Result<(), BatchError> {
    let place = Place::Response {
        index,
        id: Some(response.id),
    };
    // The batch's worker passed `check_batch`, so the same code passes too.
    let worker = response.worker.as_str();
    if response.worker != batch.worker {
        return Err(at(place, CodeField::Worker, worker)(
            CodeProblem::NotTheBatchs,
        ));
    }
    let agency = response.agency.as_str();
    let agency_fault = at(place, CodeField::Agency, agency);
    known(agency, agencies(questionnaire)).map_err(&agency_fault)?;
    if response.agency != batch.agency {
        return Err(agency_fault(CodeProblem::NotTheBatchs));
    }
    let device = response.device.as_str();
    device_name(device).map_err(at(place, CodeField::Device, device))?;
    let area = response.area.as_str();
    known(area, questionnaire.areas.iter().map(|a| a.code.as_str())).map_err(at(
        place,
        CodeField::Area,
        area,
    ))?;
    let language = response.language.0.as_str();
    known(
        language,
        questionnaire.languages.iter().map(|l| l.code.0.as_str()),
    )
    .map_err(at(place, CodeField::Language, language))?;

    times.check(place, TimeField::Started, response.started)?;
    let started = response.started;
    let later = response
        .completed
        .map(|completed| (TimeField::Completed, completed))
        .into_iter()
        .chain([(TimeField::Updated, response.updated)]);
    for (field, time) in later {
        if time < started {
            return Err(BatchError::Time {
                place,
                field,
                time,
                problem: TimeProblem::BeforeStarted { started },
            });
        }
        times.check(place, field, time)?;
    }
    Ok(())
}

/// One visit outcome: an area of the questionnaire, a sensible time.
pub(super) fn check_visit(
    questionnaire: &Questionnaire,
    times: &Times,
    index: usize,
    visit: &VisitOutcomeRecord,
) -> Result<(), BatchError> {
    let place = Place::Visit {
        index,
        id: Some(visit.id),
    };
    let area = visit.area.as_str();
    known(area, questionnaire.areas.iter().map(|a| a.code.as_str())).map_err(at(
        place,
        CodeField::Area,
        area,
    ))?;
    times.check(place, TimeField::Visit, visit.time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cleaned_text_passes_and_keeps_everything_visible() {
        let typed = "Not safe\u{0}\u{202E} at night,\tnear the\nstation \u{200F}\u{7F}";
        let cleaned = clean_text(typed);
        assert_eq!(cleaned, "Not safe at night,\tnear the\nstation \u{200F}");
        assert_eq!(text_characters(&cleaned), Ok(()));
        assert!(text_characters(typed).is_err());
    }
}
