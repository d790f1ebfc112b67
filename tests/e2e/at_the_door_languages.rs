//! Issue 13's thirteen, held in Turkish and in Bengali: a worker who reads the app in
//! their language, with a resident answering in the same, walks the day at a phone's and a
//! tablet's width (set-up, a door, an interview with its problems, a reload, a change
//! from the review, completion, a failed upload, a share, the receipt). The words looked
//! for are the catalog's in that language (`doorstep_e2e::words`), so a message the app
//! still says in English fails here; the questionnaire's are the questionnaire's.

use doorstep_e2e::journey::{
    answer_the_rest, answer_to_review, consent_and_age, navigation_in_view, next, offline_card,
    open_and_set_up_with_token, see_section,
};
use doorstep_e2e::person::{check_at, check_widths};
use doorstep_e2e::share_sheet;
use doorstep_e2e::words::WorkerWords;
use doorstep_e2e::{add_token, dist, Collector, Result, Scratch, Worker};
use serde_json::{json, Value};
use survey::questionnaire::LanguageCode;

const PHONE: (u32, u32) = (360, 740);
const TABLET: (u32, u32) = (800, 1280);

/// The questionnaire's text of question `code` in `language`.
fn question_text(code: &str, language: &str) -> Result<String> {
    let questionnaire = survey::shipped::shared_questionnaire()?;
    let language = LanguageCode(language.into());
    let question = questionnaire
        .question(&code.into())
        .ok_or_else(|| format!("no question {code}"))?;
    Ok(question.text.get(&language, &language).to_owned())
}

/// The title of section `index` (from 0) in `language`.
fn section_title(index: usize, language: &str) -> Result<String> {
    let questionnaire = survey::shipped::shared_questionnaire()?;
    let language = LanguageCode(language.into());
    let section = questionnaire
        .sections
        .get(index)
        .ok_or_else(|| format!("no section {index}"))?;
    Ok(section.title.get(&language, &language).to_owned())
}

/// Asserts that `text` has none of the English `words` (each replaced by the language's).
fn no_english(text: &str, words: &[&str], where_: &str) {
    for english in words {
        assert!(!text.contains(english), "{english:?} on {where_}: {text}");
    }
}

