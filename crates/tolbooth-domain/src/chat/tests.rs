use super::*;
use time::macros::datetime;

#[test]
fn chat_refs_print_and_parse_as_people_type_them() {
    let r = ChatRef::from_random([0x3a, 0x1f, 0x99, 0x00, 0xff]);
    let shown = r.to_string();
    assert!(shown.starts_with("TB-") && shown.len() == 12, "{shown}");
    assert_eq!(shown.parse::<ChatRef>(), Ok(r));
    assert_eq!(shown.to_lowercase().parse::<ChatRef>(), Ok(r));
    assert_eq!(shown.replace('-', " ").parse::<ChatRef>(), Ok(r));
    assert_eq!(shown[3..].replace('-', "").parse::<ChatRef>(), Ok(r));
    assert_eq!(
        "tb-7k3m-9qxd".parse::<ChatRef>().map(|c| c.to_string()),
        Ok("TB-7K3M-9QXD".into())
    );
    assert_eq!(
        "TB-7K3M-9QXO".parse::<ChatRef>().map(|c| c.to_string()),
        Ok("TB-7K3M-9QX0".into()),
        "O is read as zero"
    );
    for bad in [
        "",
        "TB-7K3M",
        "TB-7K3M-9QXD-1",
        "TB-7K3M-9QX!",
        "TB-7K3M-9QXU",
    ] {
        assert_eq!(bad.parse::<ChatRef>(), Err(InvalidChatRef), "{bad}");
    }
}

#[test]
fn every_random_value_gives_a_distinct_reference() {
    let a = ChatRef::from_random([0, 0, 0, 0, 0]);
    let b = ChatRef::from_random([0, 0, 0, 0, 1]);
    let c = ChatRef::from_random([0x80, 0, 0, 0, 0]);
    assert_ne!(a, b);
    assert_ne!(a, c);
    assert_eq!(a.to_string(), "TB-0000-0000");
    assert_eq!(ChatRef::from_random([0xff; 5]).to_string(), "TB-ZZZZ-ZZZZ");
}

#[test]
fn a_chat_is_requested_accepted_and_ended_with_every_lc3_field() {
    let t0 = datetime!(2026-12-01 10:00 UTC);
    let mut chat = ChatLifecycle::requested(ChatRef::from_random([1, 2, 3, 4, 5]), t0);
    chat.apply(
        ChatEvent::Accept {
            operator: "Morag".into(),
        },
        t0 + Duration::seconds(40),
    )
    .unwrap();
    assert_eq!(chat.waited(t0 + Duration::hours(1)), Duration::seconds(40));
    chat.apply(
        ChatEvent::Transfer {
            operator: "Ewan".into(),
        },
        t0 + Duration::minutes(3),
    )
    .unwrap();
    chat.apply(
        ChatEvent::End {
            by: EndedBy::Visitor,
        },
        t0 + Duration::minutes(10),
    )
    .unwrap();
    assert_eq!(chat.state, ChatState::Ended);
    assert_eq!(chat.operator.as_deref(), Some("Ewan"));
    assert_eq!(chat.ended_by, Some(EndedBy::Visitor));
    assert_eq!(chat.length(), Some(Duration::seconds(560)));
    assert!(chat.state.is_closed() && chat.state.is_kept());
}

#[test]
fn rejected_and_abandoned_enquiries_are_not_kept_and_closed_chats_stay_closed() {
    let t0 = datetime!(2026-12-01 10:00 UTC);
    let r = ChatRef::from_random([9; 5]);
    let mut rejected = ChatLifecycle::requested(r, t0);
    rejected.apply(ChatEvent::Reject, t0).unwrap();
    assert!(!rejected.state.is_kept());
    let before = rejected.clone();
    let err = rejected
        .apply(
            ChatEvent::Accept {
                operator: "Morag".into(),
            },
            t0,
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a chat that is rejected cannot be accepted"
    );
    assert_eq!(rejected, before, "nothing changes on an error");

    let mut left = ChatLifecycle::requested(r, t0);
    left.apply(
        ChatEvent::End {
            by: EndedBy::Visitor,
        },
        t0 + Duration::seconds(5),
    )
    .unwrap();
    assert_eq!(left.state, ChatState::Abandoned);
    assert!(!left.state.is_kept());
    assert_eq!(left.length(), None);

    let mut waiting = ChatLifecycle::requested(r, t0);
    assert!(waiting
        .apply(
            ChatEvent::End {
                by: EndedBy::Operator
            },
            t0
        )
        .is_err());
    assert!(waiting
        .apply(
            ChatEvent::Transfer {
                operator: "Ewan".into()
            },
            t0
        )
        .is_err());
}

#[test]
fn names_round_trip() {
    for s in [
        ChatState::Requested,
        ChatState::Accepted,
        ChatState::Ended,
        ChatState::Rejected,
        ChatState::Abandoned,
    ] {
        assert_eq!(ChatState::parse(s.name()), Some(s));
    }
    for e in [EndedBy::Operator, EndedBy::Visitor, EndedBy::Inactivity] {
        assert_eq!(EndedBy::parse(e.name()), Some(e));
    }
    for r in FlagReason::ALL {
        assert_eq!(FlagReason::parse(r.name()), Some(r));
    }
    assert_eq!(FlagReason::parse("bogus"), None);
}

#[test]
fn message_bodies_are_cleaned_and_bounded() {
    assert_eq!(
        MessageBody::parse("  hello\r\nthere\u{7}  ")
            .unwrap()
            .as_str(),
        "hello\nthere"
    );
    assert_eq!(MessageBody::parse(" \n\t "), Err(InvalidMessage::Empty));
    let long = "é".repeat(MessageBody::MAX_CHARS);
    assert!(MessageBody::parse(&long).is_ok(), "counted in characters");
    assert_eq!(
        MessageBody::parse(&format!("{long}x")),
        Err(InvalidMessage::TooLong)
    );
    assert!(
        MessageBody::parse("<script>alert(1)</script>").is_ok(),
        "kept as text"
    );
    assert!(ClientMessageId::parse("m-001_a").is_ok());
    for bad in ["", "has space", "ünï", &"x".repeat(65)] {
        assert_eq!(ClientMessageId::parse(bad), Err(InvalidMessage::ClientId));
    }
}
