//! A worker's steps through the app, shared by the end-to-end tests and the benchmark.

use serde_json::json;

use crate::{Collector, Result, Worker};

/// Opens the app and sets the tablet up as worker W012 of Hackney Council in Dalston.
pub async fn open_and_set_up(worker: &mut Worker, collector: &Collector) -> Result<()> {
    open_and_set_up_with_token(worker, collector, None).await
}

/// As [`open_and_set_up`], also typing the agency's upload `token` (the collector's
/// address is the one the app came from, as set-up suggests).
pub async fn open_and_set_up_with_token(
    worker: &mut Worker,
    collector: &Collector,
    token: Option<&str>,
) -> Result<()> {
    worker.open(&collector.url("/")).await?;
    worker.tap("go-setup").await?;
    worker.see("page-setup").await?;
    worker.type_text("setup-worker", "w012").await?;
    worker.choose("setup-agency", "hackney-council").await?;
    worker.type_text("setup-device", "Tablet 07").await?;
    worker.choose("setup-area", "E05009370").await?;
    if let Some(token) = token {
        worker.type_text("setup-token", token).await?;
    }
    worker.tap("setup-save").await?;
    worker.see("page-today").await?;
    worker.see("visit-outcome-interviewed").await?;
    Ok(())
}

/// Logs an "interview" visit and lands on the consent step.
pub async fn start_interview(worker: &Worker) -> Result<()> {
    worker.tap("visit-outcome-interviewed").await?;
    worker.see_text("visit-save", "Start interview").await?;
    worker.tap("visit-save").await?;
    worker.see("q-CONSENT").await?;
    Ok(())
}

/// Taps consent, "16 or over" and an age band, then "next".
pub async fn consent_and_age(worker: &Worker, age_band: u16) -> Result<()> {
    worker.tap("q-CONSENT-1").await?;
    worker.tap("q-AGE_16_PLUS-1").await?;
    worker.tap(&format!("q-AGE_BAND-{age_band}")).await?;
    next(worker).await
}

pub async fn next(worker: &Worker) -> Result<()> {
    worker.tap("interview-next").await
}

/// The section on screen (its id in the questionnaire).
pub async fn section(worker: &Worker) -> Result<String> {
    let value = worker
        .wait_until(
            "an interview section",
            "document.querySelector('[data-testid=page-interview]')?.dataset.section",
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

/// Waits for section `id` to be on screen.
pub async fn see_section(worker: &Worker, id: &str) -> Result<()> {
    worker
        .wait_until(
            &format!("section {id}"),
            &format!(
                "document.querySelector('[data-testid=page-interview]')?.dataset.section === {}",
                json!(id)
            ),
        )
        .await?;
    Ok(())
}

/// The questions on screen that take an answer and have none yet, with how to answer
/// each: the first option's test id, or the field's.
pub async fn unanswered(worker: &Worker) -> Result<Vec<(String, String)>> {
    let value = worker
        .run(
            "return [...document.querySelectorAll('.question:not(.notice)')]
               .filter((q) => !q.classList.contains('answered'))
               .map((q) => {
                 const field = q.querySelector('input[type=text], textarea');
                 const first = q.querySelector('.rating input, .choices input');
                 return field ? ['type', field.dataset.testid] : ['tap', first.dataset.testid];
               });",
        )
        .await?;
    let pairs: Vec<(String, String)> = serde_json::from_value(value)?;
    Ok(pairs)
}

/// Answers every question on screen the way a hurried worker would (first option, or
/// "2" in a number field, or a few words), tapping and typing one by one; questions
/// that skip logic reveals on the way are answered too.
pub async fn answer_the_rest(worker: &Worker) -> Result<()> {
    for _ in 0..40 {
        let left = unanswered(worker).await?;
        let Some((how, testid)) = left.into_iter().next() else {
            return Ok(());
        };
        if how == "type" {
            let text = if testid.contains("HOUSEHOLD")
                || testid.contains("BEDROOMS")
                || testid.contains("YEARS")
            {
                "2"
            } else {
                "More bins"
            };
            worker.type_text(&testid, text).await?;
        } else {
            worker.tap(&testid).await?;
        }
    }
    Err("questions kept appearing".into())
}

/// From any section of an interview: answers each section the way [`answer_the_rest`]
/// does and goes on, until the review is on screen.
pub async fn answer_to_review(worker: &Worker) -> Result<()> {
    while !worker.is_showing("page-review").await? {
        answer_the_rest(worker).await?;
        let before = worker.path().await?;
        next(worker).await?;
        worker
            .wait_until(
                "the next screen",
                &format!("location.pathname !== {}", json!(before)),
            )
            .await?;
    }
    Ok(())
}

/// From today's screen: logs an interview visit and takes a whole interview through to
/// "complete", answering every question the way [`answer_the_rest`] does.
pub async fn complete_interview(worker: &Worker) -> Result<()> {
    start_interview(worker).await?;
    consent_and_age(worker, 5).await?;
    answer_to_review(worker).await?;
    worker.tap("interview-complete").await?;
    worker.see("interview-completed").await?;
    worker.tap("completed-today").await?;
    worker.see("page-today").await?;
    Ok(())
}

/// From any screen: goes to Hand in, where the one completed interview is still to hand
/// in, uploads it with the button, and sees the collector's receipt for it.
pub async fn upload_the_one_waiting(worker: &Worker) -> Result<()> {
    worker.tap("nav-hand-in").await?;
    worker
        .see_text("waiting-count", "1 completed interview to hand in")
        .await?;
    worker.tap("upload-now").await?;
    worker
        .see_text("upload-status", "Received by the collector: 1 new.")
        .await?;
    Ok(())
}

/// The navigation links wholly on the screen, by their words.
pub async fn navigation_in_view(worker: &Worker) -> Result<Vec<String>> {
    let links = worker
        .run(
            "return [...document.querySelectorAll('nav a')].map((a) => {
               const r = a.getBoundingClientRect();
               return r.left >= 0 && r.right <= document.documentElement.clientWidth ? a.textContent.trim() : null;
             });",
        )
        .await?;
    Ok(serde_json::from_value::<Vec<Option<String>>>(links)?
        .into_iter()
        .flatten()
        .collect())
}

/// The offline card on Today once it has settled: no longer `preparing` ("Getting ready…"
/// in the screens' language).
pub async fn offline_card(worker: &Worker, preparing: &str) -> Result<String> {
    let value = worker
        .wait_until(
            "the offline card to settle",
            &format!(
                "(() => {{ const p = document.querySelector('#offline-title + p');
                   return p && p.textContent !== {} ? p.textContent : null; }})()",
                json!(preparing)
            ),
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}
