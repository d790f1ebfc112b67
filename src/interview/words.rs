//! What the screens say about answers: an answer as the review shows it, and the engine's
//! typed problems in plain words for the worker.

use survey::questionnaire::{LanguageCode, NonSubstantive, Question, QuestionKind};
use survey::{Answer, AnswerProblem, QuestionProblem, Questionnaire};

use crate::words::{Msg, WorkerLanguage};

/// A text of the questionnaire in `language`, falling back to the source language.
pub fn text<'q>(
    questionnaire: &'q Questionnaire,
    text: &'q survey::questionnaire::Text,
    language: &LanguageCode,
) -> &'q str {
    match questionnaire.source_language() {
        Some(source) => text.get(language, source),
        None => text.get(language, language),
    }
}

/// `answer` to `question` as the review screen shows it, in `language` (an option the
/// questionnaire does not name, in the `worker`'s).
pub fn answer_text(
    questionnaire: &Questionnaire,
    question: &Question,
    answer: &Answer,
    language: &LanguageCode,
    worker: WorkerLanguage,
) -> String {
    let label = |code| {
        questionnaire
            .options(question)
            .iter()
            .find(|option| option.code == code)
            .map_or_else(
                || worker.interview_review_unknown_option(code),
                |option| text(questionnaire, &option.label, language).to_owned(),
            )
    };
    match answer {
        Answer::Choice(code) => label(*code),
        Answer::Choices(codes) => codes
            .iter()
            .map(|c| label(*c))
            .collect::<Vec<_>>()
            .join(", "),
        Answer::Number(n) => n.to_string(),
        Answer::Text(t) => t.clone(),
        Answer::DontKnow => non_substantive(questionnaire, NonSubstantive::DontKnow, language),
        Answer::PreferNotToSay => {
            non_substantive(questionnaire, NonSubstantive::PreferNotToSay, language)
        }
    }
}

/// "Don't know" or "Prefer not to say" in `language`.
pub fn non_substantive(
    questionnaire: &Questionnaire,
    answer: NonSubstantive,
    language: &LanguageCode,
) -> String {
    text(
        questionnaire,
        questionnaire.answer_labels.non_substantive(answer),
        language,
    )
    .to_owned()
}

/// What the worker should do about `problem` with `question`, in plain words in the
/// worker's `language`; an answer's label is quoted as the question shows it, in
/// `shown` (the resident's language), so that the worker finds its button.
pub fn problem_message(
    questionnaire: &Questionnaire,
    question: &Question,
    problem: &AnswerProblem,
    language: WorkerLanguage,
    shown: &LanguageCode,
) -> String {
    match problem {
        AnswerProblem::Required => {
            let message = language.t(match question.kind {
                QuestionKind::Consent => Msg::InterviewProblemRequiredConsent,
                QuestionKind::Number { .. } => Msg::InterviewProblemRequiredNumber,
                QuestionKind::Text { .. } => Msg::InterviewProblemRequiredText,
                QuestionKind::MultipleChoice { .. } => Msg::InterviewProblemRequiredSeveral,
                _ => Msg::InterviewProblemRequiredChoice,
            });
            let allowed: Vec<String> = question
                .allow
                .iter()
                .map(|a| non_substantive(questionnaire, *a, shown))
                .collect();
            let also = match allowed.as_slice() {
                [] => return message.to_owned(),
                [answer] => language.interview_problem_also_one(answer),
                [first, second, ..] => language.interview_problem_also_two(first, second),
            };
            format!("{message} {also}")
        }
        AnswerProblem::OutOfRange { min, max } => {
            language.interview_problem_out_of_range(*min, *max)
        }
        AnswerProblem::TooLong { length, max } => {
            language.interview_problem_too_long(*max, *length)
        }
        AnswerProblem::TooMany { chosen, max } => {
            language.interview_problem_too_many(*max, *chosen)
        }
        AnswerProblem::ExclusiveConflict { option } => {
            let label = questionnaire
                .options(question)
                .iter()
                .find(|o| o.code == *option)
                .map(|o| text(questionnaire, &o.label, shown).to_owned())
                .unwrap_or_else(|| language.interview_review_unknown_option(*option));
            language.interview_problem_exclusive(label)
        }
        AnswerProblem::UnknownOption | AnswerProblem::NotOffered | AnswerProblem::WrongKind => {
            language.t(Msg::InterviewProblemDoesNotFit).to_owned()
        }
    }
}

/// Where the worker is stopped: before going on from a section, or before completing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Before {
    GoingOn,
    Completing,
}

