//! The retention sweeps (RET-1..RET-6): what the policy says has run its
//! course is extracted, deleted or anonymised, in batches, resumably.
//!
//! A sweep, step by step:
//! 1. Guard: if the clock is far ahead of the last thing Tolbooth recorded
//!    (its last sweep or audit entry) and many records are due, the sweep
//!    refuses unless forced: a clock set years ahead must not empty the
//!    database.
//! 2. Chat records due (ended before the policy's cutoff, or released from
//!    a legal hold; never held) are read a batch at a time. Under an
//!    extract-then-delete rule each chat's extract (RET-3: redacted content
//!    or the staff edit, times, referrer; never the IP address) and its
//!    statistics commit together; then the live records are deleted, and
//!    the store deletes only chats whose extract is already committed.
//!    Under a delete rule the statistics are counted in the deleting
//!    transaction.
//! 3. IP addresses and other visitor details of ended chats whose own,
//!    shorter, periods have run are removed.
//! 4. Extracts past their period are anonymised or deleted.
//! 5. The store makes deleted bytes unreachable (SQLite WAL checkpoint;
//!    PostgreSQL vacuum).
//!
//! Every step is its own transaction with an audit entry carrying counts,
//! never content; a crash between or inside steps leaves each either done
//! or not, and the next sweep carries on (tested with failpoints at every
//! step).

mod extract;
pub mod schedule;
mod settings;

pub use settings::{
    Failpoints, SweepError, SweepOptions, SweepSettings, FAILPOINTS, GENTLE_BATCH,
    GENTLE_PAUSE_FACTOR, LIVE_WINDOW, SWEEP_CLAIM,
};

use std::sync::Arc;
use time::OffsetDateTime;
use tolbooth_domain::audit::ports::AuditLog;
use tolbooth_domain::audit::{Actor, CountedAudit, NewAuditEntry};
use tolbooth_domain::bot::ports::ChatbotStore;
use tolbooth_domain::chat::ChatId;
use tolbooth_domain::clock::Clock;
use tolbooth_domain::policy::{CategoryKind, ExpiryAction, ValidPolicy};
use tolbooth_domain::retention::ports::RetentionStore;
use tolbooth_domain::retention::{
    ExtractExpiry, ExtractedChat, SweepCounts, SweepOutcome, SweepPlan, SweepRecord,
};
use tolbooth_domain::store::Store;
use tolbooth_redact::Redactor;

/// What a sweep did (or, dry, would do).
#[derive(Debug, Clone, serde::Serialize)]
pub struct SweepReport {
    pub dry_run: bool,
    pub counts: SweepCounts,
}

/// What the retention sweep needs from the store, one port per concern.
#[derive(Clone)]
pub struct SweepStores {
    pub records: Arc<dyn RetentionStore>,
    pub audit_log: Arc<dyn AuditLog>,
    pub questions: Arc<dyn ChatbotStore>,
}

