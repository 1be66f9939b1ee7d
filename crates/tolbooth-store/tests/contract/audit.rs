//! AUD-2: the audit log is a hash chain that `verify_log` checks, and that
//! concurrent writers never fork.

use crate::fixture;
use sqlx::Executor;
use tolbooth_core::audit::{check_signature, verify_log, AuditKey, AuditTrailError};
use tolbooth_domain::audit::ports::AuditLog;
use tolbooth_domain::audit::{Actor, AuditEntry, ChainFault, ChainHash, NewAuditEntry, ObjectRef};
use tolbooth_store::SqlStore;
use tolbooth_testkit::{backend_tests, Backend};

backend_tests!(
    honest_log_verifies,
    edited_row_is_detected,
    deleted_row_is_detected,
    swapped_rows_are_detected,
    inserted_forged_row_is_detected,
    truncated_tail_is_detected_against_checkpoint,
    wholesale_rewrite_is_detected_against_checkpoint,
    fifty_concurrent_writers_leave_one_chain,
    audit_log_refuses_updates_and_deletes,
);

async fn write_entries(store: &SqlStore, n: i64) {
    for i in 1..=n {
        store
            .append_audit(
                NewAuditEntry::new(Actor::system("test"), "thing.touched")
                    .on(ObjectRef::new("thing", i))
                    .because("testing"),
            )
            .await
            .expect("append");
    }
}

/// What an attacker with write access to the database does first.
async fn drop_guards(store: &SqlStore) {
    let sql = match store.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER USER;",
    };
    store.raw_pool().execute(sql).await.expect("drop triggers");
}

async fn exec(store: &SqlStore, sql: &str) {
    store.raw_pool().execute(sql).await.expect(sql);
}

