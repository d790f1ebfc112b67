//! Doorstep's survey model and engine, with no web dependencies: the questionnaire as data
//! and its validator, the interview engine (what to ask next, skip logic, validation),
//! responses and visits, the batch format (JSON and CSV), the wire contract between the
//! app and the collector, the device's store interface with an in-memory store and
//! contract tests, the counts a worker sees, and the partnership's results with their
//! small-count suppression.
//!
//! The app and the collector both use it, so a batch is checked, sent and answered by
//! the same code on the tablet that made it and on the server that receives it.

pub mod answer;
pub mod batch;
pub mod csv_export;
pub mod engine;
pub mod publish;
pub mod questionnaire;
pub mod record;
pub mod results;
pub mod sample;
pub mod shipped;
pub mod store;
pub mod summary;
pub mod validate;
pub mod wire;
pub mod worker_words;

pub use answer::{check, Answer, AnswerProblem};
pub use batch::{parse_and_verify, Batch, BatchError, QuestionnaireSource, ResponseProblem};
pub use engine::{Answers, ConsentState, EndReason, Incomplete, Next, Progress, QuestionProblem};
pub use questionnaire::{
    AnswerLabels, AnswerOption, Area, Condition, Language, LanguageCode, NonSubstantive,
    OptionCode, Question, QuestionCode, QuestionKind, Questionnaire, Scale, Section, Text,
    TranslationStatus, NO, YES,
};
pub use record::{
    AgencyCode, AreaCode, Assignment, BatchId, DeviceName, DoorNote, QuestionnaireRef, Response,
    ResponseId, ResponseStatus, StatusError, Timestamp, Visit, VisitId, VisitOutcome,
    VisitOutcomeRecord, WorkerCode,
};
pub use store::{BatchRecord, MemoryStore, ResponseSummary, Store};
pub use summary::{StatusCounts, VisitCounts};
pub use validate::{load, DefinitionError, DefinitionProblem};