impl SweepStores {
    /// Each port from the one store that implements them all.
    pub fn of(store: &Arc<dyn Store>) -> Self {
        Self {
            records: store.clone(),
            audit_log: store.clone(),
            questions: store.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Sweeper {
    records: Arc<dyn RetentionStore>,
    audit_log: Arc<dyn AuditLog>,
    questions: Arc<dyn ChatbotStore>,
    clock: Arc<dyn Clock>,
    policy: Arc<ValidPolicy>,
    redactor: Arc<Redactor>,
    settings: SweepSettings,
    failpoints: Option<Failpoints>,
    /// When live chat last wrote a message (Unix ms); while it is recent
    /// the sweep goes gently (see [`Sweeper::with_live_activity`]).
    live_activity: Option<Arc<std::sync::atomic::AtomicI64>>,
    /// One sweep at a time in this process.
    running: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Sweeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sweeper")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// The name sweeps act under in the audit log.
pub const SWEEP_ACTOR: &str = "retention";

fn sweep_audit(action: &'static str, what: &'static str) -> CountedAudit {
    Box::new(move |n| {
        NewAuditEntry::new(Actor::system(SWEEP_ACTOR), action).because(format!("{n} {what}"))
    })
}

/// The current sweep plan of `policy` at `now`.
pub fn plan(policy: &ValidPolicy, now: OffsetDateTime) -> SweepPlan {
    let cutoff = |kind| policy.rule(kind).map(|r| r.period.cutoff(now));
    SweepPlan {
        chats: cutoff(CategoryKind::ChatRecord),
        ip_addresses: cutoff(CategoryKind::IpAddress),
        visitor_details: cutoff(CategoryKind::VisitorDetails),
        extracts: policy.rule(CategoryKind::EditedTranscript).map(|r| {
            let expiry = match r.action {
                ExpiryAction::Delete => ExtractExpiry::Delete,
                _ => ExtractExpiry::Anonymise,
            };
            (r.period.cutoff(now), expiry)
        }),
        bot_questions: policy.rule(CategoryKind::ChatbotQuestion).map(|r| {
            let expiry = match r.action {
                ExpiryAction::Delete => ExtractExpiry::Delete,
                _ => ExtractExpiry::Anonymise,
            };
            (r.period.cutoff(now), expiry)
        }),
    }
}

impl Sweeper {
    pub fn new(
        stores: SweepStores,
        clock: Arc<dyn Clock>,
        policy: Arc<ValidPolicy>,
        settings: SweepSettings,
    ) -> Self {
        Self {
            records: stores.records,
            audit_log: stores.audit_log,
            questions: stores.questions,
            clock,
            policy,
            redactor: if settings.thorough_redaction {
                Redactor::thorough_shared()
            } else {
                Arc::new(Redactor::new())
            },
            settings,
            failpoints: None,
            live_activity: None,
            running: Arc::default(),
        }
    }

    /// Makes the sweep yield to live chat: while a message was written in
    /// the last [`LIVE_WINDOW`], chat records go [`GENTLE_BATCH`] at a
    /// time with a pause of [`GENTLE_PAUSE_FACTOR`] times each batch's own
    /// duration after it, so the sweep holds the database (and the CPU)
    /// for a small share of the time. Idle, it runs at full speed.
    pub fn with_live_activity(mut self, activity: Arc<std::sync::atomic::AtomicI64>) -> Self {
        self.live_activity = Some(activity);
        self
    }

    fn live_chat_busy(&self) -> bool {
        let Some(a) = &self.live_activity else {
            return false;
        };
        let last = a.load(std::sync::atomic::Ordering::Relaxed);
        let now = tolbooth_domain::time_fmt::unix_millis(self.clock.now());
        last > 0 && now - last < LIVE_WINDOW.whole_milliseconds() as i64
    }

    /// Stops sweeps at the named points (tests only).
    pub fn with_failpoints(mut self, failpoints: Failpoints) -> Self {
        self.failpoints = Some(failpoints);
        self
    }

    pub fn policy(&self) -> &ValidPolicy {
        &self.policy
    }

    fn check(&self, point: &'static str) -> Result<(), SweepError> {
        match &self.failpoints {
            Some(f) if f(point) => Err(SweepError::Interrupted(point)),
            _ => Ok(()),
        }
    }

    /// What is due now, without changing anything.
    pub async fn preview(&self) -> Result<SweepCounts, SweepError> {
        let plan = plan(&self.policy, self.clock.now());
        Ok(self.records.preview_sweep(&plan).await?)
    }

    /// The latest sweeps, newest first.
    pub async fn history(&self, limit: u32) -> Result<Vec<SweepRecord>, SweepError> {
        Ok(self.records.sweeps(limit).await?)
    }

    /// The last moment Tolbooth is known to have been running: its last
    /// completed sweep or its last audit entry not written by a sweep,
    /// whichever is later. (A refused sweep must not count, or a second
    /// attempt would pass the guard.)
    async fn last_activity(&self) -> Result<Option<OffsetDateTime>, SweepError> {
        let sweeps = self.records.sweeps(50).await?;
        let mut last = sweeps
            .iter()
            .find(|s| s.outcome == SweepOutcome::Completed && !s.dry_run)
            .map(|s| s.started_at);
        if let Some((head, _)) = self.audit_log.audit_head().await? {
            // The newest entries in one read; sweeps write a few each.
            let recent = self
                .audit_log
                .audit_entries((head - 200).max(0), 200)
                .await?;
            let outside = recent
                .iter()
                .rev()
                .find(|e| !(e.actor_kind == "system" && e.actor_name == SWEEP_ACTOR));
            if let Some(at) = outside.map(|e| e.at()) {
                last = Some(last.map_or(at, |l| l.max(at)));
            }
        }
        Ok(last)
    }

    /// Runs one sweep.
    pub async fn run(&self, options: SweepOptions) -> Result<SweepReport, SweepError> {
        let _one_at_a_time = self.running.lock().await;
        let now = self.clock.now();
        let plan = plan(&self.policy, now);
        if options.dry_run {
            // Recorded, so the history shows who looked; it changes nothing
            // and does not count as activity for the guard.
            let counts = self.records.preview_sweep(&plan).await?;
            let id = self.records.start_sweep(now, true, options.force).await?;
            self.records
                .finish_sweep(id, self.clock.now(), SweepOutcome::Completed, &counts)
                .await?;
            return Ok(SweepReport {
                dry_run: true,
                counts,
            });
        }
        if !options.force {
            if let Some(last) = self.last_activity().await? {
                let gap = now - last;
                if gap > self.settings.clock_jump {
                    let p = self.records.preview_sweep(&plan).await?;
                    let due = p.chats_due + p.removals();
                    if due > self.settings.mass_deletion {
                        let id = self.records.start_sweep(now, false, false).await?;
                        self.records
                            .finish_sweep(id, now, SweepOutcome::Refused, &p)
                            .await?;
                        self.audit_log
                            .append_audit(
                                NewAuditEntry::new(Actor::system(SWEEP_ACTOR), "retention.refused")
                                    .because(format!(
                                        "clock {} hours ahead of last activity; {due} records due",
                                        gap.whole_hours()
                                    )),
                            )
                            .await?;
                        return Err(SweepError::ClockJump {
                            gap_hours: gap.whole_hours(),
                            due,
                        });
                    }
                }
            }
        }
        let id = self.records.start_sweep(now, false, options.force).await?;
        let mut counts = SweepCounts::default();
        let result = self.sweep(&plan, now, &mut counts).await;
        let outcome = if result.is_ok() {
            SweepOutcome::Completed
        } else {
            SweepOutcome::Failed
        };
        // A sweep interrupted by an injected failure stands for a crash:
        // nothing after it runs, not even the record of its end.
        if !matches!(result, Err(SweepError::Interrupted(_))) {
            self.records
                .finish_sweep(id, self.clock.now(), outcome, &counts)
                .await?;
        }
        result?;
        self.check("after_record")?;
        Ok(SweepReport {
            dry_run: false,
            counts,
        })
    }

    async fn sweep(
        &self,
        plan: &SweepPlan,
        now: OffsetDateTime,
        counts: &mut SweepCounts,
    ) -> Result<(), SweepError> {
        let store = &self.records;
        counts.chats_held = store.count_held_chats().await?;
        if let Some(cutoff) = plan.chats {
            self.sweep_chats(cutoff, now, counts).await?;
        }
        self.clear_parts(plan, counts).await?;
        self.expire_kept(plan, counts).await?;
        self.check("before_compaction")?;
        if counts.removals() > 0 {
            store.compact_after_deletion().await?;
        }
        self.check("before_record")?;
        let summary = serde_json::to_string(&counts).unwrap_or_default();
        self.audit_log
            .append_audit(
                NewAuditEntry::new(Actor::system(SWEEP_ACTOR), "retention.sweep").because(summary),
            )
            .await?;
        Ok(())
    }

    /// Chat records past their period, batch by batch: extracted first
    /// where the policy says so, then deleted. Gentler batches while live
    /// chat is busy.
    async fn sweep_chats(
        &self,
        cutoff: OffsetDateTime,
        now: OffsetDateTime,
        counts: &mut SweepCounts,
    ) -> Result<(), SweepError> {
        let store = &self.records;
        let extract = self.policy.extracts_chats();
        loop {
            let gentle = self.live_chat_busy();
            let batch = if gentle {
                self.settings.batch_size.min(GENTLE_BATCH)
            } else {
                self.settings.batch_size
            };
            let started = std::time::Instant::now();
            let claimed_at = self.clock.now();
            let ids = store
                .claim_due_chats(cutoff, batch, claimed_at, claimed_at + SWEEP_CLAIM)
                .await?;
            if ids.is_empty() {
                break;
            }
            counts.chats_due += ids.len() as u64;
            let done = self.sweep_batch(&ids, extract, now, counts).await;
            if !matches!(done, Ok(n) if n == ids.len() as u64) {
                // Let go of what this sweep did not delete, so that the next
                // sweep looks at it again at once; should this fail too, the
                // claim expires after SWEEP_CLAIM.
                if let Err(e) = store.release_sweep_claims(&ids).await {
                    tracing::warn!(error = %e, "could not release the sweep's claims");
                }
            }
            let deleted = done?;
            if gentle {
                tokio::time::sleep(started.elapsed() * GENTLE_PAUSE_FACTOR).await;
            } else {
                // Let live work queued behind the batch go first.
                tokio::task::yield_now().await;
            }
            if deleted == 0 {
                // Held or reopened since they were listed: leave them.
                break;
            }
        }
        Ok(())
    }

    /// One claimed batch: extracted first where the policy says so, then
    /// deleted. Returns how many chats were deleted.
    async fn sweep_batch(
        &self,
        ids: &[ChatId],
        extract: bool,
        now: OffsetDateTime,
        counts: &mut SweepCounts,
    ) -> Result<u64, SweepError> {
        let store = &self.records;
        if extract {
            let chats = store.chats_for_sweep(ids).await?;
            self.check("chats.after_read")?;
            // Redaction is CPU work: off the async workers, so that
            // live chat on the same runtime is not held up by it.
            let me = self.clone();
            let extracts: Vec<ExtractedChat> = tokio::task::spawn_blocking(move || {
                chats.iter().filter_map(|c| me.extract(c, now)).collect()
            })
            .await
            .map_err(|_| SweepError::Worker)?;
            counts.chats_extracted += store
                .save_extracts(
                    &extracts,
                    sweep_audit("retention.extracted", "chats extracted"),
                )
                .await?;
            self.check("chats.after_extract")?;
        }
        let deleted = store
            .delete_swept_chats(
                ids,
                extract,
                sweep_audit("retention.deleted", "chat records deleted"),
            )
            .await?;
        counts.chats_deleted += deleted;
        self.check("chats.after_delete")?;
        Ok(deleted)
    }

    /// IP addresses and visitor details kept for less time than the chat.
    async fn clear_parts(
        &self,
        plan: &SweepPlan,
        counts: &mut SweepCounts,
    ) -> Result<(), SweepError> {
        let store = &self.records;
        if let Some(cutoff) = plan.ip_addresses {
            counts.ip_addresses_deleted += store
                .clear_ip_addresses(
                    cutoff,
                    sweep_audit("retention.ip_addresses_deleted", "IP addresses deleted"),
                )
                .await?;
            self.check("ip_addresses.after_clear")?;
        }
        if let Some(cutoff) = plan.visitor_details {
            counts.visitor_details_deleted += store
                .clear_visitor_details(
                    cutoff,
                    sweep_audit(
                        "retention.visitor_details_deleted",
                        "chats' visitor details deleted",
                    ),
                )
                .await?;
            self.check("visitor_details.after_clear")?;
        }
        Ok(())
    }

    /// Extracts and chatbot questions past their period, anonymised or
    /// deleted as the policy says.
    async fn expire_kept(
        &self,
        plan: &SweepPlan,
        counts: &mut SweepCounts,
    ) -> Result<(), SweepError> {
        let store = &self.records;
        if let Some((cutoff, expiry)) = plan.extracts {
            let (action, what) = match expiry {
                ExtractExpiry::Anonymise => {
                    ("retention.extracts_anonymised", "extracts anonymised")
                }
                ExtractExpiry::Delete => ("retention.extracts_deleted", "extracts deleted"),
            };
            let n = store
                .expire_extracts(cutoff, expiry, sweep_audit(action, what))
                .await?;
            match expiry {
                ExtractExpiry::Anonymise => counts.extracts_anonymised += n,
                ExtractExpiry::Delete => counts.extracts_deleted += n,
            }
            self.check("extracts.after_expiry")?;
        }
        if let Some((cutoff, expiry)) = plan.bot_questions {
            let (action, what) = match expiry {
                ExtractExpiry::Anonymise => (
                    "retention.bot_questions_anonymised",
                    "chatbot questions anonymised",
                ),
                ExtractExpiry::Delete => (
                    "retention.bot_questions_deleted",
                    "chatbot questions deleted",
                ),
            };
            let n = self
                .questions
                .expire_bot_questions(cutoff, expiry, sweep_audit(action, what))
                .await?;
            match expiry {
                ExtractExpiry::Anonymise => counts.bot_questions_anonymised += n,
                ExtractExpiry::Delete => counts.bot_questions_deleted += n,
            }
        }
        Ok(())
    }

    /// One scheduled sweep, as the server's `retention-sweep` worker runs
    /// it: what it removed is logged; a failure is returned for the worker
    /// to count, log and retry.
    pub async fn scheduled(&self) -> Result<(), SweepError> {
        let r = self.run(SweepOptions::default()).await?;
        let c = r.counts;
        if c.removals() > 0 {
            tracing::info!(
                chats_extracted = c.chats_extracted,
                chats_deleted = c.chats_deleted,
                ip_addresses_deleted = c.ip_addresses_deleted,
                visitor_details_deleted = c.visitor_details_deleted,
                extracts_anonymised = c.extracts_anonymised,
                extracts_deleted = c.extracts_deleted,
                chats_held = c.chats_held,
                "retention sweep"
            );
        }
        Ok(())
    }
}
