//! The knowledge base behaves alike on both backends (BOT-1): imports add,
//! update, leave unchanged and remove by root; phrasings belong to a page
//! and go with it.

use crate::fixture;
use tolbooth_testkit::audit;

use tolbooth_domain::bot::knowledge::{ImportCounts, KbPage, KbPassage};
use tolbooth_domain::bot::ports::{ImportAudit, KnowledgeStore};
use tolbooth_domain::store::StoreError;
use tolbooth_testkit::{backend_tests, Backend};

backend_tests!(
    imports_add_update_and_remove_by_root,
    phrasings_belong_to_a_page,
);

fn import_audit() -> ImportAudit {
    Box::new(|c: ImportCounts| audit("kb.imported").because(format!("{c:?}")))
}

fn page(url: &str, root: &str, text: &str) -> KbPage {
    KbPage {
        url: url.into(),
        title: format!("Title of {url}"),
        service_area: "Bins".into(),
        import_root: root.into(),
        passages: vec![
            KbPassage {
                headings: vec![],
                text: text.into(),
            },
            KbPassage {
                headings: vec!["More".into(), "Detail".into()],
                text: "ü ✓ 'quotes'".into(),
            },
        ],
    }
}

async fn imports_add_update_and_remove_by_root(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let s = &f.store;
    let site = vec!["/site".to_owned()];
    let first = vec![page("/a", "/site", "one"), page("/b", "/site", "two")];
    let counts = s
        .save_import(&site, &first, f.clock_now(), import_audit())
        .await
        .unwrap();
    assert_eq!(
        counts,
        ImportCounts {
            added: 2,
            ..Default::default()
        }
    );
    let other = vec![page("/faq", "/faq.md", "faq")];
    s.save_import(
        &["/faq.md".to_owned()],
        &other,
        f.clock_now(),
        import_audit(),
    )
    .await
    .unwrap();

    // /a changed, /b vanished, /c new; /faq from another root untouched.
    let second = vec![
        page("/a", "/site", "one, changed"),
        page("/c", "/site", "three"),
    ];
    let counts = s
        .save_import(&site, &second, f.clock_now(), import_audit())
        .await
        .unwrap();
    assert_eq!(
        counts,
        ImportCounts {
            added: 1,
            updated: 1,
            unchanged: 0,
            removed: 1
        }
    );
    let again = s
        .save_import(&site, &second, f.clock_now(), import_audit())
        .await
        .unwrap();
    assert_eq!(
        again,
        ImportCounts {
            unchanged: 2,
            ..Default::default()
        }
    );

    let pages = s.knowledge_pages().await.unwrap();
    let urls: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(urls, vec!["/a", "/c", "/faq"]);
    assert_eq!(pages[0], second[0], "passages round-trip whole");
    let summaries = s.knowledge_summaries().await.unwrap();
    assert_eq!(summaries[0].passages, 2);
    assert_eq!(summaries[0].phrasings, 0);

    assert_eq!(
        s.remove_pages(&["/faq".into(), "/nope".into()], audit("kb.removed"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(s.knowledge_pages().await.unwrap().len(), 2);
}

async fn phrasings_belong_to_a_page(backend: Backend) {
    let Some(f) = fixture(backend).await else {
        return;
    };
    let s = &f.store;
    let root = vec!["/site".to_owned()];
    s.save_import(
        &root,
        &[page("/bins", "/site", "x")],
        f.clock_now(),
        import_audit(),
    )
    .await
    .unwrap();
    let added = s
        .add_phrasing(
            "/bins",
            None,
            "when do the binmen come",
            "alice",
            f.clock_now(),
            audit("kb.phrasing_added"),
        )
        .await
        .unwrap();
    assert_eq!(added.added_by, "alice");
    assert_eq!(added.heading, None);
    let for_answer = s
        .add_phrasing(
            "/bins",
            Some("Missed bins"),
            "they forgot my bin",
            "alice",
            f.clock_now(),
            audit("kb.phrasing_added"),
        )
        .await
        .unwrap();
    assert_eq!(for_answer.heading.as_deref(), Some("Missed bins"));
    let missing = s
        .add_phrasing(
            "/nope",
            None,
            "x",
            "alice",
            f.clock_now(),
            audit("kb.phrasing_added"),
        )
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)));
    assert_eq!(
        s.phrasings().await.unwrap(),
        vec![added.clone(), for_answer.clone()]
    );
    assert_eq!(s.knowledge_summaries().await.unwrap()[0].phrasings, 2);
    s.remove_phrasing(for_answer.id, audit("kb.phrasing_removed"))
        .await
        .unwrap();

    // Re-importing the page keeps its phrasings; removing it takes them.
    let changed = page("/bins", "/site", "changed");
    s.save_import(&root, &[changed], f.clock_now(), import_audit())
        .await
        .unwrap();
    assert_eq!(s.phrasings().await.unwrap().len(), 1);
    s.save_import(&root, &[], f.clock_now(), import_audit())
        .await
        .unwrap();
    assert!(s.phrasings().await.unwrap().is_empty());
    assert!(matches!(
        s.remove_phrasing(added.id, audit("kb.phrasing_removed"))
            .await,
        Err(StoreError::NotFound)
    ));
}
