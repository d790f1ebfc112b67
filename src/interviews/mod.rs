//! The Interviews screen: every interview on the tablet, newest first, by status; open
//! one to continue or read. (Each interview's record is a `survey::Response`; the list
//! reads only their summaries.)

use leptos::prelude::*;
use survey::record::ResponseStatus;
use survey::store::ResponseSummary;
use survey::StatusCounts;

use crate::app_state::AppState;
use crate::platform::clock;
use crate::routes::{Link, Page, Step};
use crate::ui::ReadProblem;

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

    fn count(self, counts: &StatusCounts) -> usize {
        let count = match self {
            Filter::All => counts.total(),
            Filter::Only(status) => counts.with_status(status),
        };
        usize::try_from(count).unwrap_or(usize::MAX)
    }
}

fn status_label(status: ResponseStatus) -> &'static str {
    Filter::Only(status).label()
}

/// `/interviews`.
#[component]
pub fn InterviewsPage() -> impl IntoView {
    let app = expect_context::<AppState>();
    let filter = RwSignal::new(Filter::All);
    let shown = RwSignal::new(PAGE);
    let stored = Memo::new(move |_| app.summaries());
    let all = Memo::new(move |_| stored.get().unwrap_or_default());
    let counts = Memo::new(move |_| all.with(|all| StatusCounts::of(all)));
    let count = move |f: Filter| counts.with(|counts| f.count(counts));
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
                        <li class="interview-row" data-testid="interview-row" data-status=s.status.as_str()>
                            <span class=format!("status status--{}", s.status.as_str())>{status_label(s.status)}</span>
                            <span class="interview-row__what">
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
        <section class="page" data-testid="page-interviews" aria-labelledby="interviews-title">
            <h1 id="interviews-title" tabindex="-1">"Interviews on this tablet"</h1>
            {move || stored.get().err().map(|error| view! {
                <ReadProblem what="the interviews" error=error/>
            })}
            <div class="filters" role="group" aria-label="Show">{filters}</div>
            <p role="status" class="visually-hidden">{move || format!("{} interviews shown", count(filter.get()).min(shown.get()))}</p>
            {move || (count(filter.get()) == 0).then(|| view! {
                <p data-testid="interviews-empty">"No interviews here yet."</p>
            })}
            <ul class="plain-list interviews">{rows}</ul>
            <Show when=move || { more() > 0 }>
                <button type="button" class="button" data-testid="interviews-more"
                    on:click=move |_| shown.update(|n| *n += PAGE)>
                    {move || format!("Show {} more (of {} not shown)", more().min(PAGE), more())}
                </button>
            </Show>
        </section>
    }
}
