//! Prometheus metrics, served at `/metrics`. Labels never carry personal
//! data: the route pattern, not the path; no addresses, no usernames.

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct WorkerLabels {
    pub worker: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: &'static str,
}

fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

pub struct Metrics {
    registry: Registry,
    pub http_requests: Family<HttpLabels, Counter>,
    pub http_latency: Family<HttpLabels, Histogram, fn() -> Histogram>,
    pub sign_ins: Family<OutcomeLabels, Counter>,
    pub access_denied: Counter,
    worker_runs: Family<WorkerLabels, Counter>,
    worker_failures: Family<WorkerLabels, Counter>,
    worker_last_run: Family<WorkerLabels, Gauge>,
    worker_last_failure: Family<WorkerLabels, Gauge>,
    /// One render at a time brings the worker counters up to date.
    catching_up: std::sync::Mutex<()>,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("tolbooth");
        let http_requests = Family::<HttpLabels, Counter>::default();
        let http_latency = Family::<HttpLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let sign_ins = Family::<OutcomeLabels, Counter>::default();
        let access_denied = Counter::default();
        registry.register(
            "http_requests",
            "HTTP requests answered",
            http_requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            http_latency.clone(),
        );
        registry.register(
            "sign_ins",
            "Staff sign-in attempts by outcome",
            sign_ins.clone(),
        );
        registry.register(
            "access_denied",
            "Requests refused for want of a role, a session or a CSRF token",
            access_denied.clone(),
        );
        let worker_runs = Family::<WorkerLabels, Counter>::default();
        let worker_failures = Family::<WorkerLabels, Counter>::default();
        let worker_last_run = Family::<WorkerLabels, Gauge>::default();
        let worker_last_failure = Family::<WorkerLabels, Gauge>::default();
        registry.register(
            "worker_runs",
            "Steps a background worker finished",
            worker_runs.clone(),
        );
        registry.register(
            "worker_failures",
            "Steps of a background worker that failed or panicked",
            worker_failures.clone(),
        );
        registry.register(
            "worker_last_run_timestamp_seconds",
            "When a background worker last finished a step (Unix time; 0 before its first)",
            worker_last_run.clone(),
        );
        registry.register(
            "worker_last_failure_timestamp_seconds",
            "When a background worker's step last failed (Unix time; 0 if none has)",
            worker_last_failure.clone(),
        );
        Self {
            registry,
            http_requests,
            http_latency,
            sign_ins,
            access_denied,
            worker_runs,
            worker_failures,
            worker_last_run,
            worker_last_failure,
            catching_up: std::sync::Mutex::new(()),
        }
    }

    /// The metrics as text, with the workers' counts as they are now.
    pub fn render(&self, workers: &[tolbooth_workers::WorkerReport]) -> String {
        let guard = self.catching_up.lock().unwrap_or_else(|e| e.into_inner());
        for w in workers {
            let labels = WorkerLabels { worker: w.name };
            let catch_up = |counter: &Counter, to: u64| {
                let seen = counter.get();
                if to > seen {
                    counter.inc_by(to - seen);
                }
            };
            catch_up(&self.worker_runs.get_or_create(&labels), w.runs);
            catch_up(&self.worker_failures.get_or_create(&labels), w.failures);
            self.worker_last_run
                .get_or_create(&labels)
                .set(w.last_run_ms / 1000);
            self.worker_last_failure
                .get_or_create(&labels)
                .set(w.last_failure_ms / 1000);
        }
        drop(guard);
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
