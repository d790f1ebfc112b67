//! A worker's day in a real headless Chromium with the real collector: set up the
//! tablet, log doors, interview residents from consent to complete, and never lose an
//! answer (reload, closed browser, no server, full storage, a damaged entry).

use std::collections::BTreeMap;

use doorstep_e2e::journey::{
    answer_the_rest, consent_and_age, next, open_and_set_up, section, see_section, start_interview,
    unanswered,
};
use doorstep_e2e::{dist, Collector, Profile, Result, Scratch, Worker};
use serde_json::{json, Value};

/// The collector serving the release build, with its own data folder.
fn serve(label: &str) -> Result<(Collector, Scratch)> {
    let data = Scratch::new(label)?;
    let collector = Collector::start(&dist(), data.path())?;
    Ok((collector, data))
}

/// A set-up tablet with an interview begun: consent given, 35–39, on "your area".
async fn past_consent(label: &str) -> Result<(Collector, Scratch, Worker)> {
    let (collector, data) = serve(label)?;
    let mut worker = Worker::launch(label).await?;
    open_and_set_up(&mut worker, &collector).await?;
    start_interview(&worker).await?;
    consent_and_age(&worker, 5).await?;
    Ok((collector, data, worker))
}

/// The one stored response (its JSON), and its key.
async fn stored_response(worker: &Worker) -> Result<(String, Value)> {
    let storage = worker.local_storage().await?;
    let responses: Vec<(&String, &String)> = storage
        .iter()
        .filter(|(k, _)| k.starts_with("doorstep/v1/response/"))
        .collect();
    match responses.as_slice() {
        [(key, value)] => Ok(((*key).clone(), serde_json::from_str(value)?)),
        other => Err(format!("expected one stored response, found {}", other.len()).into()),
    }
}

fn visits(storage: &BTreeMap<String, String>) -> Result<Vec<Value>> {
    storage
        .iter()
        .filter(|(k, _)| k.starts_with("doorstep/v1/visit/"))
        .map(|(_, v)| Ok(serde_json::from_str(v)?))
        .collect()
}

