fn main() {
    // The words of the language chosen on this tablet are loaded (from the service
    // worker's cache) before the first screen is drawn, so it never shows in another.
    wasm_bindgen_futures::spawn_local(async {
        let start = doorstep::words::Start::load().await;
        leptos::mount::mount_to_body(move || leptos::view! { <doorstep::App start=start/> });
    });
}
