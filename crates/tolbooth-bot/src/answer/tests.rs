use super::*;
use crate::index::tests::page_in as page;
use crate::index::FieldBoosts;

fn answerer() -> Answerer {
    let pages = vec![
        page(
            "https://anytown.gov.uk/bins/missed",
            "Missed bin collections",
            "Bins and recycling",
            &[
                ("", "If your bin was not emptied on collection day, report it within two working days. We will return within three working days."),
                ("Before you report", "Check the bin was out by 7am and the lid was closed."),
            ],
        ),
        page(
            "https://anytown.gov.uk/council-tax/discounts",
            "Council tax discounts",
            "Council tax",
            &[("Single person discount", "If you live alone you get 25% off your council tax bill.")],
        ),
        page(
            "https://anytown.gov.uk/libraries/opening",
            "Library opening times",
            "Libraries",
            &[("", "Central Library is open 9am to 5pm, Monday to Saturday.")],
        ),
    ];
    let index = KnowledgeIndex::build(&pages, &[], FieldBoosts::default()).unwrap();
    Answerer::new(
        index,
        CaseGuard::new(&[]).unwrap(),
        Thresholds::default(),
        Wording::default(),
    )
}

#[test]
fn answers_with_the_passage_and_cites_its_page() {
    let reply = answerer()
        .answer("my bin wasn't emptied, how do I report a missed collection?")
        .unwrap();
    assert!(reply.answered, "{reply:?}");
    assert!(
        reply.text.starts_with("If your bin was not emptied"),
        "{}",
        reply.text
    );
    assert_eq!(reply.sources[0].url, "https://anytown.gov.uk/bins/missed");
    assert_eq!(reply.service_area.as_deref(), Some("Bins and recycling"));
    assert_eq!(reply.reason, None);
    assert!(reply.confidence >= 0.6);
}

#[test]
fn out_of_scope_questions_are_declined_with_the_closest_links() {
    let reply = answerer()
        .answer("what will the weather be like in Spain next week")
        .unwrap();
    assert!(!reply.answered);
    assert!(
        matches!(
            reply.reason,
            Some(Decline::NoMatch | Decline::LowConfidence)
        ),
        "{reply:?}"
    );
    assert!(reply.text.contains("person"));
}

#[test]
fn case_questions_get_the_rules_page_never_an_answer() {
    let reply = answerer()
        .answer("Has my single person discount application been approved?")
        .unwrap();
    assert!(!reply.answered);
    assert_eq!(reply.reason, Some(Decline::CaseSpecific));
    assert_eq!(
        reply.sources[0].url,
        "https://anytown.gov.uk/council-tax/discounts"
    );
    assert!(
        !reply.text.contains("25%"),
        "no decision, no figures: {}",
        reply.text
    );
}

#[test]
fn empty_and_huge_questions_are_handled() {
    let a = answerer();
    assert_eq!(
        a.answer("   ").unwrap().reason,
        Some(Decline::EmptyQuestion)
    );
    assert_eq!(
        a.answer("the and of").unwrap().reason,
        Some(Decline::EmptyQuestion)
    );
    let huge = "library ".repeat(100_000);
    let reply = a.answer(&huge).unwrap();
    assert_eq!(reply.sources[0].title, "Library opening times");
}

#[test]
fn a_strict_margin_declines_near_ties() {
    let a = answerer().with_thresholds(Thresholds {
        min_confidence: 0.0,
        min_margin: 1.1,
    });
    let reply = a.answer("library opening").unwrap();
    assert_eq!(reply.reason, Some(Decline::Ambiguous));
}

#[test]
fn when_unsure_only_related_pages_are_offered() {
    let bot = answerer();
    // One word in common ("library") with a page is not relatedness.
    let reply = bot
        .answer("is there a good pizza place near the library with parking for a van")
        .unwrap();
    assert!(!reply.answered, "{reply:?}");
    assert!(reply.sources.is_empty(), "{:?}", reply.sources);
    // A question mostly about a page, answered or not, still links it.
    let reply = bot
        .answer("library opening hours on bank holidays")
        .unwrap();
    assert_eq!(
        reply.sources.first().map(|s| s.url.as_str()),
        Some("https://anytown.gov.uk/libraries/opening"),
        "{reply:?}"
    );
}

#[test]
fn each_page_is_offered_once() {
    let pages = vec![
        page(
            "https://anytown.gov.uk/bins/missed",
            "Missed bin collections",
            "Bins and recycling",
            &[("", "Report a missed bin within two working days.")],
        ),
        page(
            "https://anytown.gov.uk/bins/missed",
            "Missed bin collections",
            "Bins and recycling",
            &[(
                "Again",
                "A missed bin is collected within three working days.",
            )],
        ),
    ];
    let index = KnowledgeIndex::build(&pages, &[], FieldBoosts::default()).unwrap();
    let bot = Answerer::new(
        index,
        CaseGuard::new(&[]).unwrap(),
        Thresholds::default(),
        Wording::default(),
    );
    let reply = bot.answer("missed bin collection").unwrap();
    let urls: Vec<&str> = reply.sources.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(urls, ["https://anytown.gov.uk/bins/missed"], "{reply:?}");
}
