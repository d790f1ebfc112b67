use crate::routes::{Link, Page};
use leptos::prelude::*;

use crate::hand_in::reach::{Reach, Tone};
use crate::words::{use_words, Msg};

/// The bar on every screen: the app's name, whether the collector can be reached, and
/// the navigation.
///
/// Reads the [`Reach`] context; shows no pill when none is provided.
#[component]
pub fn AppHeader() -> impl IntoView {
    let reach = use_context::<Reach>();
    let words = use_words();
    view! {
        <header class="app-header">
            <div class="app-header__bar">
                <Link page={Page::Today} {..} class="app-header__name">"Doorstep"</Link>
                // role=status on the state: screen readers hear when it changes, not the
                // time each time the collector answers again.
                {reach.map(|reach| {
                    let tone = move || reach.pill(words.language()).tone;
                    view! {
                        <p
                            class="connection"
                            class:connection--warn=move || tone() == Tone::Warn
                            class:connection--offline=move || tone() == Tone::NoSignal
                            data-testid="connection-status"
                            data-state=move || tone().as_str()
                        >
                            <span class="connection__dot" aria-hidden="true"></span>
                            <span class="connection__words">
                                <span role="status">{move || reach.pill(words.language()).state}</span>
                                {move || reach.pill(words.language()).detail.map(|detail| format!(" {detail}"))}
                            </span>
                        </p>
                    }
                })}
            </div>
            <nav class="app-nav" aria-label=words.text(Msg::NavLabel)>
                <Link page={Page::Today} {..} class="app-nav__link" data-testid="nav-today">
                    {words.text(Msg::NavToday)}
                </Link>
                <Link page={Page::Interviews} {..} class="app-nav__link" data-testid="nav-interviews">
                    {words.text(Msg::NavInterviews)}
                </Link>
                <Link page={Page::HandIn} {..} class="app-nav__link" data-testid="nav-hand-in">
                    {words.text(Msg::NavHandIn)}
                </Link>
                <Link page={Page::Settings} {..} class="app-nav__link" data-testid="nav-settings">
                    {words.text(Msg::NavSettings)}
                </Link>
            </nav>
        </header>
    }
}
