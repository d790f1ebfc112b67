//! Doorstep: the app a worker uses at residents' doors, built with Leptos (CSR) into
//! WebAssembly. `main.rs` only loads the worker's language ([`words::Start`]) and mounts
//! [`App`].
//!
//! Folders follow a worker's day, each holding its screen beside its logic: [`setup`],
//! [`today`] (the door log), [`interview`], [`interviews`] (the list), [`hand_in`],
//! [`settings`]. Beneath them, [`device`] is what is kept on the tablet and [`platform`]
//! is the browser; [`ui`] holds what every screen shares, [`routes`] the screens'
//! addresses and [`app_state`] the state they share; [`words`] is what the screens say,
//! in the worker's own language.

pub mod app_state;
pub mod device;
pub mod hand_in;
pub mod interview;
pub mod interviews;
pub mod platform;
pub mod routes;
pub mod settings;
pub mod setup;
pub mod today;
pub mod ui;
pub mod words;

use leptos::prelude::*;
use leptos::task::spawn_local;

use app_state::AppState;
use hand_in::{HandInPage, Reach, Uploads};
use interview::InterviewPage;
use interviews::InterviewsPage;
use platform::{connection, focus, pwa};
use routes::{Navigator, Page};
use settings::SettingsPage;
use setup::SetUpPage;
use today::TodayPage;
use ui::{AppHeader, NotFoundPage, SaveBanner, UpdateBanner};
use words::{Msg, Start, Words};

/// The whole app: shared state as context, the header, the banners and the screens.
#[component]
pub fn App(
    /// The language of the worker's screens it opens in, its words loaded.
    start: Start,
) -> impl IntoView {
    let navigator = routes::start();
    provide_context(navigator);
    let words = Words::start(start);
    provide_context(words);
    let online = connection::follow();
    provide_context(online);
    provide_context(pwa::start());
    spawn_local(async {
        // Not fatal: the settings panel shows the storage state either way.
        let _ = device::settings::on_first_run().await;
    });
    focus_heading_on_navigation(navigator);

    let questionnaire = match survey::shipped::shared_questionnaire() {
        // Loaded once and kept for the app's life, so screens can borrow it freely.
        Ok(questionnaire) => &*Box::leak(Box::new(questionnaire)),
        Err(error) => return broken_questionnaire(words, &error.to_string()).into_any(),
    };
    let app = AppState::new(questionnaire);
    provide_context(app);
    let reach = Reach::start(app.setup, Some(online));
    provide_context(reach);
    provide_context(Uploads::start(app, Some(online), Some(reach)));
    // Interviews handed in long enough ago leave the tablet (never before their receipt).
    // Not fatal: they are tried again at the next start.
    let _ = hand_in::outbox::clear_expired(
        &mut { app },
        device::settings::retention_days(),
        platform::clock::now(),
    );

    view! {
        <a class="skip-link" href="#main">{words.text(Msg::AppSkipToContent)}</a>
        <AppHeader/>
        <UpdateBanner/>
        <SaveBanner/>
        <main id="main" class="app-main">
            {move || {
                let page = navigator.current();
                // No interview before set-up: its responses would have no worker or ward.
                let needs_setup = matches!(page, Some(Page::Interview(..)))
                    && app.setup.with(Option::is_none);
                match page {
                    _ if needs_setup => view! { <SetUpPage/> }.into_any(),
                    Some(Page::Today) => view! { <TodayPage/> }.into_any(),
                    Some(Page::SetUp) => view! { <SetUpPage/> }.into_any(),
                    Some(Page::Interviews) => view! { <InterviewsPage/> }.into_any(),
                    Some(Page::HandIn) => view! { <HandInPage/> }.into_any(),
                    Some(Page::Settings) => view! { <SettingsPage/> }.into_any(),
                    Some(Page::Interview(id, step)) => view! { <InterviewPage id=id step=step/> }.into_any(),
                    None => view! { <NotFoundPage/> }.into_any(),
                }
            }}
        </main>
    }
    .into_any()
}

/// The questionnaire shipped with this build does not load: nothing can be asked, but
/// nothing stored is touched either. (The problem itself is for the coordinator, in the
/// file's own terms.)
fn broken_questionnaire(words: Words, problem: &str) -> impl IntoView {
    view! {
        <main id="main" class="app-main">
            <section class="page" data-testid="questionnaire-broken">
                <h1>{words.text(Msg::AppBrokenTitle)}</h1>
                <p>{words.text(Msg::AppBrokenBody)}</p>
                <pre class="problem" lang="en">{problem.to_owned()}</pre>
            </section>
        </main>
    }
}

/// Moves keyboard and screen-reader focus to the new screen's heading after navigation,
/// as a full page load would (or to the element a link asked for, such as the question
/// to change).
fn focus_heading_on_navigation(navigator: Navigator) {
    Effect::new(move |previous: Option<Option<Page>>| {
        let page = navigator.current();
        if previous.is_some() {
            let mut targets = navigator.take_focus().unwrap_or_default();
            targets.push("main h1".to_owned());
            focus::focus_first_later(targets);
        } else if matches!(page, Some(Page::Interview(_, routes::Step::Section(_)))) {
            // Reopened mid-interview (reload, crash, restart): the question to ask next.
            focus::focus_first_later(vec![focus::NEXT_QUESTION.to_owned()]);
        }
        // Otherwise, on first load the browser's own focus is right.
        page
    });
}
