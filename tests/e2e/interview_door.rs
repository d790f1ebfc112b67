//! At the door (issue 13): what a new worker tripped over inside an interview, found as
//! a person finds it, by role, label and visible text. Changing an answer from the review
//! and going back in one tap; a button that says it ends the interview; the complete
//! screen without the answers, and the review turned towards the resident; problems
//! named as the question names them; the worker's words in a Turkish interview; the
//! discard dialog's safe answer first. Screenshots of each changed screen at 360, 800 and
//! 1280px go to target/e2e/screenshots/.

use doorstep_e2e::journey::{
    answer_the_rest, consent_and_age, next, open_and_set_up_with_token, section, start_interview,
    upload_the_one_waiting,
};
use doorstep_e2e::person::check_at;
use doorstep_e2e::{add_token, dist, Collector, Result, Scratch, Worker};
use serde_json::{json, Value};

const TENURE: &str = "Do you, or does your household, own or rent your home?";
const ORIENTATION: &str = "Which of these best describes your sexual orientation?";
const ETHNICITY: &str = "What is your ethnic group?";
const HEALTH: &str = "How is your health in general?";
const BEDROOMS: &str = "How many bedrooms does your home have?";
const TRAINING: &str = "Would you be interested in training";
const TRAINING_TYPE: &str = "Which kinds of support would interest you?";

/// The phone every test starts on.
const PHONE: (u32, u32) = (360, 740);

/// A set-up tablet at phone size, on Today.
async fn set_up(label: &str) -> Result<(Collector, Scratch, Worker)> {
    let data = Scratch::new(label)?;
    let token = add_token(data.path(), "hackney-council")?;
    let collector = Collector::start(&dist(), data.path())?;
    let mut worker = Worker::launch(label).await?;
    worker.use_screen(PHONE.0, PHONE.1).await?;
    open_and_set_up_with_token(&mut worker, &collector, Some(&token)).await?;
    Ok((collector, data, worker))
}

/// From the consent step: consent, 35–39, then every section answered as a hurried
/// worker would (with `about_you` given first, if any) up to the review.
async fn to_review(worker: &Worker, about_you: &[(&str, &str)]) -> Result<()> {
    consent_and_age(worker, 5).await?;
    loop {
        let id = section(worker).await?;
        if id == "about_you" {
            for (question, answer) in about_you {
                worker.tick_for(question, answer).await?;
            }
        }
        if id == "health" && !about_you.is_empty() {
            worker.tick_for(HEALTH, "Very bad").await?;
        }
        answer_the_rest(worker).await?;
        let before = worker.path().await?;
        next(worker).await?;
        worker
            .wait_until(
                "the next screen",
                &format!("location.pathname !== {}", json!(before)),
            )
            .await?;
        if worker.path().await?.ends_with("/review") {
            return worker.see_heading("Check the answers").await;
        }
    }
}

/// Checks the screen as it is at 360, 800 and 1280px: no serious or critical axe-core
/// violation, nothing wider than the screen, 48px targets; saves a screenshot of each,
/// `interview-door-<name>-<width>.png`, and comes back to the phone.
async fn check_screens(worker: &Worker, name: &str) -> Result<()> {
    for screen in [PHONE, (800, 1280), (1280, 800)] {
        check_at(worker, &format!("interview-door-{name}"), screen).await?;
    }
    worker.use_screen(PHONE.0, PHONE.1).await
}

/// Where the text of the question `question` is drawn: its top and bottom, and the
/// height of the screen.
async fn question_text_place(worker: &Worker, question: &str) -> Result<(f64, f64, f64)> {
    let place = worker
        .run(&format!(
            "const legend = [...document.querySelectorAll('legend')]
               .find((l) => l.textContent.includes({question}));
             if (!legend) return null;
             const r = legend.getBoundingClientRect();
             return [r.top, r.bottom, window.innerHeight];",
            question = json!(question)
        ))
        .await?;
    let number = |i: usize| place.get(i).and_then(Value::as_f64);
    match (number(0), number(1), number(2)) {
        (Some(top), Some(bottom), Some(height)) => Ok((top, bottom, height)),
        _ => Err(format!("no question {question:?} on screen: {place}").into()),
    }
}

/// Whether the (first visible) button reading `words` is wholly on the screen now.
async fn button_in_view(worker: &Worker, words: &str) -> Result<bool> {
    let value = worker
        .run(&format!(
            "const b = [...document.querySelectorAll('button')]
               .find((b) => b.textContent.trim() === {words} && b.offsetParent !== null);
             if (!b) return false;
             const r = b.getBoundingClientRect();
             return r.top >= 0 && r.bottom <= window.innerHeight;",
            words = json!(words)
        ))
        .await?;
    Ok(value == json!(true))
}

