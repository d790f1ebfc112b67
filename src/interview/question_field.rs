//! One question as large, labelled, touch-friendly controls: radio buttons for single
//! answers and scales, check boxes for several answers, a field for numbers and text,
//! and the "don't know" / "prefer not to say" answers the question allows. Every change
//! is saved at once ([`Interview::set`]).

use leptos::prelude::*;
use survey::questionnaire::{NonSubstantive, Question, QuestionKind};
use survey::{engine, Answer};

use super::words;
use super::Interview;
use crate::words::{parse_number, use_words, Msg};

/// A question of the interview (shown only while skip logic asks it).
#[component]
pub fn QuestionField(interview: Interview, question: &'static Question) -> impl IntoView {
    let words = use_words();
    let code = &question.code;
    let id = format!("q-{code}");
    let legend_id = format!("{id}-legend");
    let help_id = format!("{id}-help");
    let problem_id = format!("{id}-problem");
    let q = interview.questionnaire();

    if matches!(question.kind, QuestionKind::Notice) {
        return view! {
            <div class="question notice" id=id.clone() data-testid=id role="note"
                lang=move || interview.language.get().0>
                <p class="notice-text">{move || interview.text(&question.text)}</p>
                {question.help.as_ref().map(|help| view! {
                    <p class="help">{move || interview.text(help)}</p>
                })}
            </div>
        }
        .into_any();
    }

    // A number or text being typed that is not (yet) an answer, e.g. "1x".
    let typing_problem = RwSignal::new(None::<Msg>);
    let problem = move || {
        if let Some(problem) = interview.problem(&question.code) {
            return Some(words::problem_message(
                q,
                question,
                &problem,
                words.language(),
                &interview.language.get(),
            ));
        }
        if let Some(message) = typing_problem.get() {
            return Some(words.language().t(message).to_owned());
        }
        // Range and length are told while typing, and too many ticks at the tick that is
        // one too many, not only on "next".
        let answer = interview.answer(&question.code)?;
        match question.kind {
            QuestionKind::Number { .. }
            | QuestionKind::Text { .. }
            | QuestionKind::MultipleChoice { .. } => {
                survey::check(q, question, Some(&answer)).err().map(|p| {
                    words::problem_message(
                        q,
                        question,
                        &p,
                        words.language(),
                        &interview.language.get(),
                    )
                })
            }
            _ => None,
        }
    };
    let has_problem = move || problem().is_some();
    let described_by = {
        let mut ids = Vec::new();
        if question.help.is_some() {
            ids.push(help_id.clone());
        }
        ids.push(problem_id.clone());
        ids.join(" ")
    };

    let controls = match &question.kind {
        QuestionKind::MultipleChoice { .. } => several(interview, question).into_any(),
        QuestionKind::Number { min, max } => typed(
            interview,
            question,
            typing_problem,
            Some((*min, *max)),
            None,
            &legend_id,
        )
        .into_any(),
        QuestionKind::Text { max_length, long } => typed(
            interview,
            question,
            typing_problem,
            None,
            Some((*max_length, *long)),
            &legend_id,
        )
        .into_any(),
        QuestionKind::Rating {
            low_label,
            high_label,
        } => rating(interview, question, low_label, high_label).into_any(),
        _ => one(interview, question).into_any(),
    };

    // The consent tells the resident any question can be skipped, and most required
    // questions take "prefer not to say", which is on screen: only a question with no
    // such answer is marked as needing one (in the worker's words, not the resident's).
    let needs_answer = question.required && question.allow.is_empty();
    view! {
        <div class="question" id=id.clone() data-testid=id data-focus-frame=""
            class:has-problem=has_problem
            class:answered=move || interview.answer(&question.code).is_some()>
            <fieldset aria-describedby=described_by aria-invalid=move || has_problem().then_some("true")>
                <legend id=legend_id>
                    <span class="question-text" lang=move || interview.language.get().0>
                        {move || interview.text(&question.text)}
                    </span>
                    {needs_answer.then(|| view! {
                        <span class="needs-answer" lang=move || words.language().code()>
                            " " {words.text(Msg::InterviewNeedsAnswer)}
                        </span>
                    })}
                </legend>
                {question.help.as_ref().map(|help| view! {
                    <p class="help" id=help_id.clone() lang=move || interview.language.get().0>
                        {move || interview.text(help)}
                    </p>
                })}
                {controls}
                <p class="problem" id=problem_id.clone() data-testid=problem_id.clone()
                    aria-live="polite" hidden=move || !has_problem()>
                    {problem}
                </p>
            </fieldset>
        </div>
    }
    .into_any()
}

