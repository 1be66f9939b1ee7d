//! The notice's tests: what each preset's notice says, and that it reads
//! as English.

use super::*;
use crate::policy_file::load;
use time::macros::date;

fn sp() -> Notice {
    let policy = load("preset:scottish-parliament-live-chat").unwrap().policy;
    build(
        &policy,
        Edition {
            version: Some(3),
            effective: date!(2026 - 12 - 01),
        },
    )
}

#[test]
fn the_notice_says_what_gov_1_asks_for() {
    let md = sp().to_markdown();
    for needle in [
        "Scottish Parliamentary Corporate Body",
        "To answer your enquiry.",
        "Article 6(1)(e) UK GDPR",
        "Article 6(1)(f) UK GDPR",
        "Article 9(2)(e) UK GDPR",
        "special category information",
        "Your IP address: your device's IP address.",
        "Your IP address: your device's IP address. It is recorded automatically as you use the service.",
        "It comes from you (or someone contacting us on your behalf).",
        "The police and security forces",
        "not sent outside the UK",
        "What you tell us in the chat: kept for no more than 7 days after the chat ends",
        "The edited record of your enquiry: kept for no more than 2 years after the chat ends, then anonymised.",
        "IP addresses are never extracted",
        "Head of Information Governance",
        "0131 348 6913",
        "Information Commissioner's Office",
        "Version 3, in force from 1 December 2026.",
        "Children and young people",
    ] {
        assert!(md.contains(needle), "notice lacks {needle:?}:\n{md}");
    }
}

#[test]
fn the_markdown_reads_back_as_the_same_notice() {
    for preset in crate::policy_file::PRESETS {
        let policy = load(&format!("preset:{}", preset.name)).unwrap().policy;
        let notice = build(
            &policy,
            Edition {
                version: Some(1),
                effective: date!(2026 - 12 - 01),
            },
        );
        assert_eq!(
            Notice::from_markdown(&notice.to_markdown()),
            notice,
            "{}",
            preset.name
        );
    }
}

#[test]
fn every_preset_notice_reads_as_english() {
    for preset in crate::policy_file::PRESETS {
        let policy = load(&format!("preset:{}", preset.name)).unwrap().policy;
        let md = build(
            &policy,
            Edition {
                version: Some(1),
                effective: date!(2026 - 12 - 01),
            },
        )
        .to_markdown();
        for line in md.lines() {
            let text = line.trim_start_matches(['#', '-', ' ']);
            for wrong in [
                "  ",
                " .",
                " ,",
                "..",
                ",.",
                "from recorded",
                "you and someone",
            ] {
                assert!(
                    !text.contains(wrong),
                    "{}: {wrong:?} in {line:?}",
                    preset.name
                );
            }
            if let Some(first) = text.chars().next() {
                assert!(
                    !first.is_lowercase(),
                    "{}: a line starts in lower case: {line:?}",
                    preset.name
                );
            }
            for (i, _) in text.match_indices(". ") {
                let next = text[i + 2..].chars().next();
                assert!(
                    !next.is_some_and(char::is_lowercase),
                    "{}: a sentence starts in lower case: {line:?}",
                    preset.name
                );
            }
            let words: Vec<&str> = text.split_whitespace().collect();
            for pair in words.windows(2) {
                assert!(
                    !pair[0].eq_ignore_ascii_case(pair[1]),
                    "{}: {:?} twice in {line:?}",
                    preset.name,
                    pair[0]
                );
            }
        }
    }
}

#[test]
fn sources_make_one_sentence() {
    use Source::*;
    let says = |s: &[Source]| where_it_comes_from(s);
    assert_eq!(
        says(&[DataSubject, SomeoneOnTheirBehalf]).as_deref(),
        Some("It comes from you (or someone contacting us on your behalf).")
    );
    assert_eq!(
        says(&[CapturedAutomatically]).as_deref(),
        Some("It is recorded automatically as you use the service.")
    );
    assert_eq!(
        says(&[DataSubject, Staff, CapturedAutomatically]).as_deref(),
        Some("It comes from you and our staff, and some of it is recorded automatically as you use the service.")
    );
    assert_eq!(says(&[]), None);
}

#[test]
fn addresses_in_text_become_link_segments() {
    let segs = segments("a <b> & c@d.org. See https://ico.org.uk/make-a-complaint/ now");
    let plain = |t: &str| Segment {
        text: t.to_owned(),
        href: None,
    };
    assert_eq!(
        segs,
        vec![
            plain("a <b> & "),
            Segment {
                text: "c@d.org".into(),
                href: Some("mailto:c@d.org".into())
            },
            plain(". See "),
            Segment {
                text: "https://ico.org.uk/make-a-complaint/".into(),
                href: Some("https://ico.org.uk/make-a-complaint/".into())
            },
            plain(" now"),
        ]
    );
    assert_eq!(segments("@handle and x"), vec![plain("@handle and x")]);
}

#[test]
fn rights_follow_the_lawful_bases() {
    let bot = load("preset:council-chatbot").unwrap().policy;
    let md = build(
        &bot,
        Edition {
            version: None,
            effective: date!(2026 - 12 - 01),
        },
    )
    .to_markdown();
    assert!(md.contains("Objection:"));
    assert!(
        !md.contains("Portability:"),
        "public task gives no portability right"
    );
    assert!(md.contains("kept for no more than 12 months after we receive it, then deleted."));
    assert!(md.contains("Draft of 1 December 2026: not yet in force."));
}
