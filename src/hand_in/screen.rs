//! The Hand in screen: what is still to hand in and where each interview stands, upload
//! with a receipt, or export a file (and a spreadsheet) to save or share; the batches
//! made on this tablet ([`super::export_card`]).

use leptos::prelude::*;

use super::export_card::ExportAndBatches;
use super::progress::Overview;
use super::reach::Reach;
use super::upload::{UploadProblem, UploadState, Uploads};
use crate::app_state::AppState;
use crate::device::entries;
use crate::platform::connection::Online;
use crate::routes::{Link, Page};
use crate::ui::{ReadProblem, Unreadable};
use crate::words::{use_words, Msg, WorkerLanguage};

/// What the upload status says after a failure, in `language`: an upload that got as far
/// as preparing its batch says it was not received, so nobody takes a failed upload for a
/// hand-in.
fn failure_words(
    language: WorkerLanguage,
    problem: &UploadProblem,
    retry_in: Option<u32>,
) -> String {
    let prepared = !matches!(
        problem,
        UploadProblem::NotConfigured
            | UploadProblem::NothingWaiting
            | UploadProblem::OtherAgencyOnly { .. }
            | UploadProblem::Tablet(_)
            | UploadProblem::Encode(_)
    );
    let mut words = if prepared {
        language.upload_not_received(problem.message(language))
    } else {
        problem.message(language)
    };
    if let Some(seconds) = retry_in {
        words.push(' ');
        words.push_str(&language.upload_next_try(seconds));
    }
    words
}

/// `/hand-in`.
#[component]
pub fn HandInPage() -> impl IntoView {
    let app = expect_context::<AppState>();
    let uploads = expect_context::<Uploads>();
    let reach = use_context::<Reach>();
    let online = use_context::<Online>().map(|Online(online)| online);
    let words = use_words();
    let t = move |msg| words.text(msg);

    let overview = Memo::new(move |_| {
        uploads.state.track();
        Ok(Overview::of(&app.summaries()?, app.batch_records()?))
    });
    let progress =
        move || overview.with(|overview| overview.as_ref().map(|o| o.progress).unwrap_or_default());
    let headline = move || progress().headline(words.language());
    let lines = move || progress().lines(words.language());
    let to_hand_in = Signal::derive(move || progress().to_hand_in());
    let usage = move || {
        app.track();
        entries::usage().ok()
    };
    let configured = move || {
        app.setup
            .with(|s| s.as_ref().is_some_and(|s| s.can_upload()))
    };
    // Why an upload cannot work now, as the header's pill knows it.
    let cannot_upload_now = move || match reach {
        Some(reach) => reach.hand_in_words(words.language()),
        None => online
            .is_some_and(|online| !online.get())
            .then(|| words.language().t(Msg::ReachHandInNoSignal).to_owned()),
    };
    let storage = move || {
        let language = words.language();
        usage().map(|u| language.hand_in_storage(language.bytes(u.bytes as f64), u.entries))
    };

    let status = move || {
        let language = words.language();
        match uploads.state.get() {
            UploadState::Idle => None,
            UploadState::Sending => Some(("sending", language.t(Msg::UploadSending).to_owned())),
            UploadState::Done(handed_in) => Some(("done", handed_in.message(language))),
            UploadState::Failed { problem, retry_in } => {
                Some(("failed", failure_words(language, &problem, retry_in)))
            }
        }
    };

    view! {
        <section class="page" data-testid="page-hand-in" aria-labelledby="hand-in-title">
            <h1 id="hand-in-title" tabindex="-1">{t(Msg::HandInTitle)}</h1>
            <div class="card" data-testid="hand-in-progress" aria-labelledby="to-hand-in-title">
                <h2 class="card__title" id="to-hand-in-title">{t(Msg::HandInCompletedTitle)}</h2>
                {move || overview.get().err().map(|error| view! {
                    <ReadProblem what=Unreadable::HandIn error=error/>
                })}
                <p class="big-number" data-testid="waiting-count">
                    {headline}
                </p>
                <ul class="hand-in-stages">
                    {move || lines().into_iter()
                        .map(|line| view! { <li>{line}</li> })
                        .collect_view()}
                </ul>
                <p class="card__help">{t(Msg::HandInStayHelp)}</p>
                <p data-testid="hand-in-storage">{storage}</p>
            </div>

            <div class="card" aria-labelledby="upload-title">
                <h2 class="card__title" id="upload-title">{t(Msg::UploadTitle)}</h2>
                {move || (!configured()).then(|| view! {
                    <p data-testid="upload-not-configured">{t(Msg::UploadNotConfigured)}</p>
                    <p><Link page={Page::SetUp} {..} class="button">{t(Msg::UploadAddInSetup)}</Link></p>
                })}
                {move || cannot_upload_now().map(|words| view! {
                    <p data-testid="upload-offline">{words}</p>
                })}
                <button type="button" class="button button--primary" data-testid="upload-now"
                    disabled=move || !configured() || to_hand_in.get() == 0 || uploads.state.get() == UploadState::Sending
                    on:click=move |_| uploads.upload()>
                    {t(Msg::UploadNow)}
                </button>
                <p role="status" class="upload-status" data-testid="upload-status"
                    data-state=move || status().map(|(state, _)| state)>
                    {move || status().map(|(_, text)| text)}
                </p>
            </div>

            <ExportAndBatches to_hand_in overview/>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn a_failed_upload_says_it_was_not_received() {
        let unreachable = UploadProblem::Unreachable {
            collector: "https://collector.example.org".into(),
        };
        let words = failure_words(WorkerLanguage::En, &unreachable, Some(15));
        assert!(words.starts_with("Not received by the collector. No connection"));
        assert!(words.ends_with("Next try in about 15 seconds."));
        assert!(!words.contains("export"), "{words}");
        assert!(
            !failure_words(WorkerLanguage::En, &UploadProblem::NotConfigured, None)
                .contains("Not received")
        );
        let turkish = failure_words(WorkerLanguage::Tr, &unreachable, Some(30));
        assert!(turkish.starts_with("Toplama sunucusu almadı. Toplama sunucusuyla bağlantı yok"));
        assert!(turkish.ends_with("Yaklaşık 30 saniye sonra yeniden denenecek."));
    }
}