/// The one stored response's id.
async fn response_id(worker: &Worker) -> Result<String> {
    let storage = worker.local_storage().await?;
    storage
        .keys()
        .find_map(|key| key.strip_prefix("doorstep/v1/response/"))
        .map(str::to_owned)
        .ok_or_else(|| "no stored response".into())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_changed_from_the_review_shows_its_question_and_goes_back_in_one_tap(
) -> Result<()> {
    let (_collector, _data, worker) = set_up("door-change").await?;
    start_interview(&worker).await?;
    to_review(&worker, &[]).await?;
    assert!(worker.page_text().await?.contains("Own it outright"));

    // Screen readers hear the question, not its code.
    let names = worker.button_names().await?;
    assert!(
        names.iter().any(|n| n == &format!("Change: {TENURE}")),
        "{names:#?}"
    );
    assert!(
        !names.iter().any(|n| n.contains("TENURE")),
        "a code in a button's name: {names:#?}"
    );

    worker.press_named(&format!("Change: {TENURE}")).await?;
    worker.see_heading("Your home").await?;
    worker
        .wait_until(
            "focus on the question to change",
            &format!(
                "document.activeElement?.closest('fieldset')?.querySelector('legend')?.textContent.includes({})",
                json!(TENURE)
            ),
        )
        .await?;
    // The question's own text is on the screen, not scrolled off the top.
    let (top, bottom, height) = question_text_place(&worker, TENURE).await?;
    assert!(
        top >= 0.0 && bottom <= height,
        "the question's text is drawn from {top}px to {bottom}px on a {height}px screen"
    );

    // One tap after the new answer and the worker is back at the review.
    worker
        .tick_for(TENURE, "Own it with a mortgage or loan")
        .await?;
    assert!(
        button_in_view(&worker, "Back to review").await?,
        "\"Back to review\" is in reach without scrolling"
    );
    check_screens(&worker, "section-after-change").await?;
    worker
        .run("window.taps = 0; document.addEventListener('click', () => { window.taps += 1; }, true); return true;")
        .await?;
    worker.press("Back to review").await?;
    worker.see_heading("Check the answers").await?;
    assert_eq!(worker.run("return window.taps;").await?, json!(1));
    let review = worker.page_text().await?;
    assert!(
        review.contains("Own it with a mortgage or loan"),
        "{review}"
    );
    assert!(!review.contains("Own it outright"), "{review}");

    // Going back checks the section as "next" does: renting asks who the landlord is.
    worker.press_named(&format!("Change: {TENURE}")).await?;
    worker.tick_for(TENURE, "Rent").await?;
    worker.press("Back to review").await?;
    worker
        .see_words("1 question needs an answer before you go on.")
        .await?;
    worker.see_heading("Your home").await?;
    worker
        .tick_for("Who is your landlord?", "The council")
        .await?;
    worker.press("Back to review").await?;
    worker.see_heading("Check the answers").await?;
    let review = worker.page_text().await?;
    assert!(review.contains("The council"), "{review}");
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_button_that_ends_an_interview_says_so() -> Result<()> {
    let (_collector, _data, worker) = set_up("door-end").await?;
    start_interview(&worker).await?;
    worker.tick_for("Are you happy to take part?", "No").await?;
    worker.press("End interview").await?;
    worker.see_heading("Interview ended: no consent").await?;

    worker.follow("Back to today").await?;
    start_interview(&worker).await?;
    worker
        .tick_for("Are you happy to take part?", "Yes")
        .await?;
    assert!(!worker.page_text().await?.contains("End interview"));
    worker.tick_for("Are you aged 16 or over?", "No").await?;
    worker.press("End interview").await?;
    worker.see_heading("Interview ended: not eligible").await?;
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_discard_dialog_puts_keeping_the_interview_first() -> Result<()> {
    let (_collector, _data, worker) = set_up("door-discard").await?;
    start_interview(&worker).await?;
    worker
        .tick_for("Are you happy to take part?", "Yes")
        .await?;
    worker.press("Discard…").await?;
    worker.see_words("Discard this interview?").await?;
    worker
        .wait_until(
            "focus on \"Keep it\"",
            "document.activeElement?.textContent.trim() === 'Keep it'",
        )
        .await?;
    // "Keep it" is the filled, prominent button; "Yes, discard it" is outlined.
    let fills = worker
        .run(
            "const fill = (words) => getComputedStyle([...document.querySelectorAll('button')]
               .find((b) => b.textContent.trim() === words)).backgroundColor;
             return [fill('Keep it'), fill('Yes, discard it')];",
        )
        .await?;
    let white = json!("rgb(255, 255, 255)");
    assert_ne!(fills[0], white, "Keep it: {fills}");
    assert_eq!(fills[1], white, "Yes, discard it: {fills}");
    check_screens(&worker, "discard-dialog").await?;
    worker.press("Keep it").await?;
    worker
        .wait_until(
            "the dialog to close",
            "![...document.querySelectorAll('h2')].some((h) => h.textContent.includes('Discard this interview?'))",
        )
        .await?;
    response_id(&worker).await?;
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn problems_are_named_as_the_question_names_them_and_a_tick_too_many_is_told_at_once(
) -> Result<()> {
    let (_collector, _data, worker) = set_up("door-problems").await?;
    start_interview(&worker).await?;
    consent_and_age(&worker, 5).await?;
    let id = response_id(&worker).await?;

    // Out of range: the summary says an answer needs correcting, not an answer.
    worker.go(&format!("/interview/{id}/section/5")).await?;
    worker.see_heading("Your home").await?;
    answer_the_rest(&worker).await?;
    worker.type_answer(BEDROOMS, "16").await?;
    worker
        .see_words("Enter a whole number from 0 to 15.")
        .await?;
    worker.press("Next").await?;
    let text = worker
        .see_words("1 answer needs correcting before you go on.")
        .await?;
    assert!(!text.contains("needs an answer"), "{text}");
    let summary = worker
        .run("return [...document.querySelectorAll('[role=alert]')].map((e) => e.innerText).join('\\n');")
        .await?;
    let summary = summary.as_str().unwrap_or_default();
    assert!(summary.contains(BEDROOMS), "{summary}");
    assert!(
        summary.contains("Enter a whole number from 0 to 15."),
        "{summary}"
    );
    check_screens(&worker, "section-problems").await?;
    worker.type_answer(BEDROOMS, "3").await?;
    worker.press("Next").await?;
    worker.see_heading("Money and work").await?;

    // A fourth tick on "choose up to three" is told on the question at once, and kept.
    worker.tick_for(TRAINING, "Yes").await?;
    for label in [
        "English classes (ESOL)",
        "Maths or computer skills",
        "An apprenticeship",
    ] {
        worker.tick_for(TRAINING_TYPE, label).await?;
    }
    assert!(!worker.page_text().await?.contains("Choose at most 3"));
    worker
        .tick_for(TRAINING_TYPE, "Help to start a business")
        .await?;
    worker
        .see_words("Choose at most 3 answers (4 are chosen).")
        .await?;
    let ticked = worker
        .run(&format!(
            "const f = [...document.querySelectorAll('fieldset')]
               .find((f) => f.querySelector('legend').textContent.includes({}));
             return f.querySelectorAll('input[type=checkbox]:checked').length;",
            json!(TRAINING_TYPE)
        ))
        .await?;
    assert_eq!(ticked, json!(4), "nothing ticked is dropped");
    answer_the_rest(&worker).await?;
    worker.press("Next").await?;
    let text = worker
        .see_words("1 answer needs correcting before you go on.")
        .await?;
    assert!(text.contains(TRAINING_TYPE), "{text}");
    worker.tick_for(TRAINING_TYPE, "An apprenticeship").await?;
    worker
        .wait_until(
            "the message to go",
            "!document.body.innerText.includes('Choose at most 3')",
        )
        .await?;
    worker.press("Next").await?;
    worker.see_heading("Community and services").await?;
    worker.close().await
}

/// Every Turkish word of the questionnaire (questions, answers, titles, help), which may
/// rightly hold a dotted capital İ.
fn turkish_words() -> Result<std::collections::BTreeSet<String>> {
    fn collect(value: &Value, into: &mut std::collections::BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value) {
                        ("tr", Value::String(text)) => into.extend(words(text)),
                        _ => collect(value, into),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| collect(item, into)),
            _ => {}
        }
    }
    let questionnaire: Value = serde_json::from_str(include_str!(
        "../../survey/questionnaires/doorstep-qol.v1.json"
    ))?;
    let mut found = std::collections::BTreeSet::new();
    collect(&questionnaire, &mut found);
    Ok(found)
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
}

/// The words on screen with a dotted capital İ that are not the questionnaire's Turkish:
/// English words of the app upper-cased in the resident's locale ("REQUİRED").
async fn dotted_english(
    worker: &Worker,
    turkish: &std::collections::BTreeSet<String>,
) -> Result<Vec<String>> {
    let text = worker.page_text().await?;
    Ok(words(&text)
        .filter(|word| word.contains('İ') && !turkish.contains(word))
        .collect())
}

#[tokio::test(flavor = "multi_thread")]
async fn in_a_turkish_interview_an_english_speaking_worker_s_words_stay_english_and_change_names_the_question(
) -> Result<()> {
    let turkish = turkish_words()?;
    let (_collector, _data, worker) = set_up("door-turkish").await?;
    start_interview(&worker).await?;
    worker.press_named("Türkçe (draft)").await?;
    worker.see_heading("Başlamadan önce").await?;
    let wrong = dotted_english(&worker, &turkish).await?;
    assert!(wrong.is_empty(), "on the consent step: {wrong:?}");
    check_screens(&worker, "section-turkish").await?;
    to_review(&worker, &[]).await?;
    let wrong = dotted_english(&worker, &turkish).await?;
    assert!(wrong.is_empty(), "on the review: {wrong:?}");

    // "Change" names each question in the interview's language.
    let questionnaire = survey::shipped::shared_questionnaire()?;
    let tr = survey::questionnaire::LanguageCode("tr".into());
    let tenure = questionnaire
        .question(&"TENURE".into())
        .ok_or("no TENURE question")?;
    let name = format!("Change: {}", tenure.text.get(&tr, &tr));
    let names = worker.button_names().await?;
    assert!(names.contains(&name), "{name:?} not in {names:#?}");
    assert!(!names.iter().any(|n| n.contains("TENURE")), "{names:#?}");
    worker.press_named(&name).await?;
    worker.see_heading("Eviniz").await?;
    let wrong = dotted_english(&worker, &turkish).await?;
    assert!(wrong.is_empty(), "on the section: {wrong:?}");
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_review_turns_to_the_resident_and_the_complete_screen_keeps_the_answers_off_it(
) -> Result<()> {
    let (_collector, _data, worker) = set_up("door-complete").await?;
    start_interview(&worker).await?;
    let orientation = "Bisexual";
    let ethnicity = "Mixed or Multiple ethnic groups: White and Asian";
    to_review(
        &worker,
        &[(ORIENTATION, orientation), (ETHNICITY, ethnicity)],
    )
    .await?;
    let review = worker.page_text().await?;
    for answer in [orientation, ethnicity, "Very bad"] {
        assert!(review.contains(answer), "{answer} on the review");
    }
    let height = worker
        .run("return document.documentElement.scrollHeight;")
        .await?;
    eprintln!("the review of a full interview is {height}px tall at 360px wide");
    check_screens(&worker, "review").await?;

    // Turned towards the resident: the answers, none of the worker's buttons.
    worker.press("Show the resident").await?;
    worker
        .see_heading("Doorstep: quality of life in your area")
        .await?;
    let shown = worker.page_text().await?;
    assert!(shown.contains(ethnicity), "{shown}");
    for worker_words in ["Discard", "Leave for now", "Hand in", "Complete interview"] {
        assert!(!shown.contains(worker_words), "{worker_words:?} in {shown}");
    }
    let names = worker.button_names().await?;
    assert!(!names.iter().any(|n| n.starts_with("Change")), "{names:#?}");
    check_screens(&worker, "resident-view").await?;
    worker.press_named("Türkçe (draft)").await?;
    worker
        .see_heading("Doorstep: Bölgenizde yaşam kalitesi")
        .await?;
    worker.see_words("Biseksüel").await?;
    worker.press_named("English").await?;
    worker.press("Back to the worker's screen").await?;
    worker.see_heading("Check the answers").await?;

    worker.press("Complete interview").await?;
    worker.see_heading("Interview complete").await?;
    let done = worker.see_words("Saved on this tablet.").await?;
    for private in [
        orientation,
        ethnicity,
        "Very bad",
        ORIENTATION,
        ETHNICITY,
        HEALTH,
    ] {
        assert!(
            !done.contains(private),
            "{private:?} on the complete screen:\n{done}"
        );
    }
    check_screens(&worker, "complete").await?;
    // Correcting an answer brings them back, with the resident.
    worker.press("Correct an answer").await?;
    worker.see_heading("Check the answers").await?;
    assert!(worker.page_text().await?.contains(orientation));
    worker.press("Complete interview").await?;
    worker.see_heading("Interview complete").await?;

    // Handed in, it shows no answers either, unless asked.
    let id = response_id(&worker).await?;
    upload_the_one_waiting(&worker).await?;
    worker.go(&format!("/interview/{id}/review")).await?;
    worker.see_heading("Interview handed in").await?;
    let handed_in = worker.page_text().await?;
    assert!(!handed_in.contains(orientation), "{handed_in}");
    check_screens(&worker, "handed-in").await?;
    worker.press("Show the answers").await?;
    worker.see_words(orientation).await?;
    worker.close().await
}
