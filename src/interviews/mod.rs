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
use crate::ui::{ReadProblem, Unreadable};
use crate::words::{use_words, Msg};

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

    fn label(self) -> Msg {
        match self {
            Filter::All => Msg::InterviewsFilterAll,
            Filter::Only(ResponseStatus::Draft) => Msg::StatusDraft,
            Filter::Only(ResponseStatus::Complete) => Msg::StatusComplete,
            Filter::Only(ResponseStatus::Uploaded) => Msg::StatusUploaded,
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

fn status_label(status: ResponseStatus) -> Msg {
    Filter::Only(status).label()
}

/// `/interviews`.
#[component]
pub fn InterviewsPage() -> impl IntoView {
    let app = expect_context::<AppState>();
    let words = use_words();
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
                {move || {
                    let language = words.language();
                    language.interviews_filter(language.t(f.label()), count(f))
                }}
            </button>
        }
    })
    .collect_view();
    let rows = move || {
        let language = words.language();
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
                    let action = if s.status == ResponseStatus::Draft {
                        Msg::InterviewsContinue
                    } else {
                        Msg::InterviewsRead
                    };
                    let when = language.date_time(clock::local(s.started));
                    view! {
                        <li class="interview-row" data-testid="interview-row" data-status=s.status.as_str()>
                            <span class=format!("status status--{}", s.status.as_str())>{language.t(status_label(s.status))}</span>
                            <span class="interview-row__what">
                                {language.interviews_row(s.answered, when.as_str(), area_name(s.area.as_str()))}
                            </span>
                            <Link page={page} {..} class="button">
                                {language.t(action)} " " <span class="visually-hidden">{language.interviews_which(when.as_str())}</span>
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
            <h1 id="interviews-title" tabindex="-1">{words.text(Msg::InterviewsTitle)}</h1>
            {move || stored.get().err().map(|error| view! {
                <ReadProblem what=Unreadable::Interviews error=error/>
            })}
            <div class="filters" role="group" aria-label=words.text(Msg::InterviewsFilters)>{filters}</div>
            <p role="status" class="visually-hidden">{move || words.language().interviews_shown(count(filter.get()).min(shown.get()))}</p>
            {move || (count(filter.get()) == 0).then(|| view! {
                <p data-testid="interviews-empty">{words.text(Msg::InterviewsEmpty)}</p>
            })}
            <ul class="plain-list interviews">{rows}</ul>
            <Show when=move || { more() > 0 }>
                <button type="button" class="button" data-testid="interviews-more"
                    on:click=move |_| shown.update(|n| *n += PAGE)>
                    {move || words.language().interviews_more(more().min(PAGE), more())}
                </button>
            </Show>
        </section>
    }
}
