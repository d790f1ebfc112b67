//! Every interview on the tablet, newest first, by status; open one to continue or read.

use leptos::prelude::*;
use survey::record::ResponseStatus;
use survey::store::ResponseSummary;

use crate::app_state::AppState;
use crate::clock;
use crate::routes::{Link, Page, Step};

/// Rows drawn at first and added per "show more": a long list stays quick to draw.
const PAGE: usize = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Filter {
    All,
    Only(ResponseStatus),
}

impl Filter {
    fn keeps(self, summary: &ResponseSummary) -> bool {
        match self {
            Filter::All => true,
            Filter::Only(status) => summary.status == status,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Filter::All => "All",
            Filter::Only(ResponseStatus::Draft) => "In progress",
            Filter::Only(ResponseStatus::Complete) => "Completed",
            Filter::Only(ResponseStatus::Uploaded) => "Handed in",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Only(status) => status.as_str(),
        }
    }
}

fn status_label(status: ResponseStatus) -> &'static str {
    Filter::Only(status).label()
}

#[component]
pub fn ResponsesPage() -> impl IntoView {
    let app = expect_context::<AppState>();
    let filter = RwSignal::new(Filter::All);
    let shown = RwSignal::new(PAGE);
    let failure = RwSignal::new(None::<String>);
    let all = Memo::new(move |_| match app.summaries() {
        Ok(summaries) => summaries,
        Err(error) => {
            failure.set(Some(format!("{error}. {}", error.advice())));
            Vec::new()
        }
    });
    let count = move |f: Filter| all.with(|all| all.iter().filter(|s| f.keeps(s)).count());
    let area_name = move |code: &str| {
        app.questionnaire
            .areas
            .iter()
            .find(|a| a.code == code)
            .map_or_else(|| code.to_owned(), |a| a.name.clone())
    };
    let filters = [
        Filter::All,
        Filter::Only(ResponseStatus::Draft),
        Filter::Only(ResponseStatus::Complete),
        Filter::Only(ResponseStatus::Uploaded),
    ]
    .into_iter()
    .map(|f| {
        view! {
            <button type="button" class="button filter" data-testid=format!("filter-{}", f.id())
                class:button--primary=move || filter.get() == f
                aria-pressed=move || (filter.get() == f).to_string()
                on:click=move |_| { filter.set(f); shown.set(PAGE); }>
                {move || format!("{} ({})", f.label(), count(f))}
            </button>
        }
    })
    .collect_view();
    let rows = move || {
        let f = filter.get();
        let limit = shown.get();
        all.with(|all| {
            all.iter()
                .filter(|s| f.keeps(s))
                .take(limit)
                .map(|s| {
                    let page = Page::Interview(
                        s.id,
                        if s.status == ResponseStatus::Draft { Step::Resume } else { Step::Review },
                    );
                    let action = if s.status == ResponseStatus::Draft { "Continue" } else { "Read" };
                    let when = clock::local_date_time(s.started);
                    view! {
                        <li class="response-row" data-testid="response-row" data-status=s.status.as_str()>
                            <span class=format!("status status--{}", s.status.as_str())>{status_label(s.status)}</span>
                            <span class="response-row__what">
                                {format!("{when} · {} · {} answers", area_name(s.area.as_str()), s.answered)}
                            </span>
                            <Link page={page} {..} class="button">
                                {action} <span class="visually-hidden">{format!(" the interview started {when}")}</span>
                            </Link>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let more = move || count(filter.get()).saturating_sub(shown.get());
    view! {
        <section class="page" data-testid="page-responses" aria-labelledby="responses-title">
            <h1 id="responses-title" tabindex="-1">"Interviews on this tablet"</h1>
            <p class="problem" role="alert">{move || failure.get()}</p>
            <div class="filters" role="group" aria-label="Show">{filters}</div>
            <p role="status" class="visually-hidden">{move || format!("{} interviews shown", count(filter.get()).min(shown.get()))}</p>
            {move || (count(filter.get()) == 0).then(|| view! {
                <p data-testid="responses-empty">"No interviews here yet."</p>
            })}
            <ul class="plain-list responses">{rows}</ul>
            <Show when=move || { more() > 0 }>
                <button type="button" class="button" data-testid="responses-more"
                    on:click=move |_| shown.update(|n| *n += PAGE)>
                    {move || format!("Show {} more (of {} not shown)", more().min(PAGE), more())}
                </button>
            </Show>
        </section>
    }
}
