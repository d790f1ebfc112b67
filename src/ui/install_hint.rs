use leptos::prelude::*;

use crate::platform::pwa;

/// When the app runs in a browser tab: a hint to add it to the home screen, because
/// browsers keep an installed app's data more reliably. Offers the browser's own install
/// dialog when it has one.
#[component]
pub fn InstallHint() -> impl IntoView {
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
                <h2 id="install-hint-title" class="card__title">"Add Doorstep to your home screen"</h2>
                <p>
                    "You are using Doorstep in a browser tab. Installed, it opens from its own \
                     icon without signal, and the browser keeps your saved interviews more reliably."
                </p>
                <Show
                    when=move || can_prompt.get()
                    fallback=|| view! {
                        <p class="card__help">
                            "In Chrome, open the menu (⋮) and choose "
                            <strong>"Install app"</strong>" or "<strong>"Add to home screen"</strong>"."
                        </p>
                    }
                >
                    <button type="button" class="button button--primary" data-testid="install-button" on:click=install>
                        "Install Doorstep"
                    </button>
                </Show>
            </section>
        </Show>
    }
}
