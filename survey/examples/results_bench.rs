//! How long the console's results take over many responses: the tally of every
//! question's distribution, the headline indicators and wellbeing, and their
//! suppression. Prints figures; asserts nothing about time.
//!
//! ```text
//! cargo run --release -p survey --example results_bench [-- COUNT]
//! ```
//!
//! The responses are sample responses to the shipped questionnaire (a pool of 1,000
//! made by the engine, repeated with ids and times of their own), made before the clock
//! starts: what is timed is the counting, not the making. The collector's page also
//! reads and parses its rows; this measures the part `survey` does. It also times adding
//! up tallies kept per ward, the way a console can avoid a pass over every response for
//! each page.

use std::error::Error;
use std::time::Instant;

use survey::results::{Tally, Threshold};
use survey::sample::Pool;
use survey::shipped::shared_questionnaire;

fn main() -> Result<(), Box<dyn Error>> {
    let count: usize = match std::env::args().nth(1) {
        Some(count) => count.parse()?,
        None => 100_000,
    };
    let questionnaire = shared_questionnaire()?;
    let pool = Pool::new(&questionnaire, 1_000)?;
    let responses: Vec<_> = (0..count).map(|index| pool.response(index)).collect();
    println!(
        "{count} sample responses to {} v{}",
        questionnaire.id, questionnaire.version
    );

    let started = Instant::now();
    let mut tally = Tally::new(&questionnaire);
    tally.add_all(&responses);
    let counted = started.elapsed();

    let started = Instant::now();
    let results = tally.results()?;
    let summed = started.elapsed();

    let started = Instant::now();
    let shown = results.shown(Threshold::DEFAULT);
    let suppressed = started.elapsed();

    // What a console could do instead of a pass per page: keep a tally per ward as
    // batches arrive, and add them up when a page asks.
    let mut by_area: Vec<Tally> = questionnaire
        .areas
        .iter()
        .map(|_| Tally::new(&questionnaire))
        .collect();
    for response in &responses {
        let area = questionnaire
            .areas
            .iter()
            .position(|a| a.code == response.area.as_str());
        if let Some(tally) = area.and_then(|area| by_area.get_mut(area)) {
            tally.add(response);
        }
    }
    let started = Instant::now();
    let mut merged = Tally::new(&questionnaire);
    for tally in &by_area {
        merged.merge(tally)?;
    }
    let merged_results = merged.results()?;
    let merging = started.elapsed();
    assert_eq!(
        merged_results, results,
        "the wards' tallies add up to the whole"
    );

    let per_response = counted.as_secs_f64() * 1e9 / count.max(1) as f64;
    println!("tally (one pass):              {counted:>10.2?}  ({per_response:.0} ns a response)");
    println!("distributions + indicators:    {summed:>10.2?}");
    println!("suppression (threshold 10):    {suppressed:>10.2?}");
    println!(
        "total:                         {:>10.2?}",
        counted + summed + suppressed
    );
    println!(
        "or {} wards' tallies added up, then distributions + indicators: {merging:.2?}",
        by_area.len()
    );
    println!(
        "{} distributions, {} indicators, {} wellbeing measures; {}",
        results.distributions.len(),
        results.indicators.len(),
        results.wellbeing.len(),
        match &shown {
            survey::results::Breakdown::Shown(_) => "shown".to_owned(),
            survey::results::Breakdown::TooFew { threshold } => {
                format!("too few responses to show (threshold {threshold})")
            }
        }
    );
    Ok(())
}
