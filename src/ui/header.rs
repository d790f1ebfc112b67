use crate::routes::{Link, Page};
use leptos::prelude::*;

use crate::platform::connection::Online;
use crate::words::{use_words, Msg};

/// The bar on every screen: the app's name, the live connection state and the navigation.
///
/// Reads the [`Online`] context; shows "Online" when none is provided.
#[component]
pub fn AppHeader() -> impl IntoView {
    let online = use_context::<Online>().map(|Online(online)| online);
    let is_online = move || online.map(|online| online.get()).unwrap_or(true);
    let words = use_words();
    view! {
        <header class="app-header">
            <div class="app-header__bar">
                <Link page={Page::Today} {..} class="app-header__name">"Doorstep"</Link>
                // role=status: screen readers announce a change of connection.
                <p
                    class="connection"
                    class:connection--offline=move || !is_online()
                    role="status"
                    data-testid="connection-status"
                >
                    <span class="connection__dot" aria-hidden="true"></span>
                    {move || if is_online() { "Online" } else { "Offline" }}
                </p>
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