/// The whole walk in the language `code`.
async fn walk(code: &str) -> Result<()> {
    let words = WorkerWords::of(code)?;
    let english = WorkerWords::of("en")?;
    let say = |key: &str| words.say(key, &[]);
    let label = format!("door-{code}");
    let data = Scratch::new(&label)?;
    let token = add_token(data.path(), "hackney-council")?;
    let mut collector = Collector::start(&dist(), data.path())?;
    let addr = collector.addr().to_owned();
    let downloads = Scratch::new(&format!("{label}-downloads"))?;
    let mut worker = Worker::launch(&label).await?;
    worker.allow_downloads(downloads.path()).await?;
    share_sheet::offer(&worker).await?;
    open_and_set_up_with_token(&mut worker, &collector, Some(&token)).await?;
    worker.wait_until_ready_offline().await?;

    // 11. The worker chooses their language by its name; the resident's is chosen in
    // each interview.
    worker.follow("Settings").await?;
    let draft = english.say("settings.language.draft", &[])?;
    worker.tick(&format!("{} {draft}", words.name())).await?;
    worker.see_heading(&say("settings.title")?).await?;

    // 7. The navigation fits, every link on one line, from a small phone to a laptop.
    worker.follow(&say("nav.today")?).await?;
    worker.see_heading(&say("today.title")?).await?;
    let navigation: Vec<String> = ["nav.today", "nav.interviews", "nav.hand_in", "nav.settings"]
        .into_iter()
        .map(say)
        .collect::<Result<_>>()?;
    for screen in [(320, 640), PHONE, TABLET, (1280, 900)] {
        check_at(&worker, &format!("door-{code}-today"), screen).await?;
        assert_eq!(
            navigation_in_view(&worker).await?,
            navigation,
            "at {screen:?}"
        );
    }
    worker.use_screen(PHONE.0, PHONE.1).await?;

    // 8. Starting an interview is the main action: the first outcome.
    let first = worker
        .run("return document.querySelector('[role=group] button')?.textContent.trim();")
        .await?;
    assert_eq!(first, json!(say("outcome.interviewed")?));
    worker.press(&say("outcome.interviewed")?).await?;
    worker.press(&say("today.start")?).await?;
    worker.see("q-CONSENT").await?;
    worker.tap(&format!("language-{code}")).await?;
    let consent = question_text("CONSENT", code)?;
    worker.see_words(&consent).await?;

    // 9. What stops the worker, in their words: two questions need an answer.
    worker.press(&say("interview.section.next")?).await?;
    let two = words.count("interview.problems.unanswered", 2, &[])?;
    let text = worker
        .see_words(&words.say("interview.problems.before_go_on", &[("what", &two)])?)
        .await?;
    assert!(
        text.contains(&say("interview.problem.required.consent")?),
        "{text}"
    );
    no_english(
        &text,
        &["before you go on", "Needs an answer"],
        "the consent step",
    );
    check_widths(&worker, &format!("door-{code}-problems"), PHONE).await?;

    // 5. After consent "No", the button says it ends the interview.
    worker.tap("q-CONSENT-2").await?;
    assert!(worker.has_button(&say("interview.review.end")?).await?);
    assert!(!worker.has_button(&say("interview.section.review")?).await?);
    consent_and_age(&worker, 5).await?;
    see_section(&worker, "your_area").await?;

    // 1. A reload inside the interview keeps the app ready without signal.
    worker.reload().await?;
    see_section(&worker, "your_area").await?;
    worker.follow(&say("nav.today")?).await?;
    worker.see_heading(&say("today.title")?).await?;
    assert_eq!(
        offline_card(&worker, &say("offline.preparing")?).await?,
        say("offline.ready")?
    );

    // 8. After the reload the interview in progress comes first, its link in view.
    let continuing = worker
        .wait_until(
            "the interviews in progress first",
            &format!(
                "(() => {{ const first = document.querySelector('main h1 ~ *');
                   const a = first && first.querySelector('a');
                   if (!a || !first.textContent.includes({})) return null;
                   const r = a.getBoundingClientRect();
                   return [a.textContent.trim(), r.bottom <= innerHeight]; }})()",
                json!(say("today.drafts.title")?)
            ),
        )
        .await?;
    assert_eq!(continuing[1], json!(true), "below the fold: {continuing}");
    let continue_link = continuing[0].as_str().unwrap_or_default().to_owned();
    worker.follow(&continue_link).await?;
    see_section(&worker, "your_area").await?;

    // 9. An answer out of range is named as needing correcting, in the language's digits.
    for section in ["safety", "health", "home"] {
        answer_the_rest(&worker).await?;
        next(&worker).await?;
        see_section(&worker, section).await?;
    }
    worker.see_heading(&section_title(4, code)?).await?;
    answer_the_rest(&worker).await?;
    worker
        .type_text("q-BEDROOMS-input", &words.number(16))
        .await?;
    let range = words.say(
        "interview.problem.out_of_range",
        &[("min", &words.number(0)), ("max", &words.number(15))],
    )?;
    worker.see_words(&range).await?;
    worker.press(&say("interview.section.next")?).await?;
    let one = words.count("interview.problems.to_correct", 1, &[])?;
    worker
        .see_words(&words.say("interview.problems.before_go_on", &[("what", &one)])?)
        .await?;
    worker.clear_text("q-BEDROOMS-input").await?;
    worker
        .type_text("q-BEDROOMS-input", &words.number(3))
        .await?;
    worker
        .wait_until(
            "the range message to go",
            &format!("!document.body.innerText.includes({})", json!(range)),
        )
        .await?;

    // Through to the review.
    answer_to_review(&worker).await?;
    worker.see_heading(&say("interview.review.title")?).await?;
    no_english(
        &worker.page_text().await?,
        &["Complete interview", "Change", "Not answered"],
        "the review",
    );

    // 12. On a tablet the answer sits beside its question; on a phone, under it.
    let beside = "(() => { const row = document.querySelector('.review-row');
                    const q = row.querySelector('dt').getBoundingClientRect();
                    const a = row.querySelector('.review-row__answer').getBoundingClientRect();
                    return a.top < q.bottom && a.left >= q.right; })()";
    worker.use_screen(1280, 900).await?;
    assert_eq!(worker.run(&format!("return {beside};")).await?, json!(true));
    worker.use_screen(PHONE.0, PHONE.1).await?;
    assert_eq!(
        worker.run(&format!("return {beside};")).await?,
        json!(false)
    );
    check_widths(&worker, &format!("door-{code}-review"), PHONE).await?;

    // 4 and 10. "Change" is named by its question; the question is in view, and one tap
    // goes back to the review.
    let tenure = question_text("TENURE", code)?;
    let change = words.say("interview.review.change_label", &[("question", &tenure)])?;
    worker.press_named(&change).await?;
    worker.see_heading(&section_title(4, code)?).await?;
    let place = worker
        .wait_until(
            "the question in view",
            &format!(
                "(() => {{ const l = [...document.querySelectorAll('legend')].find((l) => l.textContent.includes({}));
                   const r = l && l.getBoundingClientRect();
                   return r && r.top >= 0 && r.bottom <= innerHeight ? [r.top, r.bottom] : null; }})()",
                json!(tenure)
            ),
        )
        .await?;
    assert!(place.is_array(), "{place}");
    worker
        .press(&say("interview.section.back_to_review")?)
        .await?;
    worker.see_heading(&say("interview.review.title")?).await?;

    // 10. The discard dialog keeps the interview first.
    worker.press(&say("interview.discard.open")?).await?;
    worker.see_words(&say("interview.discard.title")?).await?;
    let keep = say("interview.discard.keep")?;
    worker
        .wait_until(
            "focus on keeping it",
            &format!(
                "document.activeElement?.textContent.trim() === {}",
                json!(keep)
            ),
        )
        .await?;
    check_widths(&worker, &format!("door-{code}-discard"), PHONE).await?;
    worker.press(&keep).await?;

    // 6. Completed: saved and what comes next, none of the answers.
    worker.press(&say("interview.review.complete")?).await?;
    worker.see_heading(&say("interview.done.title")?).await?;
    let done = worker.see_words(&say("interview.done.saved")?).await?;
    let questionnaire = survey::shipped::shared_questionnaire()?;
    let tenure_question = questionnaire
        .question(&"TENURE".into())
        .ok_or("no TENURE question")?;
    let first_tenure = questionnaire
        .options(tenure_question)
        .first()
        .map(|option| {
            let language = LanguageCode(code.into());
            option.label.get(&language, &language).to_owned()
        })
        .ok_or("TENURE has no options")?;
    for answer in ["More bins", first_tenure.as_str(), tenure.as_str()] {
        assert!(
            !done.contains(answer),
            "{answer:?} on the complete screen: {done}"
        );
    }
    check_widths(&worker, &format!("door-{code}-complete"), PHONE).await?;

    // 3 and 2. The collector goes away: the header says it cannot be reached, and a
    // failed upload is prepared for upload, never exported.
    collector.kill();
    worker.follow(&say("nav.hand_in")?).await?;
    worker.see_heading(&say("hand_in.title")?).await?;
    worker.press(&say("upload.now")?).await?;
    let failed = words.say("upload.not_received", &[("problem", "")])?;
    worker.see_status(failed.trim()).await?;
    worker.see_words(&say("hand_in.batch.prepared")?).await?;
    let text = worker
        .see_words(&words.count("hand_in.stage.prepared", 1, &[])?)
        .await?;
    assert!(
        !text.contains(&say("hand_in.batch.export_again")?),
        "{text}"
    );
    let not_reached = say("reach.not_reached")?;
    let header = worker
        .run("return document.querySelector('header').innerText;")
        .await?;
    let header = header.as_str().unwrap_or_default();
    assert!(header.contains(&not_reached), "{header}");
    no_english(
        &text,
        &["Upload now", "prepared for upload", "Collector"],
        "Hand in",
    );
    check_widths(&worker, &format!("door-{code}-hand-in-failed"), PHONE).await?;

    // 10. The spreadsheet choice is kept when the worker leaves Hand in.
    let spreadsheet = say("hand_in.export.csv")?;
    worker.tick(&spreadsheet).await?;
    worker.follow(&say("nav.today")?).await?;
    worker.follow(&say("nav.hand_in")?).await?;
    let ticked = worker
        .wait_until(
            "the spreadsheet choice",
            &format!(
                "(() => {{ const l = [...document.querySelectorAll('label')].find((l) => l.textContent.trim() === {});
                   const box = l && (l.control || l.querySelector('input'));
                   return box ? box.checked : null; }})()",
                json!(spreadsheet)
            ),
        )
        .await?;
    assert_eq!(ticked, json!(true));

    // 13. Shared from the tablet, without a USB stick: now it is in a file.
    worker.press(&say("hand_in.export.share")?).await?;
    let shares: Value = worker
        .wait_until(
            "the share sheet to receive the files",
            "window.__shared.length ? window.__shared : null",
        )
        .await?;
    assert_eq!(
        shares[0]["files"].as_array().map(Vec::len),
        Some(3),
        "{shares}"
    );
    worker
        .see_words(&words.count("hand_in.stage.exported", 1, &[])?)
        .await?;

    // 10. The collector is back: the receipt in plain words, the header says so.
    let _collector = Collector::start_at(&addr, &dist(), data.path())?;
    worker.press_starting(&say("upload.now")?).await?;
    let new = words.say("upload.receipt.new", &[("n", &words.number(1))])?;
    worker
        .see_status(&words.say("upload.receipt.parts", &[("parts", &new)])?)
        .await?;
    worker
        .see_words(&words.count("hand_in.stage.received", 1, &[])?)
        .await?;
    worker.see_words(&say("reach.reached")?).await?;
    check_widths(&worker, &format!("door-{code}-hand-in-received"), PHONE).await?;
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_turkish_worker_s_day_at_the_door_holds_every_fix() -> Result<()> {
    walk("tr").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bengali_worker_s_day_at_the_door_holds_every_fix() -> Result<()> {
    walk("bn").await
}