async fn is_checked(worker: &Worker, testid: &str) -> Result<bool> {
    let value = worker
        .run(&format!(
            "return document.querySelector('[data-testid={testid}]')?.checked === true;"
        ))
        .await?;
    Ok(value == json!(true))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_worker_sets_up_and_logs_doors_in_two_taps() -> Result<()> {
    let (collector, _data) = serve("setup-visits")?;
    let mut worker = Worker::launch("setup-visits").await?;
    worker.open(&collector.url("/")).await?;

    // No interview before set-up, even by address.
    worker.see("setup-needed").await?;
    worker
        .go("/interview/5f0c1c5e-8a8e-4c43-9a3e-2f7d0c1b6a11")
        .await?;
    worker.see("page-setup").await?;

    // Saving an empty form names every missing field.
    worker.tap("setup-save").await?;
    worker
        .see_text("setup-worker-problem", "worker code")
        .await?;
    worker.see_text("setup-agency-problem", "agency").await?;
    worker.see_text("setup-area-problem", "ward").await?;
    // A name is not a worker code.
    worker.type_text("setup-worker", "Jane Smith").await?;
    worker.tap("setup-save").await?;
    worker
        .see_text("setup-worker-problem", "Not your name")
        .await?;
    worker.clear_text("setup-worker").await?;

    worker.type_text("setup-worker", "w012").await?;
    worker.choose("setup-agency", "hackney-council").await?;
    worker.type_text("setup-device", "Tablet 07").await?;
    worker.choose("setup-area", "E05009370").await?;
    worker.tap("setup-save").await?;
    worker.see("page-today").await?;

    // Two taps: outcome, save.
    worker.tap("visit-outcome-no_answer").await?;
    worker.tap("visit-save").await?;
    worker.see_text("visit-saved", "Saved: No answer").await?;
    worker.see_text("count-doors", "1").await?;
    worker.see_text("count-contact-rate", "0%").await?;

    // A call-back with a door note that stays on the tablet.
    worker.tap("visit-outcome-call_back").await?;
    worker.type_text("visit-note", "Blue door, dog").await?;
    worker.tap("visit-save").await?;
    worker.see_text("call-backs", "Blue door, dog").await?;
    worker.see_text("call-backs", "attempt 1").await?;
    worker.see_text("count-doors", "2").await?;
    worker.see_text("count-contact-rate", "50%").await?;

    // Back at the door later: attempt 2, and the call-back is done.
    let call_back = worker
        .run("return document.querySelector('[data-testid^=call-back-]').dataset.testid;")
        .await?;
    worker.tap(call_back.as_str().unwrap_or_default()).await?;
    worker
        .see_text("log-title", "Back at a call-back door: attempt 2")
        .await?;
    worker.tap("visit-outcome-refused").await?;
    worker.tap("visit-save").await?;
    worker.see_text("visit-saved", "Saved: Refused").await?;
    worker.see_text("count-doors", "3").await?;
    assert!(
        !worker.is_showing("call-backs").await?,
        "the call-back was followed up"
    );

    let storage = worker.local_storage().await?;
    let visits = visits(&storage)?;
    assert_eq!(visits.len(), 3);
    let follow_up = visits
        .iter()
        .find(|v| v["o"] == "refused")
        .ok_or("no refused visit")?;
    assert_eq!(follow_up["n"], 2, "attempt number: {follow_up}");
    assert_eq!(follow_up["note"], "Blue door, dog");
    assert_eq!(follow_up["ar"], "E05009370");
    let setup: Value = serde_json::from_str(&storage["doorstep/v1/setup"])?;
    assert_eq!(setup["worker"], "W012");

    // Settings show the set-up and can change it.
    worker.tap("nav-settings").await?;
    worker.see_text("setup-summary-worker", "W012").await?;
    worker.see_text("setup-summary-area", "Dalston").await?;
    worker.tap("change-setup").await?;
    worker.choose("setup-area", "E05009367").await?;
    worker.tap("setup-save").await?;
    worker.see_text("setup-summary-area", "Brownswood").await?;
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_interview_from_consent_to_complete_with_the_collector_gone() -> Result<()> {
    let (mut collector, _data) = serve("full-interview")?;
    let mut worker = Worker::launch("full-interview").await?;
    open_and_set_up(&mut worker, &collector).await?;
    worker.wait_until_ready_offline().await?;
    collector.kill();
    worker.set_network(false).await?;
    worker.reload().await?;
    worker.see("page-today").await?;

    start_interview(&worker).await?;
    consent_and_age(&worker, 5).await?;
    let mut seen = vec!["consent".to_owned()];
    loop {
        let id = section(&worker).await?;
        if seen.last() != Some(&id) {
            seen.push(id.clone());
        }
        if id == "health" {
            // A 0–10 rating, tapped on its number.
            worker.tap("q-LIFE_SATISFACTION-8").await?;
        }
        answer_the_rest(&worker).await?;
        // Progress moves on and focus lands on the new section's heading.
        next(&worker).await?;
        if worker.is_showing("page-review").await? {
            break;
        }
        worker
            .wait_until(
                "the next section",
                &format!(
                    "document.querySelector('[data-testid=page-interview]')?.dataset.section !== {}",
                    json!(id)
                ),
            )
            .await?;
        worker
            .wait_until(
                "focus on the new section's heading",
                "document.activeElement?.tagName === 'H1'",
            )
            .await?;
    }
    assert_eq!(
        seen,
        [
            "consent",
            "your_area",
            "safety",
            "health",
            "home",
            "money_work",
            "community",
            "about_you"
        ]
    );

    // The review lists the answers, each with a way to change it.
    worker.see("page-review").await?;
    worker
        .see_text("review-AREA_SATISFACTION", "Very satisfied")
        .await?;
    worker.see_text("review-HOUSEHOLD_ADULTS", "2").await?;
    worker.tap("change-AREA_SATISFACTION").await?;
    see_section(&worker, "your_area").await?;
    worker
        .wait_until(
            "focus on the question to change",
            "document.activeElement?.closest('.question')?.id === 'q-AREA_SATISFACTION'",
        )
        .await?;
    worker.tap("q-AREA_SATISFACTION-2").await?;
    worker.go("/").await?;
    // Back to the review through the list of interviews in progress.
    worker.tap("nav-interviews").await?;
    worker.tap("filter-draft").await?;
    let row = worker.see_text("interview-row", "Continue").await?;
    assert!(row.contains("Dalston"), "{row}");
    let (_, response) = stored_response(&worker).await?;
    let id = response["id"].as_str().unwrap_or_default().to_owned();
    worker.go(&format!("/interview/{id}/review")).await?;
    worker
        .see_text("review-AREA_SATISFACTION", "Fairly satisfied")
        .await?;

    worker.tap("interview-complete").await?;
    worker.see("interview-completed").await?;
    let (_, response) = stored_response(&worker).await?;
    assert_eq!(response["st"], "complete");
    assert_eq!(response["w"], "W012");
    assert_eq!(response["ag"], "hackney-council");
    assert_eq!(response["ar"], "E05009370");
    assert_eq!(response["a"]["AREA_SATISFACTION"], 2);
    assert_eq!(response["a"]["CONSENT"], 1);
    assert_eq!(response["a"]["LIFE_SATISFACTION"], json!({"n": 8}));
    assert!(
        response["a"].as_object().map_or(0, |a| a.len()) >= 50,
        "{response}"
    );

    worker.tap("nav-interviews").await?;
    worker.see_text("filter-complete", "Completed (1)").await?;
    worker.tap("nav-today").await?;
    worker.see_text("count-interviews", "1").await?;
    assert!(!worker.is_showing("drafts").await?);
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn skip_logic_follows_the_answers() -> Result<()> {
    let (collector, _data) = serve("skip-logic")?;
    let mut worker = Worker::launch("skip-logic").await?;
    open_and_set_up(&mut worker, &collector).await?;

    // Under 16: the notice shows and "next" ends the interview; only the visit stays.
    start_interview(&worker).await?;
    worker.tap("q-CONSENT-1").await?;
    assert!(!worker.is_showing("q-UNDER_16_NOTICE").await?);
    worker.tap("q-AGE_16_PLUS-2").await?;
    worker.see("q-UNDER_16_NOTICE").await?;
    assert!(!worker.is_showing("q-AGE_BAND").await?);
    next(&worker).await?;
    worker.see_text("interview-ended", "not eligible").await?;
    let storage = worker.local_storage().await?;
    assert!(!storage
        .keys()
        .any(|k| k.starts_with("doorstep/v1/response/")));
    assert_eq!(visits(&storage)?[0]["o"], "not_eligible");

    // Consent refused: the interview ends, the visit says refused.
    worker.tap("ended-today").await?;
    start_interview(&worker).await?;
    worker.tap("q-CONSENT-2").await?;
    next(&worker).await?;
    worker.see_text("interview-ended", "no consent").await?;
    let storage = worker.local_storage().await?;
    assert!(!storage
        .keys()
        .any(|k| k.starts_with("doorstep/v1/response/")));
    assert!(visits(&storage)?.iter().any(|v| v["o"] == "refused"));

    // Renting asks who the landlord is; owning does not, and the answer stops counting.
    worker.tap("ended-today").await?;
    start_interview(&worker).await?;
    consent_and_age(&worker, 1).await?;
    let (_, response) = stored_response(&worker).await?;
    let id = response["id"].as_str().unwrap_or_default().to_owned();
    worker.go(&format!("/interview/{id}/section/5")).await?;
    see_section(&worker, "home").await?;
    assert!(!worker.is_showing("q-LANDLORD").await?);
    worker.tap("q-TENURE-4").await?;
    worker.tap("q-LANDLORD-2").await?;
    worker.tap("q-TENURE-1").await?;
    worker
        .wait_until(
            "the landlord question to go",
            "!document.querySelector('[data-testid=q-LANDLORD]')",
        )
        .await?;
    // 16–24: the education question shows in "money and work".
    worker.go(&format!("/interview/{id}/section/6")).await?;
    see_section(&worker, "money_work").await?;
    worker.see("q-IN_EDUCATION_TRAINING").await?;
    assert!(!worker.is_showing("q-DEBT_ADVICE_NOTICE").await?);
    worker.tap("q-BEHIND_PAYMENTS-1").await?;
    worker.see("q-DEBT_ADVICE_NOTICE").await?;
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_required_question_blocks_next_until_answered_and_dont_know_counts() -> Result<()> {
    let (collector, _data) = serve("required")?;
    let mut worker = Worker::launch("required").await?;
    open_and_set_up(&mut worker, &collector).await?;
    start_interview(&worker).await?;

    // Consent is required first.
    next(&worker).await?;
    worker.see_text("q-CONSENT-problem", "consent").await?;
    assert_eq!(section(&worker).await?, "consent");
    consent_and_age(&worker, 5).await?;
    see_section(&worker, "your_area").await?;

    next(&worker).await?;
    worker
        .see_text("problem-summary", "questions need an answer")
        .await?;
    worker
        .see_text("q-AREA_SATISFACTION-problem", "\u{201c}Don't know\u{201d}")
        .await?;
    assert_eq!(section(&worker).await?, "your_area");
    worker
        .wait_until(
            "focus on the first question with a problem",
            "document.activeElement?.closest('.question')?.id === 'q-AREA_SATISFACTION'",
        )
        .await?;

    // "Don't know" is an answer: its message goes at once.
    worker.tap("q-AREA_SATISFACTION-dk").await?;
    worker
        .wait_until(
            "the problem to clear",
            "document.querySelector('[data-testid=q-AREA_SATISFACTION-problem]').hidden",
        )
        .await?;
    for code in [
        "BELONGING",
        "DIFFERENT_BACKGROUNDS",
        "INFLUENCE_DECISIONS",
        "TRUST_NEIGHBOURS",
    ] {
        worker.tap(&format!("q-{code}-dk")).await?;
    }
    next(&worker).await?;
    see_section(&worker, "safety").await?;
    let (_, response) = stored_response(&worker).await?;
    assert_eq!(response["a"]["AREA_SATISFACTION"], "dk");

    // A number out of range is told while typing, and blocks "next".
    worker
        .go(&format!(
            "/interview/{}/section/5",
            response["id"].as_str().unwrap_or_default()
        ))
        .await?;
    see_section(&worker, "home").await?;
    worker.type_text("q-HOUSEHOLD_ADULTS-input", "25").await?;
    worker
        .see_text("q-HOUSEHOLD_ADULTS-problem", "from 1 to 20")
        .await?;
    worker.clear_text("q-HOUSEHOLD_ADULTS-input").await?;
    worker.type_text("q-HOUSEHOLD_ADULTS-input", "3").await?;
    worker
        .wait_until(
            "the range problem to clear",
            "document.querySelector('[data-testid=q-HOUSEHOLD_ADULTS-problem]').hidden",
        )
        .await?;
    let (_, response) = stored_response(&worker).await?;
    assert_eq!(response["a"]["HOUSEHOLD_ADULTS"], json!({"n": 3}));
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn switching_language_mid_interview_keeps_every_answer() -> Result<()> {
    let (collector, _data) = serve("language")?;
    let mut worker = Worker::launch("language").await?;
    open_and_set_up(&mut worker, &collector).await?;
    start_interview(&worker).await?;
    worker.tap("language-tr").await?;
    worker.see_text("q-CONSENT", "Evet").await?;
    consent_and_age(&worker, 5).await?;
    worker.tap("q-AREA_SATISFACTION-1").await?;
    worker
        .see_text("q-AREA_SATISFACTION", "Çok memnunum")
        .await?;

    worker.tap("language-bn").await?;
    worker.see_text("q-AREA_SATISFACTION", "খুব সন্তুষ্ট").await?;
    assert!(is_checked(&worker, "q-AREA_SATISFACTION-1").await?);
    worker.tap("language-en").await?;
    worker
        .see_text("q-AREA_SATISFACTION", "Very satisfied")
        .await?;
    assert!(is_checked(&worker, "q-AREA_SATISFACTION-1").await?);
    worker.tap("interview-back").await?;
    see_section(&worker, "consent").await?;
    assert!(is_checked(&worker, "q-CONSENT-1").await?);
    assert!(is_checked(&worker, "q-AGE_BAND-5").await?);
    let (_, response) = stored_response(&worker).await?;
    assert_eq!(response["l"], "en");
    assert_eq!(response["a"]["AREA_SATISFACTION"], 1);
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn reloading_mid_interview_resumes_at_the_same_question() -> Result<()> {
    let (_collector, _data, worker) = past_consent("reload").await?;
    answer_the_rest(&worker).await?;
    next(&worker).await?;
    see_section(&worker, "safety").await?;
    worker.tap("q-SAFE_AFTER_DARK-2").await?;
    worker.tap("q-SAFE_DAYTIME-1").await?;
    let path = worker.path().await?;

    worker.reload().await?;
    see_section(&worker, "safety").await?;
    assert_eq!(worker.path().await?, path);
    assert!(is_checked(&worker, "q-SAFE_AFTER_DARK-2").await?);
    assert!(is_checked(&worker, "q-SAFE_DAYTIME-1").await?);
    // The next question to answer is the one after the last answered.
    let left = unanswered(&worker).await?;
    assert_eq!(
        left.first().map(|(_, t)| t.as_str()),
        Some("q-WORRY_CRIME-1")
    );
    worker
        .wait_until(
            "focus on the next question",
            "document.activeElement?.closest('.question')?.id === 'q-WORRY_CRIME'",
        )
        .await?;
    worker.tap("interview-back").await?;
    see_section(&worker, "your_area").await?;
    assert!(
        unanswered(&worker).await?.is_empty(),
        "every answer is back"
    );
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_the_browser_and_opening_it_again_resumes_the_interview() -> Result<()> {
    let (collector, _data) = serve("reopen")?;
    let profile = Profile::new("reopen")?;
    let mut worker = Worker::launch_with_profile(&profile).await?;
    open_and_set_up(&mut worker, &collector).await?;
    start_interview(&worker).await?;
    consent_and_age(&worker, 5).await?;
    worker.tap("q-AREA_SATISFACTION-3").await?;
    worker.tap("q-BELONGING-2").await?;
    worker.close().await?;

    let mut worker = Worker::launch_with_profile(&profile).await?;
    worker.open(&collector.url("/")).await?;
    worker.see_text("drafts", "Interviews in progress").await?;
    worker.tap("continue-draft").await?;
    see_section(&worker, "your_area").await?;
    worker
        .wait_until(
            "focus on the next question",
            "document.activeElement?.closest('.question')?.id === 'q-DIFFERENT_BACKGROUNDS'",
        )
        .await?;
    assert!(is_checked(&worker, "q-AREA_SATISFACTION-3").await?);
    assert!(is_checked(&worker, "q-BELONGING-2").await?);
    assert!(worker.path().await?.ends_with("/section/2"));
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_device_keeps_the_answer_on_screen_and_loses_nothing_saved() -> Result<()> {
    let (_collector, _data, worker) = past_consent("full").await?;
    worker.tap("q-AREA_SATISFACTION-1").await?;
    let (key, before) = stored_response(&worker).await?;

    // Fill the rest of the browser's quota with something else.
    let filled = worker
        .run(
            "let chunk = 'x'.repeat(256 * 1024); let n = 0;
             while (chunk.length > 0) {
               try { localStorage.setItem('filler/' + n, chunk); n++; }
               catch (e) { chunk = chunk.slice(0, Math.floor(chunk.length / 2)); }
             }
             return n;",
        )
        .await?;
    assert!(filled.as_u64().unwrap_or(0) > 0);

    worker.tap("q-BELONGING-1").await?;
    worker.see_text("save-problem", "storage is full").await?;
    worker
        .see_text("save-problem", "Hand in completed interviews")
        .await?;
    // The answer stays on screen; what was saved is as it was.
    assert!(is_checked(&worker, "q-BELONGING-1").await?);
    let storage = worker.local_storage().await?;
    let stored: Value = serde_json::from_str(&storage[&key])?;
    assert_eq!(stored, before);
    // Moving between screens keeps the unsaved answer too.
    worker.tap("interview-back").await?;
    see_section(&worker, "consent").await?;
    next(&worker).await?;
    see_section(&worker, "your_area").await?;
    assert!(is_checked(&worker, "q-BELONGING-1").await?);

    // Space freed: "try again" saves it.
    worker
        .run("for (const k of Object.keys(localStorage)) if (k.startsWith('filler/')) localStorage.removeItem(k); return true;")
        .await?;
    worker.tap("save-retry").await?;
    worker
        .wait_until(
            "the banner to go",
            "!document.querySelector('[data-testid=save-problem]')",
        )
        .await?;
    let (_, after) = stored_response(&worker).await?;
    assert_eq!(after["a"]["BELONGING"], 1);
    assert_eq!(after["a"]["AREA_SATISFACTION"], 1);
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_response_is_set_aside_and_the_app_still_starts() -> Result<()> {
    let (_collector, _data, worker) = past_consent("damaged").await?;
    let (good_key, good) = stored_response(&worker).await?;
    let bad_id = "0f1e2d3c-4b5a-4968-8776-655443322110";
    worker
        .put_local_storage(
            &format!("doorstep/v1/response/{bad_id}"),
            "{\"id\": \"half-writ",
        )
        .await?;
    worker
        .put_local_storage(&format!("doorstep/v1/summary/{bad_id}"), "][")
        .await?;

    worker.go("/").await?;
    worker.reload().await?;
    worker.see("page-today").await?;
    worker.see_text("drafts", "Interviews in progress").await?;
    worker.tap("nav-interviews").await?;
    worker.see_text("filter-all", "All (1)").await?;
    worker.tap("nav-settings").await?;
    worker.see_text("storage-quarantined", "damaged").await?;

    let storage = worker.local_storage().await?;
    assert_eq!(
        storage
            .get(&format!("doorstep/v1/quarantine/response/{bad_id}"))
            .map(String::as_str),
        Some("{\"id\": \"half-writ")
    );
    assert!(!storage.contains_key(&format!("doorstep/v1/response/{bad_id}")));
    let still: Value = serde_json::from_str(&storage[&good_key])?;
    assert_eq!(still, good);
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn discarding_a_draft_asks_first() -> Result<()> {
    let (_collector, _data, worker) = past_consent("discard").await?;
    worker.tap("interview-discard").await?;
    worker
        .see_text("discard-confirm", "cannot be undone")
        .await?;
    worker.tap("discard-no").await?;
    assert!(!worker.is_showing("discard-confirm").await?);
    stored_response(&worker).await?;
    worker.tap("interview-discard").await?;
    worker.tap("discard-yes").await?;
    worker.see("page-today").await?;
    let storage = worker.local_storage().await?;
    assert!(!storage
        .keys()
        .any(|k| k.starts_with("doorstep/v1/response/")));
    worker.close().await
}

/// Checks the screen as it is now at the current size: no serious or critical axe-core
/// violations, no sideways scrolling, 48px targets; and saves a screenshot.
async fn check_screen(worker: &Worker, name: &str, size: (u32, u32)) -> Result<()> {
    let (width, height) = size;
    let problems = worker.accessibility_problems().await?;
    assert!(
        problems.is_empty(),
        "{name} at {width}px:\n{}",
        problems.join("\n")
    );
    let layout = worker.layout_problems().await?;
    assert!(
        layout.is_empty(),
        "{name} at {width}px:\n{}",
        layout.join("\n")
    );
    worker
        .screenshot(&format!("{name}-{width}x{height}"))
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn every_screen_of_the_day_is_accessible_on_phone_and_tablet() -> Result<()> {
    let (collector, _data) = serve("interview-a11y")?;
    let mut worker = Worker::launch("interview-a11y").await?;
    for size in [(360, 740), (800, 1280)] {
        worker.use_screen(size.0, size.1).await?;
        worker.open(&collector.url("/")).await?;
        worker.run("localStorage.clear(); return true;").await?;
        worker.reload().await?;
        worker.see("setup-needed").await?;
        check_screen(&worker, "today-before-setup", size).await?;
        worker.tap("go-setup").await?;
        worker.tap("setup-save").await?;
        worker
            .see_text("setup-worker-problem", "worker code")
            .await?;
        check_screen(&worker, "setup-problems", size).await?;
        worker.type_text("setup-worker", "W012").await?;
        worker.choose("setup-agency", "met-police").await?;
        worker.type_text("setup-device", "Tablet 07").await?;
        worker.choose("setup-area", "E05009370").await?;
        worker.tap("setup-save").await?;

        worker.tap("visit-outcome-call_back").await?;
        worker
            .type_text("visit-note", "Flat 3, buzzer broken")
            .await?;
        worker.tap("visit-save").await?;
        worker.see("call-backs").await?;
        worker.tap("visit-outcome-interviewed").await?;
        check_screen(&worker, "today", size).await?;

        worker.tap("visit-save").await?;
        worker.see("q-CONSENT").await?;
        check_screen(&worker, "interview-consent", size).await?;
        consent_and_age(&worker, 5).await?;
        see_section(&worker, "your_area").await?;
        next(&worker).await?;
        worker.see_text("problem-summary", "need an answer").await?;
        check_screen(&worker, "interview-problems", size).await?;
        let mut seen = Vec::new();
        loop {
            let id = section(&worker).await?;
            answer_the_rest(&worker).await?;
            if ["health", "home", "about_you"].contains(&id.as_str()) && !seen.contains(&id) {
                check_screen(&worker, &format!("interview-{id}"), size).await?;
            }
            seen.push(id.clone());
            next(&worker).await?;
            if worker.is_showing("page-review").await? {
                break;
            }
            worker
                .wait_until(
                    "the next section",
                    &format!("document.querySelector('[data-testid=page-interview]')?.dataset.section !== {}", json!(id)),
                )
                .await?;
        }
        check_screen(&worker, "review", size).await?;
        worker.tap("interview-complete").await?;
        worker.see("interview-completed").await?;
        check_screen(&worker, "completed", size).await?;

        worker.tap("nav-interviews").await?;
        worker.see("interview-row").await?;
        check_screen(&worker, "interviews", size).await?;
        worker.tap("nav-settings").await?;
        worker.see("storage-persisted").await?;
        check_screen(&worker, "settings", size).await?;
        worker.tap("nav-hand-in").await?;
        worker
            .see_text("waiting-count", "1 completed interview")
            .await?;
        check_screen(&worker, "hand-in", size).await?;

        worker.tap("nav-today").await?;
        start_interview(&worker).await?;
        worker.tap("q-CONSENT-2").await?;
        next(&worker).await?;
        worker.see("interview-ended").await?;
        check_screen(&worker, "ended", size).await?;
    }
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_list_of_interviews_handles_two_thousand() -> Result<()> {
    let (_collector, _data, worker) = past_consent("two-thousand").await?;
    worker.tap("q-AREA_SATISFACTION-1").await?;
    // 1,999 more stored, as the app stores them: 667 drafts with this one, 666 complete,
    // 667 handed in.
    worker
        .run(
            "const rKey = Object.keys(localStorage).find((k) => k.startsWith('doorstep/v1/response/'));
             const id = rKey.split('/').pop();
             const response = localStorage.getItem(rKey);
             const summary = localStorage.getItem('doorstep/v1/summary/' + id);
             const statuses = ['complete', 'uploaded', 'draft'];
             for (let n = 1; n < 2000; n++) {
               const fresh = crypto.randomUUID();
               const st = `\"st\":\"${statuses[n % 3]}\"`;
               const u = `\"u\":${Date.now() - n * 60000}`;
               localStorage.setItem('doorstep/v1/response/' + fresh,
                 response.replaceAll(id, fresh).replace(/\"st\":\"draft\"/, st).replace(/\"u\":\\d+/, u));
               localStorage.setItem('doorstep/v1/summary/' + fresh,
                 summary.replaceAll(id, fresh).replace(/\"st\":\"draft\"/, st).replace(/\"u\":\\d+/, u));
             }
             return true;",
        )
        .await?;
    worker.tap("nav-interviews").await?;
    worker.see_text("filter-all", "All (2000)").await?;
    worker.see_text("filter-draft", "In progress (667)").await?;
    worker
        .see_text("filter-complete", "Completed (666)")
        .await?;
    worker
        .see_text("filter-uploaded", "Handed in (667)")
        .await?;
    let rows = "document.querySelectorAll('[data-testid=interview-row]').length";
    assert_eq!(worker.run(&format!("return {rows};")).await?, json!(50));
    worker.tap("interviews-more").await?;
    worker
        .wait_until("100 rows", &format!("{rows} === 100"))
        .await?;
    // Newest first: the interview just taken (its time is now) leads the list.
    worker.tap("filter-draft").await?;
    worker
        .wait_until(
            "only drafts",
            "[...document.querySelectorAll('[data-testid=interview-row]')].every((r) => r.dataset.status === 'draft')",
        )
        .await?;
    worker.see_text("interview-row", "Continue").await?;
    worker.tap("filter-uploaded").await?;
    worker
        .wait_until(
            "only handed-in interviews",
            "[...document.querySelectorAll('[data-testid=interview-row]')].every((r) => r.dataset.status === 'uploaded')",
        )
        .await?;
    // Reading one opens it without its answers on screen; asked, they show and can no
    // longer change.
    worker
        .run("document.querySelector('[data-testid=interview-row] a').click(); return true;")
        .await?;
    worker.see("interview-uploaded").await?;
    assert!(!worker.is_showing("review-AREA_SATISFACTION").await?);
    worker.press("Show the answers").await?;
    worker
        .see_text("review-AREA_SATISFACTION", "Very satisfied")
        .await?;
    assert!(!worker.is_showing("interview-complete").await?);
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_interview_works_from_the_keyboard() -> Result<()> {
    let (collector, _data) = serve("keyboard")?;
    let mut worker = Worker::launch("keyboard").await?;
    open_and_set_up(&mut worker, &collector).await?;
    start_interview(&worker).await?;
    // Tab from the heading reaches the controls; space picks, arrows move within a group.
    worker
        .run("document.querySelector('[data-testid=q-CONSENT-1]').focus(); return true;")
        .await?;
    worker.press_keys(" ").await?;
    worker
        .run("document.querySelector('[data-testid=q-AGE_16_PLUS-2]').focus(); return true;")
        .await?;
    worker.press_keys("\u{e013}").await?; // arrow up: from "no" to "yes"
    worker.see("q-AGE_BAND").await?;
    worker
        .run("document.querySelector('[data-testid=q-AGE_BAND-1]').focus(); return true;")
        .await?;
    worker.press_keys("\u{e015}\u{e015}").await?; // arrow down twice: the third band
    worker
        .run("document.querySelector('[data-testid=interview-next]').focus(); return true;")
        .await?;
    worker.press_keys("\u{e007}").await?; // enter
    see_section(&worker, "your_area").await?;
    let (_, response) = stored_response(&worker).await?;
    assert_eq!(response["a"]["CONSENT"], 1);
    assert_eq!(response["a"]["AGE_16_PLUS"], 1);
    assert_eq!(response["a"]["AGE_BAND"], 3);
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn large_text_still_fits_without_sideways_scrolling() -> Result<()> {
    let (_collector, _data, worker) = past_consent("large-text").await?;
    let id = worker.path().await?;
    let id = id.split('/').nth(2).unwrap_or_default().to_owned();
    for size in [(360, 740), (800, 1280)] {
        worker.use_screen(size.0, size.1).await?;
        // The browser's text size at 200%.
        for (path, screen) in [
            ("/", "page-today"),
            (
                format!("/interview/{id}/section/2").as_str(),
                "page-interview",
            ),
            (
                format!("/interview/{id}/section/4").as_str(),
                "page-interview",
            ),
            (format!("/interview/{id}/review").as_str(), "page-review"),
            ("/interviews", "page-interviews"),
            ("/setup", "page-setup"),
        ] {
            worker.go(path).await?;
            worker.see(screen).await?;
            worker
                .run("document.documentElement.style.fontSize = '225%'; return true;")
                .await?;
            let overflow = worker
                .run("return document.documentElement.scrollWidth - window.innerWidth;")
                .await?;
            assert!(
                overflow.as_i64().unwrap_or(i64::MAX) <= 0,
                "{path} scrolls sideways by {overflow}px at {}px wide with 200% text",
                size.0
            );
        }
        worker
            .screenshot(&format!("large-text-interview-{}x{}", size.0, size.1))
            .await?;
    }
    worker.close().await
}