/// The answers a question allows besides its options.
fn allowed(question: &Question) -> Vec<(NonSubstantive, Answer, &'static str)> {
    question
        .allow
        .iter()
        .map(|kind| match kind {
            NonSubstantive::DontKnow => (*kind, Answer::DontKnow, "dk"),
            NonSubstantive::PreferNotToSay => (*kind, Answer::PreferNotToSay, "pns"),
        })
        .collect()
}

/// Radio buttons: consent, yes/no, single choice, ordered scales.
fn one(interview: Interview, question: &'static Question) -> impl IntoView {
    let q = interview.questionnaire();
    let name = format!("q-{}", question.code);
    let options = q.options(question).into_owned();
    let choices = options
        .into_iter()
        .map(|option| {
            let code = option.code;
            let label = option.label;
            let testid = format!("{name}-{code}");
            view! {
                <label class="choice">
                    <input type="radio" name=name.clone() value=code.to_string() data-testid=testid
                        disabled=move || !interview.editable()
                        prop:checked=move || interview.answer(&question.code) == Some(Answer::Choice(code))
                        on:change=move |_| interview.set(question, Some(Answer::Choice(code)))/>
                    <span lang=move || interview.language.get().0>{move || interview.text(&label)}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <div class="choices">{choices}</div>
        {non_substantive_radios(interview, question, name)}
    }
}

fn non_substantive_radios(
    interview: Interview,
    question: &'static Question,
    name: String,
) -> impl IntoView {
    let q = interview.questionnaire();
    let extra = allowed(question);
    (!extra.is_empty()).then(|| {
        let items = extra
            .into_iter()
            .map(|(kind, answer, suffix)| {
                let checked_answer = answer.clone();
                view! {
                    <label class="choice non-substantive">
                        <input type="radio" name=name.clone() value=suffix data-testid=format!("{name}-{suffix}")
                            disabled=move || !interview.editable()
                            prop:checked=move || interview.answer(&question.code).as_ref() == Some(&checked_answer)
                            on:change=move |_| interview.set(question, Some(answer.clone()))/>
                        <span lang=move || interview.language.get().0>
                            {move || words::non_substantive(q, kind, &interview.language.get())}
                        </span>
                    </label>
                }
            })
            .collect_view();
        view! { <div class="choices non-substantive-choices">{items}</div> }
    })
}

/// Check boxes: multiple choice (an exclusive option clears the others).
fn several(interview: Interview, question: &'static Question) -> impl IntoView {
    let q = interview.questionnaire();
    let name = format!("q-{}", question.code);
    let options = q.options(question).into_owned();
    let choices = options
        .into_iter()
        .map(|option| {
            let code = option.code;
            let label = option.label;
            let testid = format!("{name}-{code}");
            view! {
                <label class="choice" class:exclusive=option.exclusive>
                    <input type="checkbox" name=name.clone() value=code.to_string() data-testid=testid
                        disabled=move || !interview.editable()
                        prop:checked=move || matches!(interview.answer(&question.code), Some(Answer::Choices(chosen)) if chosen.contains(&code))
                        on:change=move |_| {
                            let current = interview.answer(&question.code);
                            let next = engine::toggle_choice(q, question, current.as_ref(), code);
                            interview.set(question, next);
                        }/>
                    <span lang=move || interview.language.get().0>{move || interview.text(&label)}</span>
                </label>
            }
        })
        .collect_view();
    let extra = non_substantive_boxes(interview, question, &name);
    view! {
        <div class="choices">{choices}</div>
        <div class="choices non-substantive-choices">{extra}</div>
    }
}

/// "Don't know" / "prefer not to say" as check boxes: ticking one replaces the answer,
/// unticking it leaves the question unanswered.
fn non_substantive_boxes(
    interview: Interview,
    question: &'static Question,
    name: &str,
) -> impl IntoView {
    let q = interview.questionnaire();
    allowed(question)
    .into_iter()
    .map(|(kind, answer, suffix)| {
        let checked_answer = answer.clone();
        view! {
            <label class="choice non-substantive">
                <input type="checkbox" data-testid=format!("{name}-{suffix}")
                    disabled=move || !interview.editable()
                    prop:checked=move || interview.answer(&question.code).as_ref() == Some(&checked_answer)
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        interview.set(question, on.then(|| answer.clone()));
                    }/>
                <span lang=move || interview.language.get().0>
                    {move || words::non_substantive(q, kind, &interview.language.get())}
                </span>
            </label>
        }
    })
    .collect_view()
}

/// 0–10: eleven radio buttons with the ends' labels.
fn rating(
    interview: Interview,
    question: &'static Question,
    low: &'static survey::questionnaire::Text,
    high: &'static survey::questionnaire::Text,
) -> impl IntoView {
    let name = format!("q-{}", question.code);
    let points = (0u16..=10)
        .map(|code| {
            let low_or_high = match code {
                0 => Some(low),
                10 => Some(high),
                _ => None,
            };
            view! {
                <label class="rating-point">
                    <input type="radio" name=name.clone() value=code.to_string()
                        data-testid=format!("{name}-{code}")
                        disabled=move || !interview.editable()
                        prop:checked=move || interview.answer(&question.code) == Some(Answer::Number(i64::from(code)))
                        on:change=move |_| interview.set(question, Some(Answer::Number(i64::from(code))))/>
                    <span>{code}</span>
                    {low_or_high.map(|end| view! {
                        <span class="visually-hidden">" " {move || interview.text(end)}</span>
                    })}
                </label>
            }
        })
        .collect_view();
    view! {
        <p class="rating-ends" aria-hidden="true" lang=move || interview.language.get().0>
            <span>"0 = " {move || interview.text(low)}</span>
            <span>"10 = " {move || interview.text(high)}</span>
        </p>
        <div class="rating">{points}</div>
        {non_substantive_radios(interview, question, name)}
    }
}

/// A field for a number (`range`) or text (`text`: max length, long), with the
/// non-substantive answers as check boxes beside it.
fn typed(
    interview: Interview,
    question: &'static Question,
    typing_problem: RwSignal<Option<Msg>>,
    range: Option<(i64, i64)>,
    text: Option<(u32, bool)>,
    legend_id: &str,
) -> impl IntoView {
    let words = use_words();
    let name = format!("q-{}", question.code);
    let input_id = format!("{name}-input");
    let shown_value = move || match interview.answer(&question.code) {
        Some(Answer::Number(n)) => n.to_string(),
        Some(Answer::Text(t)) => t,
        _ => String::new(),
    };
    // What is typed, kept as typed (e.g. "-" on the way to "-3").
    let draft = RwSignal::new(shown_value());
    let on_input = move |event: leptos::ev::Event| {
        // Invisible controls (from a paste, say) are never kept: the collector refuses a
        // text holding them, and the interview would wait on the tablet for ever.
        let value = survey::batch::clean_text(&event_target_value(&event));
        draft.set(value.clone());
        let trimmed = value.trim();
        if range.is_some() {
            if trimmed.is_empty() {
                typing_problem.set(None);
                interview.set(question, None);
            } else if let Some(n) = parse_number::<i64>(trimmed) {
                typing_problem.set(None);
                interview.set(question, Some(Answer::Number(n)));
            } else {
                typing_problem.set(Some(Msg::InterviewTypingDigits));
            }
        } else if trimmed.is_empty() {
            interview.set(question, None);
        } else {
            interview.set(question, Some(Answer::Text(value)));
        }
    };
    // A non-substantive answer empties the field.
    Effect::new(move |_| {
        if interview
            .answer(&question.code)
            .is_some_and(|a| a.non_substantive().is_some())
        {
            draft.set(String::new());
            typing_problem.set(None);
        }
    });
    let field = match (range, text) {
        (Some((min, max)), _) => view! {
            <input type="text" inputmode="numeric" autocomplete="off" class="number-input"
                id=input_id.clone() data-testid=input_id.clone() aria-labelledby=legend_id.to_owned()
                placeholder=format!("{min}–{max}")
                disabled=move || !interview.editable()
                prop:value=move || draft.get() on:input=on_input/>
        }
        .into_any(),
        (None, Some((max_length, true))) => view! {
            <textarea id=input_id.clone() data-testid=input_id.clone() rows="4"
                aria-labelledby=legend_id.to_owned() maxlength=max_length.to_string()
                disabled=move || !interview.editable()
                lang=move || interview.language.get().0
                prop:value=move || draft.get() on:input=on_input></textarea>
            <p class="counter">{move || {
                words.language().interview_typing_counter(max_length, draft.get().chars().count())
            }}</p>
        }
        .into_any(),
        (None, Some((max_length, false))) => view! {
            <input type="text" autocomplete="off" id=input_id.clone() data-testid=input_id.clone()
                aria-labelledby=legend_id.to_owned() maxlength=max_length.to_string()
                disabled=move || !interview.editable()
                lang=move || interview.language.get().0
                prop:value=move || draft.get() on:input=on_input/>
        }
        .into_any(),
        (None, None) => ().into_any(),
    };
    let extra = non_substantive_boxes(interview, question, &name);
    view! {
        {field}
        <div class="choices non-substantive-choices">{extra}</div>
    }
}