async fn fault(store: &SqlStore) -> ChainFault {
    match verify_log(store, None).await {
        Err(AuditTrailError::Broken(f)) => f,
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

async fn insert_raw(store: &SqlStore, e: &AuditEntry) {
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_kind, actor_id, actor_name, actor_role, action, object_type, object_id, reason, request_id, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(e.seq)
    .bind(e.at_ms)
    .bind(e.actor_kind.clone())
    .bind(e.actor_id)
    .bind(e.actor_name.clone())
    .bind(e.actor_role.clone())
    .bind(e.action.clone())
    .bind(e.object_type.clone())
    .bind(e.object_id.clone())
    .bind(e.reason.clone())
    .bind(e.request_id.clone())
    .bind(e.prev_hash.to_hex())
    .bind(e.hash.to_hex())
    .execute(store.raw_pool())
    .await
    .expect("insert forged row");
}

async fn honest_log_verifies(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    write_entries(&f.store, 5).await;
    let v = verify_log(&f.store, None).await.expect("verifies");
    assert_eq!(v.entries, 5);
    let head = f.store.audit_head().await.unwrap().unwrap();
    assert_eq!(head, (5, v.head));
}

async fn edited_row_is_detected(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    write_entries(&f.store, 5).await;
    drop_guards(&f.store).await;
    exec(
        &f.store,
        "UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 3",
    )
    .await;
    assert_eq!(fault(&f.store).await, ChainFault::Modified { seq: 3 });
}

async fn deleted_row_is_detected(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    write_entries(&f.store, 5).await;
    drop_guards(&f.store).await;
    exec(&f.store, "DELETE FROM audit_log WHERE seq = 3").await;
    assert_eq!(
        fault(&f.store).await,
        ChainFault::OutOfSequence {
            expected: 3,
            found: 4
        }
    );
}

async fn swapped_rows_are_detected(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    write_entries(&f.store, 5).await;
    drop_guards(&f.store).await;
    exec(&f.store, "UPDATE audit_log SET seq = -2 WHERE seq = 2").await;
    exec(&f.store, "UPDATE audit_log SET seq = 2 WHERE seq = 3").await;
    exec(&f.store, "UPDATE audit_log SET seq = 3 WHERE seq = -2").await;
    assert_eq!(fault(&f.store).await, ChainFault::Modified { seq: 2 });
}

async fn inserted_forged_row_is_detected(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    write_entries(&f.store, 5).await;
    drop_guards(&f.store).await;
    // Make room after entry 2 and insert a well-formed entry that links to
    // it, as a forger who knows the format would.
    for seq in (3..=5).rev() {
        exec(
            &f.store,
            &format!("UPDATE audit_log SET seq = {} WHERE seq = {seq}", seq + 1),
        )
        .await;
    }
    let entries = f.store.audit_entries(0, 10).await.unwrap();
    let forged = NewAuditEntry::new(Actor::system("test"), "thing.touched")
        .on(ObjectRef::new("thing", 99))
        .seal(3, f.clock_now(), entries[1].hash);
    insert_raw(&f.store, &forged).await;
    // The forged entry itself is consistent; the one after it is not.
    assert_eq!(fault(&f.store).await, ChainFault::Modified { seq: 4 });
}

async fn truncated_tail_is_detected_against_checkpoint(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    write_entries(&f.store, 5).await;
    let dir = tempfile::tempdir().unwrap();
    let key = AuditKey::load_or_create(dir.path()).unwrap();
    let cp = key.checkpoint(&f.store, &f.clock).await.unwrap();
    check_signature(&cp, Some(&key.public_hex())).unwrap();
    verify_log(&f.store, Some(&cp))
        .await
        .expect("intact log matches its checkpoint");

    drop_guards(&f.store).await;
    exec(&f.store, "DELETE FROM audit_log WHERE seq >= 4").await;
    // The chain that is left is internally consistent...
    verify_log(&f.store, None)
        .await
        .expect("a truncated chain links up");
    // ...but the checkpoint knows it used to be longer.
    match verify_log(&f.store, Some(&cp)).await {
        Err(AuditTrailError::Broken(ChainFault::Truncated {
            last: 3,
            checkpoint_seq: 5,
        })) => {}
        other => panic!("expected truncation, got {other:?}"),
    }
}

async fn wholesale_rewrite_is_detected_against_checkpoint(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    write_entries(&f.store, 4).await;
    let dir = tempfile::tempdir().unwrap();
    let key = AuditKey::load_or_create(dir.path()).unwrap();
    let cp = key.checkpoint(&f.store, &f.clock).await.unwrap();

    // Rewrite every row with a consistent chain that says something else.
    let originals = f.store.audit_entries(0, 10).await.unwrap();
    drop_guards(&f.store).await;
    exec(&f.store, "DELETE FROM audit_log").await;
    let mut prev = ChainHash::GENESIS;
    for e in originals {
        let forged = NewAuditEntry::new(Actor::system("test"), "thing.touched")
            .on(ObjectRef::new("thing", "other"))
            .because("rewritten")
            .seal(e.seq, e.at(), prev);
        prev = forged.hash;
        insert_raw(&f.store, &forged).await;
    }
    verify_log(&f.store, None)
        .await
        .expect("a rewritten chain links up");
    match verify_log(&f.store, Some(&cp)).await {
        Err(AuditTrailError::Broken(ChainFault::CheckpointMismatch { seq: 4 })) => {}
        other => panic!("expected a checkpoint mismatch, got {other:?}"),
    }
    // And a checkpoint cannot be forged to match without the key.
    let mut forged_cp = cp.clone();
    forged_cp.head_hash = prev.to_hex();
    assert!(matches!(
        check_signature(&forged_cp, Some(&key.public_hex())),
        Err(AuditTrailError::BadSignature)
    ));
}

async fn fifty_concurrent_writers_leave_one_chain(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let mut tasks = Vec::new();
    for i in 0..50 {
        let store = f.store.clone();
        tasks.push(tolbooth_workers::spawn_task("test", async move {
            store
                .append_audit(
                    NewAuditEntry::new(Actor::system("writer"), "thing.touched")
                        .on(ObjectRef::new("thing", i)),
                )
                .await
        }));
    }
    for t in tasks {
        t.await.expect("task").expect("append");
    }
    let v = verify_log(&f.store, None).await.expect("one valid chain");
    assert_eq!(v.entries, 50);
    let entries = f.store.audit_entries(0, 100).await.unwrap();
    let mut objects: Vec<_> = entries.iter().filter_map(|e| e.object_id.clone()).collect();
    objects.sort();
    objects.dedup();
    assert_eq!(
        objects.len(),
        50,
        "every write is in the chain exactly once"
    );
}

async fn audit_log_refuses_updates_and_deletes(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    write_entries(&f.store, 2).await;
    assert!(f
        .store
        .raw_pool()
        .execute("UPDATE audit_log SET reason = 'x'")
        .await
        .is_err());
    assert!(f
        .store
        .raw_pool()
        .execute("DELETE FROM audit_log")
        .await
        .is_err());
    verify_log(&f.store, None).await.expect("still intact");
}
