//! The chatbot's dense half in the application (BOT-1), on both backends:
//! with `chatbot.embedding_model` set, every text is embedded once (in the
//! background for pages imported without the model, at import otherwise)
//! and the vectors kept in the store; the answerer then finds a page from a
//! question that shares no words with it (where BM25 alone finds
//! nothing); a restart embeds nothing again; a staff phrasing is embedded
//! when added; and the vectors of pages gone are removed.

use std::path::Path;
use tolbooth_domain::audit::Actor;
use tolbooth_domain::bot::ports::KnowledgeStore;
use tolbooth_domain::staff::role::Role;
use tolbooth_store::SqlStore;
use tolbooth_testkit::{backend_tests, Backend, TestApp};

backend_tests!(dense_retrieval_finds_pages_in_other_words_and_keeps_its_vectors);

const SITE: &str = "https://www.kelderby.example";

fn write_page(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn write_site(dir: &Path, with_parking: bool) {
    write_page(
        dir,
        "bins/missed.md",
        "# Missed bin collections\n\nIf your bin was not emptied on your collection day, report it within two working days and we will come back within three working days.\n\n## Before you report\n\nCheck that the bin was out by 7am with its lid closed.\n",
    );
    write_page(
        dir,
        "libraries/opening-times.md",
        "# Library opening times\n\nCentral Library is open from 9am to 5pm, Monday to Saturday. Branch libraries close at 1pm on Wednesdays.\n",
    );
    if with_parking {
        write_page(
            dir,
            "parking/permits.md",
            "# Resident parking permits\n\nA permit lets you park in your zone's bays. Apply online; a permit costs £60 a year.\n",
        );
    } else {
        let _ = std::fs::remove_file(dir.join("parking/permits.md"));
    }
}

async fn stored_vectors(app: &TestApp, model: &str) -> usize {
    let store = SqlStore::connect(&app.db.url, std::sync::Arc::new(app.clock.clone()))
        .await
        .unwrap();
    store.embedding_vectors(model).await.unwrap().len()
}

async fn dense_retrieval_finds_pages_in_other_words_and_keeps_its_vectors(backend: Backend) {
    let Some(model) = tolbooth_testkit::embedding_model() else {
        return;
    };
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.chatbot.embedding_model = Some(model.clone());
    })
    .await
    else {
        return;
    };
    let site = tempfile::tempdir().unwrap();
    write_site(site.path(), true);
    let kb = app.chatbot.knowledge_base().clone();
    let model_id = kb.embedder().unwrap().model_id().to_owned();
    let import = |kb: tolbooth_core::bot::KnowledgeBase| {
        let path = site.path().to_path_buf();
        async move {
            kb.import(vec![path], Some(SITE.into()), Actor::system("test"), false)
                .await
                .unwrap()
        }
    };
    // Imported without the model (as the demo does at start): the server
    // answers with BM25 alone until it has embedded every text.
    let outcome = import(kb.clone().without_embedder()).await;
    assert!(outcome.embedding.is_none());
    assert_eq!(stored_vectors(&app, &model_id).await, 0);
    app.chatbot.finish_embedding().await;
    assert!(app.chatbot.uses_dense());
    // Three titles and four passages.
    assert_eq!(stored_vectors(&app, &model_id).await, 7);
    // Imported again with the model: nothing changed, nothing embedded.
    let outcome = import(kb.clone()).await;
    let embedding = outcome.embedding.unwrap();
    assert_eq!(
        (embedding.texts, embedding.embedded, embedding.removed),
        (7, 0, 0)
    );
    let (mut browser, _) = app.signed_in("sup", Role::Supervisor).await;
    let page = browser.get("/console/chatbot").await;
    assert!(
        page.body
            .contains("matched by their words and by their meaning"),
        "{}",
        page.body
    );

    // No word of this question is on any page.
    let question = "the rubbish lorry skipped our road";
    let plain = kb.clone().without_embedder().answerer().await.unwrap();
    let bm25 = plain.answer(question).unwrap();
    assert!(
        bm25.sources.is_empty(),
        "BM25 alone finds nothing: {bm25:?}"
    );
    let asked = app.chatbot.ask(question, "192.0.2.10").await.unwrap();
    assert_eq!(
        asked.reply.sources.first().map(|s| s.url.as_str()),
        Some("https://www.kelderby.example/bins/missed"),
        "{:?}",
        asked.reply
    );
    // A question in the pages' own words is answered, with the passage
    // that says it.
    let asked = app
        .chatbot
        .ask(
            "what time does the central library open on saturday?",
            "192.0.2.10",
        )
        .await
        .unwrap();
    assert!(asked.reply.answered, "{:?}", asked.reply);
    assert!(
        asked.reply.text.contains("9am to 5pm"),
        "{}",
        asked.reply.text
    );

    // A restart embeds nothing again.
    let again = kb.embed_missing().await.unwrap().unwrap();
    assert_eq!((again.texts, again.embedded, again.removed), (7, 0, 0));

    // A phrasing is embedded when the answerer is rebuilt, and counts for
    // its page.
    let parking = "https://www.kelderby.example/parking/permits";
    kb.add_phrasing(
        parking,
        None,
        "where can I leave my car overnight",
        "tester",
        Actor::system("test"),
    )
    .await
    .unwrap();
    app.chatbot.reload().await.unwrap();
    assert!(app.chatbot.uses_dense());
    assert_eq!(stored_vectors(&app, &model_id).await, 8);
    let asked = app
        .chatbot
        .ask("somewhere to keep the car at night", "192.0.2.10")
        .await
        .unwrap();
    assert_eq!(
        asked.reply.sources.first().map(|s| s.url.as_str()),
        Some(parking),
        "{:?}",
        asked.reply
    );

    // The parking page goes: its title, passage and phrasing vectors too.
    write_site(site.path(), false);
    let outcome = import(kb.clone()).await;
    let embedding = outcome.embedding.unwrap();
    assert_eq!(
        (embedding.texts, embedding.embedded, embedding.removed),
        (5, 0, 3)
    );
    assert_eq!(stored_vectors(&app, &model_id).await, 5);
    app.chatbot.reload().await.unwrap();
    assert!(app.chatbot.uses_dense());
}
