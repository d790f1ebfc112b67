//! `collector bench`: how fast batches go in, and whether that stays flat as the tables
//! grow. The same path as an import, and as an upload once its token is checked (verify
//! with the engine's parser, then store in one transaction), on a fresh SQLite file; each
//! batch is made before its clock starts, so only intake is timed. Prints figures;
//! asserts nothing.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::CollectorError;
use crate::store;
use crate::store::intake::{self, Source};

/// Runs the benchmark on a new database in `data_dir` (an existing one is removed first):
/// `total` responses in batches of `batch_size`, reporting every `step` responses.
pub fn run(
    data_dir: &Path,
    total: usize,
    batch_size: usize,
    step: usize,
) -> Result<(), CollectorError> {
    let mut connection = store::open_empty(data_dir)?;
    let questionnaires = survey::shipped::shipped_questionnaires()
        .map_err(|e| CollectorError::Usage(e.to_string()))?;
    let questionnaire = questionnaires
        .first()
        .ok_or_else(|| CollectorError::Usage("no questionnaire shipped".into()))?;
    let batch_size = batch_size.max(1);
    let step = step.max(batch_size);
    println!(
        "collector ingest: {total} responses in batches of {batch_size}, into {}",
        store::path_in(data_dir).display()
    );
    println!(
        "{:>10}  {:>14}  {:>12}  {:>12}  {:>12}",
        "stored", "responses/s", "ms/batch", "verify ms", "store ms"
    );
    let mut window_verify = Duration::ZERO;
    let mut stored = 0usize;
    let mut window = Duration::ZERO;
    let mut window_responses = 0usize;
    let mut window_batches = 0usize;
    let mut overall = Duration::ZERO;
    let mut bytes_total = 0usize;
    let mut index = 0u64;
    while stored < total {
        let size = batch_size.min(total - stored);
        let batch = survey::sample::batch(questionnaire, index, stored..stored + size)
            .map_err(CollectorError::Usage)?;
        let json = batch
            .to_json()
            .map_err(|e| CollectorError::Usage(e.to_string()))?;
        bytes_total += json.len();
        let started = Instant::now();
        let verified = intake::verify(json.as_bytes(), &questionnaires)
            .map_err(|e| CollectorError::Usage(e.to_string()))?;
        window_verify += started.elapsed();
        let receipt = intake::store(&mut connection, &verified, Source::Import)
            .map_err(|e| CollectorError::Usage(e.to_string()))?;
        let took = started.elapsed();
        if receipt.accepted as usize != size {
            return Err(CollectorError::Usage(format!(
                "batch {index}: {} of {size} stored",
                receipt.accepted
            )));
        }
        window += took;
        overall += took;
        window_responses += size;
        window_batches += 1;
        stored += size;
        index += 1;
        if stored.is_multiple_of(step) || stored == total {
            let rate = window_responses as f64 / window.as_secs_f64().max(1e-9);
            let per_batch = window.as_secs_f64() * 1000.0 / window_batches as f64;
            let verify = window_verify.as_secs_f64() * 1000.0 / window_batches as f64;
            let store = per_batch - verify;
            println!(
                "{stored:>10}  {rate:>14.0}  {per_batch:>12.2}  {verify:>12.2}  {store:>12.2}"
            );
            window = Duration::ZERO;
            window_verify = Duration::ZERO;
            window_responses = 0;
            window_batches = 0;
        }
    }
    let (responses, visits) =
        intake::counts(&connection).map_err(|e| CollectorError::Usage(e.to_string()))?;
    println!(
        "overall: {:.0} responses/s ({} responses, {} visits stored; {:.1} MB of batch JSON)",
        total as f64 / overall.as_secs_f64().max(1e-9),
        responses,
        visits,
        bytes_total as f64 / 1_000_000.0
    );
    Ok(())
}
