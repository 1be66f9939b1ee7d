//! Tolbooth's background work, in one place.
//!
//! A [`Workers`] set runs named workers: each does one step on a schedule
//! (the retention sweep, the session sweep, closing idle chats, following
//! knowledge base changes). A step that fails or panics is counted and
//! logged once, here, with the worker's name; the worker then tries again
//! after a back-off that doubles from one second up to its own interval,
//! and goes back to its schedule after a step that succeeds. Every
//! worker's runs, failures and last run are read by `/metrics`, and
//! [`Workers::shutdown`] stops them all.
//!
//! Tasks that belong to one connection or one store (a TLS connection, the
//! group-commit writer) are not scheduled work, but they are spawned here
//! too, with a name ([`spawn_task`]), so that nothing else in Tolbooth
//! calls `tokio::spawn` (clippy refuses it elsewhere).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The first wait after a failure; it doubles with each failure in a row.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// How long [`Workers::shutdown`] waits for a step in progress.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// What one worker has done, for `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerReport {
    pub name: &'static str,
    /// Steps finished, successful or not.
    pub runs: u64,
    /// Steps that failed or panicked.
    pub failures: u64,
    /// When the last step finished, Unix milliseconds; 0 before the first.
    pub last_run_ms: i64,
    /// When the last step that failed finished, Unix milliseconds; 0 if
    /// none has.
    pub last_failure_ms: i64,
}

#[derive(Default)]
struct Counts {
    runs: AtomicU64,
    failures: AtomicU64,
    last_run_ms: AtomicI64,
    last_failure_ms: AtomicI64,
}

struct Inner {
    counts: Mutex<BTreeMap<&'static str, Arc<Counts>>>,
    handles: Mutex<Vec<JoinHandle<()>>>,
    stop: watch::Sender<bool>,
}

/// A set of named, supervised workers. Cheap to clone: clones share the
/// set.
#[derive(Clone)]
pub struct Workers {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Workers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.reports().iter().map(|r| r.name).collect();
        f.debug_struct("Workers").field("names", &names).finish()
    }
}

impl Default for Workers {
    fn default() -> Self {
        Self::new()
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Locks a mutex whose holder may have panicked: the counts stay usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Workers {
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Inner {
                counts: Mutex::default(),
                handles: Mutex::default(),
                stop: watch::channel(false).0,
            }),
        }
    }

    /// Runs `step` every `every` (the first time at once) until shutdown.
    /// A step that returns `Err` or panics is counted and logged with
    /// `name`; the next try comes after the back-off.
    pub fn every<F, Fut, E>(&self, name: &'static str, every: Duration, step: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Display + Send + 'static,
    {
        let counts = Arc::new(Counts::default());
        lock(&self.inner.counts).insert(name, counts.clone());
        let mut stop = self.inner.stop.subscribe();
        let handle = spawn_task(name, async move {
            let mut backoff = FIRST_BACKOFF;
            loop {
                if *stop.borrow() {
                    return;
                }
                // Each step on a task of its own, so that a panic is a
                // failed step, not a dead worker.
                let outcome = spawn_task(name, step()).await;
                let at = now_ms();
                counts.runs.fetch_add(1, Ordering::Relaxed);
                counts.last_run_ms.store(at, Ordering::Relaxed);
                let failure = match outcome {
                    Ok(Ok(())) => None,
                    Ok(Err(e)) => Some(e.to_string()),
                    Err(e) if e.is_panic() => Some("the step panicked".to_owned()),
                    Err(_) => Some("the step was cancelled".to_owned()),
                };
                let wait = match failure {
                    None => {
                        backoff = FIRST_BACKOFF;
                        every
                    }
                    Some(error) => {
                        counts.failures.fetch_add(1, Ordering::Relaxed);
                        counts.last_failure_ms.store(at, Ordering::Relaxed);
                        let wait = backoff.min(every);
                        tracing::warn!(
                            worker = name,
                            %error,
                            retry_in_seconds = wait.as_secs_f64(),
                            "a background worker failed"
                        );
                        backoff = (backoff * 2).min(every);
                        wait
                    }
                };
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.wait_for(|stopped| *stopped) => return,
                }
            }
        });
        lock(&self.inner.handles).push(handle);
    }

    /// Every worker's counts, by name.
    pub fn reports(&self) -> Vec<WorkerReport> {
        lock(&self.inner.counts)
            .iter()
            .map(|(name, c)| WorkerReport {
                name,
                runs: c.runs.load(Ordering::Relaxed),
                failures: c.failures.load(Ordering::Relaxed),
                last_run_ms: c.last_run_ms.load(Ordering::Relaxed),
                last_failure_ms: c.last_failure_ms.load(Ordering::Relaxed),
            })
            .collect()
    }

    /// Stops every worker: none starts another step, a step in progress
    /// may finish (for up to ten seconds), then the workers are ended.
    pub async fn shutdown(&self) {
        let _ = self.inner.stop.send(true);
        let handles: Vec<JoinHandle<()>> = lock(&self.inner.handles).drain(..).collect();
        for mut handle in handles {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut handle)
                .await
                .is_err()
            {
                handle.abort();
            }
        }
    }
}