/// What stops the worker, counted by kind as each question's own message says it: "2
/// questions need an answer and 1 answer needs correcting before you go on."
pub fn problems_summary(
    problems: &[QuestionProblem],
    before: Before,
    language: WorkerLanguage,
) -> String {
    let unanswered = problems
        .iter()
        .filter(|p| p.problem == AnswerProblem::Required)
        .count();
    let to_correct = problems.len() - unanswered;
    let what = match (unanswered, to_correct) {
        (0, 0) => return String::new(),
        (n, 0) => language.interview_problems_unanswered(n),
        (0, n) => language.interview_problems_to_correct(n),
        (unanswered, to_correct) => language.interview_problems_both(
            language.interview_problems_unanswered(unanswered),
            language.interview_problems_to_correct(to_correct),
        ),
    };
    match before {
        Before::GoingOn => language.interview_problems_before_go_on(what),
        Before::Completing => language.interview_problems_before_complete(what),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use survey::questionnaire::QuestionCode;

    const EN: WorkerLanguage = WorkerLanguage::ALL[0];

    fn shared() -> Questionnaire {
        survey::shipped::shared_questionnaire().unwrap()
    }

    fn question<'q>(q: &'q Questionnaire, code: &str) -> &'q Question {
        q.question(&QuestionCode(code.into())).unwrap()
    }

    #[test]
    fn answers_read_as_their_labels_in_the_language() {
        let q = shared();
        let consent = question(&q, "CONSENT");
        let en = LanguageCode("en".into());
        let tr = LanguageCode("tr".into());
        assert_eq!(answer_text(&q, consent, &Answer::Choice(1), &en, EN), "Yes");
        assert_eq!(
            answer_text(&q, consent, &Answer::Choice(1), &tr, EN),
            "Evet"
        );
        assert_eq!(
            answer_text(&q, consent, &Answer::DontKnow, &en, EN),
            "Don't know"
        );
        assert_eq!(answer_text(&q, consent, &Answer::Number(7), &en, EN), "7");
        assert_eq!(
            answer_text(&q, consent, &Answer::Choice(9), &tr, EN),
            "option 9"
        );
    }

    #[test]
    fn a_required_question_that_allows_dont_know_says_so() {
        let q = shared();
        let with_dont_know = q
            .questions()
            .map(|(_, question)| question)
            .find(|question| {
                question.required && question.allow.contains(&NonSubstantive::DontKnow)
            })
            .unwrap();
        let en = LanguageCode("en".into());
        let message = problem_message(&q, with_dont_know, &AnswerProblem::Required, EN, &en);
        assert!(message.contains("\u{201c}Don't know\u{201d}"), "{message}");
    }

    fn problem(code: &str, problem: AnswerProblem) -> QuestionProblem {
        QuestionProblem {
            question: QuestionCode(code.into()),
            problem,
        }
    }

    #[test]
    fn the_summary_counts_problems_by_what_is_wrong() {
        let before = Before::GoingOn;
        let range = problem("BEDROOMS", AnswerProblem::OutOfRange { min: 0, max: 15 });
        let too_many = problem(
            "TRAINING_TYPE",
            AnswerProblem::TooMany { chosen: 4, max: 3 },
        );
        let missing = problem("TENURE", AnswerProblem::Required);
        assert_eq!(
            problems_summary(std::slice::from_ref(&range), before, EN),
            "1 answer needs correcting before you go on."
        );
        assert_eq!(
            problems_summary(&[too_many.clone(), range.clone()], before, EN),
            "2 answers need correcting before you go on."
        );
        assert_eq!(
            problems_summary(&[missing.clone(), too_many], before, EN),
            "1 question needs an answer and 1 answer needs correcting before you go on."
        );
        assert_eq!(
            problems_summary(&[missing.clone(), missing.clone()], Before::Completing, EN),
            "2 questions need an answer before the interview can be completed."
        );
        assert_eq!(problems_summary(&[], before, EN), "");
    }

    #[test]
    fn range_problems_name_the_range() {
        let q = shared();
        let consent = question(&q, "CONSENT");
        let en = LanguageCode("en".into());
        let range = AnswerProblem::OutOfRange { min: 0, max: 20 };
        let message = problem_message(&q, consent, &range, EN, &en);
        assert_eq!(message, "Enter a whole number from 0 to 20.");
    }

    #[test]
    fn problems_are_in_the_worker_s_language_and_quote_the_labels_shown() {
        let q = shared();
        let tr = LanguageCode("tr".into());
        let en = LanguageCode("en".into());
        let missing = problem("TENURE", AnswerProblem::Required);
        let range = problem("BEDROOMS", AnswerProblem::OutOfRange { min: 0, max: 15 });
        assert_eq!(
            problems_summary(&[missing, range], Before::GoingOn, WorkerLanguage::Tr),
            "Devam etmeden önce: 1 soru yanıt bekliyor ve 1 yanıtın düzeltilmesi gerekiyor."
        );
        let bedrooms = question(&q, "BEDROOMS");
        assert_eq!(
            problem_message(
                &q,
                bedrooms,
                &AnswerProblem::OutOfRange { min: 0, max: 15 },
                WorkerLanguage::Bn,
                &en
            ),
            "০ থেকে ১৫-এর মধ্যে একটি পূর্ণসংখ্যা লিখুন।"
        );
        // A Bengali-speaking worker with a Turkish-speaking resident: the worker's words,
        // the button's label as the screen shows it.
        let with_dont_know = q
            .questions()
            .map(|(_, question)| question)
            .find(|question| {
                question.required && question.allow.contains(&NonSubstantive::DontKnow)
            })
            .unwrap();
        let message = problem_message(
            &q,
            with_dont_know,
            &AnswerProblem::Required,
            WorkerLanguage::Bn,
            &tr,
        );
        let dont_know_tr = non_substantive(&q, NonSubstantive::DontKnow, &tr);
        assert!(
            message.contains(&format!("\u{201c}{dont_know_tr}\u{201d}")),
            "{message}"
        );
        assert!(message.starts_with("এগোনোর আগে"), "{message}");
    }
}
