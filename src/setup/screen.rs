//! Set-up: the worker's code, agency, tablet name, ward, and where to hand in.

use leptos::prelude::*;

use super::{Field, FieldProblem, LinkNotice, SetUp, Wrong};
use crate::app_state::AppState;
use crate::platform::local_storage::StorageError;
use crate::platform::{address, focus};
use crate::routes::{Navigator, Page};
use crate::words::{use_words, Msg};

#[component]
pub fn SetUpPage() -> impl IntoView {
    let app = expect_context::<AppState>();
    let navigator = expect_context::<Navigator>();
    let words = use_words();
    let t = move |msg| words.text(msg);
    let q = app.questionnaire;
    let first_time = app.setup.get_untracked().is_none();
    let mut start = app.setup.get_untracked().unwrap_or_default();
    // Opened with a coordinator's set-up link: its parts fill the form (saved only when the
    // worker saves), and leave the address bar at once.
    let notice = RwSignal::new(
        address::take_fragment().map(|fragment| super::fill_from_link(&fragment, &mut start, q)),
    );
    if start.collector.is_empty() {
        // The collector that served the app is the usual place to hand in.
        start.collector = address::origin().unwrap_or_default();
    }
    let form = RwSignal::new(start);
    // A second link opened while this screen shows changes only the address's fragment.
    let relinked = window_event_listener(leptos::ev::hashchange, move |_| {
        if let Some(fragment) = address::take_fragment() {
            let mut changed = form.get_untracked();
            notice.set(Some(super::fill_from_link(&fragment, &mut changed, q)));
            form.set(changed);
        }
    });
    on_cleanup(move || relinked.remove());
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let failure = RwSignal::new(None::<StorageError>);

    let wrong_with = move |field: Field| -> Option<Wrong> {
        problems.with(|problems| problems.iter().find(|p| p.field == field).map(|p| p.wrong))
    };
    let problem_of =
        move |field: Field| wrong_with(field).map(|wrong| wrong.message(words.language()));

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let tidied = form.get_untracked().tidied();
        let found = tidied.problems(q);
        if let Some(first) = found.first() {
            focus::focus_later(format!("#{}", first.field.id()));
            problems.set(found);
            return;
        }
        problems.set(Vec::new());
        match super::save(&tidied) {
            Ok(()) => {
                app.setup.set(Some(tidied));
                navigator.go(if first_time {
                    Page::Today
                } else {
                    Page::Settings
                });
            }
            Err(error) => failure.set(Some(error)),
        }
    };

    let link_notice = move || {
        notice.get().map(|notice| match notice {
            LinkNotice::Filled {
                collector,
                agency,
                token_start,
            } => {
                let still = move || {
                    let language = words.language();
                    let fields = form.with(|f| f.tidied().still_to_fill(q));
                    if fields.is_empty() {
                        language.t(Msg::SetupLinkAllFilled).to_owned()
                    } else {
                        let labels: Vec<&str> =
                            fields.iter().map(|f| language.t(f.label())).collect();
                        language.setup_link_still(labels.join(", "))
                    }
                };
                let parts = move || {
                    words.language().setup_link_parts(
                        collector.as_str(),
                        agency.as_str(),
                        token_start.as_str(),
                    )
                };
                view! {
                    <div class="card card--ok" role="status" data-testid="setup-link-notice">
                        <p class="notice-text">{t(Msg::SetupLinkFilled)}</p>
                        <p>{parts}</p>
                        <p data-testid="setup-link-still">{still}</p>
                        {(!first_time).then(|| view! { <p>{t(Msg::SetupLinkNothingChanges)}</p> })}
                    </div>
                }
                .into_any()
            }
            LinkNotice::Problem(problem) => view! {
                <div class="card card--warn" role="alert" data-testid="setup-link-problem">
                    <p class="notice-text">{move || problem.message(words.language())}</p>
                </div>
            }
            .into_any(),
        })
    };

    let text_field = move |field: Field,
                           hint: Msg,
                           kind: &'static str,
                           get: fn(&SetUp) -> String,
                           put: fn(&mut SetUp, String)| {
        let id = field.id();
        let hint_id = format!("{id}-hint");
        let problem_id = format!("{id}-problem");
        view! {
            <div class="field" class:has-problem=move || wrong_with(field).is_some()>
                <label for=id>{t(field.label())}</label>
                <p class="help" id=hint_id.clone()>{t(hint)}</p>
                <input id=id name=id data-testid=id type=kind autocomplete="off"
                    aria-describedby=format!("{hint_id} {problem_id}")
                    aria-invalid=move || wrong_with(field).is_some().then_some("true")
                    prop:value=move || form.with(get)
                    on:input=move |event| { let value = event_target_value(&event); form.update(|f| put(f, value)); }/>
                <p class="problem" id=problem_id.clone() data-testid=problem_id hidden=move || wrong_with(field).is_none()>
                    {move || problem_of(field)}
                </p>
            </div>
        }
    };

    let select_field = move |field: Field,
                             choices: Vec<(String, String)>,
                             get: fn(&SetUp) -> String,
                             put: fn(&mut SetUp, String)| {
        let id = field.id();
        let problem_id = format!("{id}-problem");
        let options = choices
            .into_iter()
            .map(|(code, name)| {
                let selected = {
                    let code = code.clone();
                    move || form.with(get) == code
                };
                view! { <option value=code prop:selected=selected>{name}</option> }
            })
            .collect_view();
        view! {
            <div class="field" class:has-problem=move || wrong_with(field).is_some()>
                <label for=id>{t(field.label())}</label>
                <select id=id name=id data-testid=id aria-describedby=problem_id.clone()
                    aria-invalid=move || wrong_with(field).is_some().then_some("true")
                    on:change=move |event| { let value = event_target_value(&event); form.update(|f| put(f, value)); }>
                    <option value="" prop:selected=move || form.with(get).is_empty()>{t(Msg::SetupChoose)}</option>
                    {options}
                </select>
                <p class="problem" id=problem_id.clone() data-testid=problem_id hidden=move || wrong_with(field).is_none()>
                    {move || problem_of(field)}
                </p>
            </div>
        }
    };

    let agencies = q
        .agencies
        .iter()
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();
    let areas = q
        .areas
        .iter()
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();

    view! {
        <section class="page" data-testid="page-setup" aria-labelledby="setup-title">
            <h1 id="setup-title" tabindex="-1">{t(Msg::SetupTitle)}</h1>
            <p class="lead">{t(Msg::SetupLead)}</p>
            {link_notice}
            <form class="form" novalidate on:submit=submit>
                {text_field(Field::Worker, Msg::SetupHintWorker, "text", |s| s.worker.clone(), |s, v| s.worker = v)}
                {select_field(Field::Agency, agencies, |s| s.agency.clone(), |s, v| s.agency = v)}
                {text_field(Field::Device, Msg::SetupHintDevice, "text", |s| s.device.clone(), |s, v| s.device = v)}
                {select_field(Field::Area, areas, |s| s.area.clone(), |s, v| s.area = v)}
                <h2>{t(Msg::SetupHandInTitle)}</h2>
                <p class="help">{t(Msg::SetupHandInHelp)}</p>
                {text_field(Field::Collector, Msg::SetupHintCollector, "url", |s| s.collector.clone(), |s, v| s.collector = v)}
                {text_field(Field::Token, Msg::SetupHintToken, "password", |s| s.token.clone(), |s, v| s.token = v)}
                <p class="problem" role="alert" data-testid="setup-failure">
                    {move || failure.with(|error| error.as_ref().map(|error| {
                        let language = words.language();
                        language.setup_not_saved(language.storage_error(error), language.storage_advice(error))
                    }))}
                </p>
                <button type="submit" class="button button--primary" data-testid="setup-save">{t(Msg::SetupSave)}</button>
            </form>
        </section>
    }
}