/// Spawns a task that belongs to something else's lifetime (a connection,
/// a store's writer, a test server) on the runtime, named for the log.
pub fn spawn_task<F>(name: &'static str, task: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tracing::trace!(task = name, "spawning");
    #[expect(
        clippy::disallowed_methods,
        reason = "the one place Tolbooth spawns a task"
    )]
    tokio::spawn(task)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    #[tokio::test(start_paused = true)]
    async fn a_worker_runs_on_its_schedule_and_stops_on_shutdown() {
        let workers = Workers::new();
        let steps = Arc::new(AtomicU32::new(0));
        let seen = steps.clone();
        workers.every("counting", Duration::from_secs(60), move || {
            let seen = seen.clone();
            async move {
                seen.fetch_add(1, Ordering::SeqCst);
                Ok::<(), String>(())
            }
        });
        tokio::time::sleep(Duration::from_secs(150)).await;
        assert_eq!(steps.load(Ordering::SeqCst), 3, "at 0 s, 60 s and 120 s");
        let report = &workers.reports()[0];
        assert_eq!(
            (report.name, report.runs, report.failures),
            ("counting", 3, 0)
        );
        assert!(report.last_run_ms > 0);
        workers.shutdown().await;
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert_eq!(steps.load(Ordering::SeqCst), 3, "no step after shutdown");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_or_panicking_step_is_counted_and_retried_with_backoff() {
        let workers = Workers::new();
        let steps = Arc::new(AtomicU32::new(0));
        let seen = steps.clone();
        workers.every("flaky", Duration::from_secs(300), move || {
            let n = seen.fetch_add(1, Ordering::SeqCst);
            async move {
                match n {
                    0 => Err("the database is away".to_owned()),
                    1 => panic!("a bug in a step"),
                    _ => Ok(()),
                }
            }
        });
        // Step 0 fails at 0 s, step 1 panics after 1 s, step 2 succeeds
        // after 2 s more, and the next comes 300 s later.
        tokio::time::sleep(Duration::from_millis(3_500)).await;
        assert_eq!(steps.load(Ordering::SeqCst), 3);
        let report = &workers.reports()[0];
        assert_eq!((report.runs, report.failures), (3, 2));
        assert!(report.last_failure_ms > 0);
        tokio::time::sleep(Duration::from_secs(290)).await;
        assert_eq!(steps.load(Ordering::SeqCst), 3, "back on its schedule");
        tokio::time::sleep(Duration::from_secs(20)).await;
        assert_eq!(steps.load(Ordering::SeqCst), 4);
        workers.shutdown().await;
    }
}
