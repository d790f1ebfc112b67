use leptos::prelude::*;

use crate::platform::pwa;
use crate::words::{use_words, Msg};

/// When the app runs in a browser tab: a hint to add it to the home screen, because
/// browsers keep an installed app's data more reliably. Offers the browser's own install
/// dialog when it has one.
#[component]
pub fn InstallHint() -> impl IntoView {
    let words = use_words();
    let (installed, set_installed) = signal(pwa::is_installed());
    let (can_prompt, set_can_prompt) = signal(pwa::install_prompt_available());
    let installable = window_event_listener_untyped("doorstep-installable", move |_| {
        set_can_prompt.set(pwa::install_prompt_available());
    });
    let installed_now =
        window_event_listener_untyped("appinstalled", move |_| set_installed.set(true));
    // The hint is mounted again on every visit to the home screen: don't pile up listeners.
    on_cleanup(move || {
        installable.remove();
        installed_now.remove();
    });
    let install = move |_| {
        pwa::show_install_prompt();
        set_can_prompt.set(false);
    };
    view! {
        <Show when=move || !installed.get()>
            <section class="card card--hint" data-testid="install-hint" aria-labelledby="install-hint-title">
                <h2 id="install-hint-title" class="card__title">{words.text(Msg::InstallTitle)}</h2>
                <p>{words.text(Msg::InstallBody)}</p>
                <Show
                    when=move || can_prompt.get()
                    fallback=move || view! {
                        <p class="card__help">{words.text(Msg::InstallChrome)}</p>
                    }
                >
                    <button type="button" class="button button--primary" data-testid="install-button" on:click=install>
                        {words.text(Msg::InstallButton)}
                    </button>
                </Show>
            </section>
        </Show>
    }
}
