//! The Today screen: log a door in two taps, return to call-backs, continue interviews
//! in progress, and today's figures.

use leptos::prelude::*;
use survey::questionnaire::LanguageCode;
use survey::record::{DoorNote, QuestionnaireRef, ResponseStatus, VisitOutcome};
use survey::{Response, Store, Visit, VisitId};

use super::{counts_of, open_call_backs, outcome_label};
use crate::app_state::AppState;
use crate::platform::{clock, focus};
use crate::routes::{Link, Navigator, Page, Step};
use crate::ui::{InstallHint, OfflineReadinessCard, ReadProblem, Unreadable};
use crate::words::{use_words, Msg};

/// A return to a call-back door, chosen before the outcome.
#[derive(Clone, Debug, PartialEq)]
struct ReturnVisit {
    follows: VisitId,
    attempt: u16,
}

#[component]
pub fn TodayPage() -> impl IntoView {
    let app = expect_context::<AppState>();
    let words = use_words();
    let t = move |msg| words.text(msg);
    view! {
        <section class="page" data-testid="page-today" aria-labelledby="today-title">
            <h1 id="today-title" tabindex="-1">{t(Msg::TodayTitle)}</h1>
            {move || match app.setup.get() {
                None => view! {
                    <div class="card card--hint" data-testid="setup-needed">
                        <h2 class="card__title">{t(Msg::TodaySetupNeededTitle)}</h2>
                        <p>{t(Msg::TodaySetupNeededBody)}</p>
                        <Link page={Page::SetUp} {..} class="button button--primary" data-testid="go-setup">{t(Msg::TodaySetupNeededGo)}</Link>
                    </div>
                }.into_any(),
                Some(_) => view! { <DoorLog/> }.into_any(),
            }}
            <OfflineReadinessCard/>
            <InstallHint/>
        </section>
    }
}

