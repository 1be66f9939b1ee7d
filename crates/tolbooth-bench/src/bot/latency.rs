//! Answer latency: percentiles of timings, and the answerer timed over a
//! set of questions.

use tolbooth_bot::answer::Answerer;

pub(super) fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub(super) fn report_latency(
    label: &str,
    answerer: &Answerer,
    queries: &[String],
) -> anyhow::Result<()> {
    report_latency_over(
        &format!("{label}, GOV.UK search queries"),
        answerer,
        queries,
    )
}

/// Answer latency over the questions, ten rounds after a warm-up.
pub(super) fn report_latency_over(
    label: &str,
    answerer: &Answerer,
    queries: &[String],
) -> anyhow::Result<()> {
    for q in queries {
        answerer.answer(q)?; // warm up
    }
    let mut times = Vec::new();
    for _ in 0..10 {
        for q in queries {
            let started = std::time::Instant::now();
            let reply = answerer.answer(q)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(reply);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{label}: answer latency over {} questions × 10 ({} answers): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        queries.len(),
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or_default()
    );
    Ok(())
}
