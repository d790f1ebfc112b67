//! What the screens say about answers: an answer as the review shows it, and the engine's
//! typed problems in plain words for the worker.

use survey::questionnaire::{LanguageCode, NonSubstantive, Question, QuestionKind};
use survey::{Answer, AnswerProblem, QuestionProblem, Questionnaire};

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

/// `answer` to `question` as the review screen shows it, in `language`.
pub fn answer_text(
    questionnaire: &Questionnaire,
    question: &Question,
    answer: &Answer,
    language: &LanguageCode,
) -> String {
    let label = |code| {
        questionnaire
            .options(question)
            .iter()
            .find(|option| option.code == code)
            .map_or_else(
                || format!("option {code}"),
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

/// What the worker should do about `problem` with `question`, in plain words (English:
/// these are for the worker, not the resident).
pub fn problem_message(
    questionnaire: &Questionnaire,
    question: &Question,
    problem: &AnswerProblem,
) -> String {
    let english = LanguageCode("en".into());
    match problem {
        AnswerProblem::Required => {
            let mut message = match question.kind {
                QuestionKind::Consent => {
                    "Ask for consent and choose Yes or No before going on.".to_owned()
                }
                QuestionKind::Number { .. } => "Enter a number before going on.".to_owned(),
                QuestionKind::Text { .. } => "Write an answer before going on.".to_owned(),
                QuestionKind::MultipleChoice { .. } => {
                    "Choose at least one answer before going on.".to_owned()
                }
                _ => "Choose an answer before going on.".to_owned(),
            };
            let allowed: Vec<String> = question
                .allow
                .iter()
                .map(|a| {
                    format!(
                        "\u{201c}{}\u{201d}",
                        non_substantive(questionnaire, *a, &english)
                    )
                })
                .collect();
            if !allowed.is_empty() {
                message.push_str(&format!(" {} is an answer too.", allowed.join(" or ")));
            }
            message
        }
        AnswerProblem::OutOfRange { min, max } => {
            format!("Enter a whole number from {min} to {max}.")
        }
        AnswerProblem::TooLong { length, max } => {
            format!("This is {length} characters long; shorten it to {max} or fewer.")
        }
        AnswerProblem::TooMany { chosen, max } => {
            format!("Choose at most {max} answers ({chosen} are chosen).")
        }
        AnswerProblem::ExclusiveConflict { option } => {
            let label = questionnaire
                .options(question)
                .iter()
                .find(|o| o.code == *option)
                .map(|o| text(questionnaire, &o.label, &english).to_owned())
                .unwrap_or_default();
            format!("\u{201c}{label}\u{201d} cannot be chosen together with other answers.")
        }
        AnswerProblem::UnknownOption | AnswerProblem::NotOffered | AnswerProblem::WrongKind => {
            "This answer does not fit the question. Choose the answer again.".to_owned()
        }
    }
}

/// What stops the worker, counted by kind as each question's own message says it: "2
/// questions need an answer and 1 answer needs correcting before you go on." `before`
/// ends the sentence ("before you go on").
pub fn problems_summary(problems: &[QuestionProblem], before: &str) -> String {
    let unanswered = problems
        .iter()
        .filter(|p| p.problem == AnswerProblem::Required)
        .count();
    let to_correct = problems.len() - unanswered;
    let unanswered = counted(
        unanswered,
        "question needs an answer",
        "questions need an answer",
    );
    let to_correct = counted(
        to_correct,
        "answer needs correcting",
        "answers need correcting",
    );
    let what = match (unanswered, to_correct) {
        (Some(unanswered), Some(to_correct)) => format!("{unanswered} and {to_correct}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => return String::new(),
    };
    format!("{what} {before}.")
}

fn counted(n: usize, one: &str, many: &str) -> Option<String> {
    match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use survey::questionnaire::QuestionCode;

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
        assert_eq!(answer_text(&q, consent, &Answer::Choice(1), &en), "Yes");
        assert_eq!(answer_text(&q, consent, &Answer::Choice(1), &tr), "Evet");
        assert_eq!(
            answer_text(&q, consent, &Answer::DontKnow, &en),
            "Don't know"
        );
        assert_eq!(answer_text(&q, consent, &Answer::Number(7), &en), "7");
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
        let message = problem_message(&q, with_dont_know, &AnswerProblem::Required);
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
        let before = "before you go on";
        let range = problem("BEDROOMS", AnswerProblem::OutOfRange { min: 0, max: 15 });
        let too_many = problem(
            "TRAINING_TYPE",
            AnswerProblem::TooMany { chosen: 4, max: 3 },
        );
        let missing = problem("TENURE", AnswerProblem::Required);
        assert_eq!(
            problems_summary(std::slice::from_ref(&range), before),
            "1 answer needs correcting before you go on."
        );
        assert_eq!(
            problems_summary(&[too_many.clone(), range.clone()], before),
            "2 answers need correcting before you go on."
        );
        assert_eq!(
            problems_summary(&[missing.clone(), too_many], before),
            "1 question needs an answer and 1 answer needs correcting before you go on."
        );
        assert_eq!(
            problems_summary(&[missing.clone(), missing], before),
            "2 questions need an answer before you go on."
        );
        assert_eq!(problems_summary(&[], before), "");
    }

    #[test]
    fn range_problems_name_the_range() {
        let q = shared();
        let consent = question(&q, "CONSENT");
        let message = problem_message(&q, consent, &AnswerProblem::OutOfRange { min: 0, max: 20 });
        assert_eq!(message, "Enter a whole number from 0 to 20.");
    }
}