#[component]
fn DoorLog() -> impl IntoView {
    let app = expect_context::<AppState>();
    let navigator = expect_context::<Navigator>();
    let words = use_words();
    let t = move |msg| words.text(msg);
    let chosen = RwSignal::new(None::<VisitOutcome>);
    let returning = RwSignal::new(None::<ReturnVisit>);
    let note = RwSignal::new(String::new());
    // The outcome of the visit just saved (other than an interview, which opens).
    let saved = RwSignal::new(None::<VisitOutcome>);
    let stored_visits = Memo::new(move |_| app.visits());
    // Counts and call-backs show what could be read; the problem is said above them.
    let visits = Memo::new(move |_| stored_visits.get().unwrap_or_default());

    let save = move |_| {
        let (Some(outcome), Some(setup)) = (chosen.get_untracked(), app.setup.get_untracked())
        else {
            return;
        };
        let return_visit = returning.get_untracked();
        let text = note.get_untracked();
        let visit = Visit {
            id: clock::new_visit_id(),
            time: clock::now(),
            area: setup.area.as_str().into(),
            outcome,
            attempt: return_visit.as_ref().map_or(1, |r| r.attempt),
            door_note: (!text.trim().is_empty()).then(|| DoorNote::new(text.trim())),
            follows: return_visit.map(|r| r.follows),
            uploaded: None,
        };
        if app.save_visit(&visit).is_err() {
            return;
        }
        chosen.set(None);
        returning.set(None);
        note.set(String::new());
        if outcome == VisitOutcome::Interviewed {
            let q = app.questionnaire;
            let language = q
                .source_language()
                .cloned()
                .unwrap_or_else(|| LanguageCode("en".into()));
            let mut response = Response::start(
                clock::new_response_id(),
                QuestionnaireRef::of(q),
                &setup.assignment(),
                language,
                clock::now(),
            );
            response.visit = Some(visit.id);
            // A failed write keeps the response in memory and the banner says so; the
            // interview goes on.
            let _ = app.save_response(&response);
            navigator.go(Page::Interview(response.id, Step::Section(0)));
        } else {
            saved.set(Some(outcome));
            focus::focus_later("[data-testid=visit-saved]".to_owned());
        }
    };

    // Starting an interview is the main action: its button comes first, full width and
    // filled; the other outcomes follow, filled only once chosen.
    let outcome_buttons = std::iter::once(VisitOutcome::Interviewed)
        .chain(
            VisitOutcome::ALL
                .into_iter()
                .filter(|o| *o != VisitOutcome::Interviewed),
        )
        .map(|outcome| {
            let main = outcome == VisitOutcome::Interviewed;
            view! {
                <button type="button" class="button outcome"
                    class:outcome--main=main
                    class:button--primary=move || main || chosen.get() == Some(outcome)
                    data-testid=format!("visit-outcome-{}", outcome.as_str())
                    aria-pressed=move || (chosen.get() == Some(outcome)).to_string()
                    on:click=move |_| {
                        saved.set(None);
                        chosen.set(Some(outcome));
                        focus::focus_later("[data-testid=visit-save]".to_owned());
                    }>
                    {t(outcome_label(outcome))}
                </button>
            }
        })
        .collect_view();

    let counts = move || {
        let today = clock::local_day(clock::now());
        visits.with(|visits| counts_of(visits, |time| clock::local_day(time) == today))
    };

    let call_backs = move || {
        visits.with(|visits| {
            open_call_backs(visits)
                .into_iter()
                .map(|visit| {
                    let id = visit.id;
                    let attempt = visit.attempt;
                    let note_text = visit.door_note.as_ref().map(|n| n.as_str().to_owned());
                    let prefill = note_text.clone().unwrap_or_default();
                    let language = words.language();
                    let when = language.date_time(clock::local(visit.time));
                    view! {
                        <li class="call-back" data-testid="call-back">
                            <p class="call-back__note">
                                {note_text.unwrap_or_else(|| language.t(Msg::TodayCallBackNoNote).to_owned())}
                            </p>
                            <p class="call-back__meta">{language.today_call_back_when(attempt, when)}</p>
                            <button type="button" class="button" data-testid=format!("call-back-{id}")
                                on:click=move |_| {
                                    returning.set(Some(ReturnVisit { follows: id, attempt: attempt.saturating_add(1) }));
                                    note.set(prefill.clone());
                                    chosen.set(None);
                                    saved.set(None);
                                    focus::focus_later("#log-title".to_owned());
                                }>
                                {language.today_call_back_back(attempt.saturating_add(1))}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let has_call_backs = move || visits.with(|visits| !open_call_backs(visits).is_empty());

    let drafts = Memo::new(move |_| app.summaries_with_status(ResponseStatus::Draft));

    view! {
        // An interview left by a reload, crash or restart comes first: it is the door the
        // worker is standing at.
        {move || drafts.get().err().map(|error| view! {
            <ReadProblem what=Unreadable::Drafts error=error/>
        })}
        {move || {
            let drafts = drafts.get().unwrap_or_default();
            let language = words.language();
            (!drafts.is_empty()).then(|| view! {
                <div class="card card--warn" data-testid="drafts">
                    <h2 class="card__title">{t(Msg::TodayDraftsTitle)}</h2>
                    <ul class="plain-list">
                        {drafts.into_iter().map(|draft| view! {
                            <li>
                                <Link page={Page::Interview(draft.id, Step::Resume)} {..}
                                    class="button button--primary" data-testid="continue-draft">
                                    {language.today_drafts_continue(
                                        draft.answered,
                                        language.date_time(clock::local(draft.started)),
                                    )}
                                </Link>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            })
        }}

        <div class="card" aria-labelledby="log-title">
            <h2 class="card__title" id="log-title" data-testid="log-title" tabindex="-1">
                {move || match returning.get() {
                    Some(r) => words.language().today_log_returning(r.attempt),
                    None => words.language().t(Msg::TodayLogTitle).to_owned(),
                }}
            </h2>
            <p class="card__help" id="outcome-help">{t(Msg::TodayLogHelp)}</p>
            <div class="outcomes" role="group" aria-labelledby="log-title outcome-help">{outcome_buttons}</div>
            <Show when=move || chosen.get().is_some()>
                <div class="visit-confirm">
                    <label for="visit-note">{t(Msg::TodayNoteLabel)}</label>
                    <textarea id="visit-note" data-testid="visit-note" rows="2" maxlength="200"
                        placeholder=t(Msg::TodayNotePlaceholder)
                        prop:value=move || note.get()
                        on:input=move |event| note.set(event_target_value(&event))></textarea>
                    <div class="actions">
                        <button type="button" class="button button--primary" data-testid="visit-save" on:click=save>
                            {move || {
                                let language = words.language();
                                match chosen.get() {
                                    Some(VisitOutcome::Interviewed) => language.t(Msg::TodayStart).to_owned(),
                                    Some(outcome) => language.today_save(outcome_label(outcome)),
                                    None => String::new(),
                                }
                            }}
                        </button>
                        <button type="button" class="button" data-testid="visit-cancel"
                            on:click=move |_| { chosen.set(None); returning.set(None); note.set(String::new()); }>
                            {t(Msg::TodayCancel)}
                        </button>
                    </div>
                </div>
            </Show>
            <p class="saved" role="status" data-testid="visit-saved" tabindex="-1">
                {move || saved.get().map(|outcome| words.language().today_saved(outcome_label(outcome)))}
            </p>
        </div>

        <Show when=has_call_backs>
            <div class="card" data-testid="call-backs">
                <h2 class="card__title">{t(Msg::TodayCallBacksTitle)}</h2>
                <ul class="plain-list">{call_backs}</ul>
            </div>
        </Show>

        <div class="card" data-testid="today-counts">
            <h2 class="card__title">{t(Msg::TodayCountsTitle)}</h2>
            <dl class="counts">
                <div><dt>{t(Msg::TodayCountsDoors)}</dt><dd data-testid="count-doors">{move || words.language().number(counts().doors)}</dd></div>
                <div><dt>{t(Msg::TodayCountsInterviews)}</dt><dd data-testid="count-interviews">{move || words.language().number(counts().interviews)}</dd></div>
                <div><dt>{t(Msg::TodayCountsContactRate)}</dt><dd data-testid="count-contact-rate">
                    {move || counts().contact_rate().map_or_else(|| "–".to_owned(), |rate| words.language().today_counts_percent(rate))}
                </dd></div>
            </dl>
        </div>

        {move || stored_visits.get().err().map(|error| view! {
            <ReadProblem what=Unreadable::Visits error=error/>
        })}

    }
}
