//! The literal triggers: the words that open a window for a detector that
//! does not start from a digit.

/// What a trigger starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// "insta", "snapchat", "username": a handle may follow.
    HandleCue,
    /// "instagram.com", "x.com": a profile address.
    ProfileUrl,
    /// "dot", ".com", ".org": the end of an email written out.
    EmailWrittenOut,
    /// "syndrome", "-itis", "-osis": the name of a condition.
    Condition,
    /// "born", "date of birth", "dob": a date of birth may follow.
    BirthCue,
    /// "postcode": a postcode typed with odd spacing may follow.
    PostcodeCue,
    /// "oh", "double", "zero": a phone number may be spelled out.
    SpelledDigits,
}

pub(super) const TRIGGER_KINDS: usize = 7;

impl Trigger {
    pub(super) fn index(self) -> usize {
        match self {
            Trigger::HandleCue => 0,
            Trigger::ProfileUrl => 1,
            Trigger::EmailWrittenOut => 2,
            Trigger::Condition => 3,
            Trigger::BirthCue => 4,
            Trigger::PostcodeCue => 5,
            Trigger::SpelledDigits => 6,
        }
    }

    /// The window around a trigger found at `start..end`, before alignment.
    pub(super) fn window(self, start: usize, end: usize) -> (usize, usize) {
        match self {
            Trigger::HandleCue => (start, end + 96),
            Trigger::ProfileUrl => (start.saturating_sub(24), end + 96),
            Trigger::EmailWrittenOut => (start.saturating_sub(128), end + 48),
            Trigger::Condition => (start.saturating_sub(64), end + 8),
            Trigger::BirthCue => (start.saturating_sub(16), end + 72),
            Trigger::PostcodeCue => (start, end + 40),
            Trigger::SpelledDigits => (start.saturating_sub(8), end + 160),
        }
    }
}

/// Literal triggers (matched ignoring ASCII case, anywhere in a word) and
/// what each starts.
pub(super) const TRIGGERS: &[(&str, &[Trigger])] = &[
    ("insta", &[Trigger::HandleCue]),
    ("twitter", &[Trigger::HandleCue]),
    ("tiktok", &[Trigger::HandleCue]),
    ("snap", &[Trigger::HandleCue]),
    ("facebook", &[Trigger::HandleCue]),
    ("fb", &[Trigger::HandleCue]),
    ("bluesky", &[Trigger::HandleCue]),
    ("threads", &[Trigger::HandleCue]),
    ("username", &[Trigger::HandleCue]),
    ("user name", &[Trigger::HandleCue]),
    ("gamertag", &[Trigger::HandleCue]),
    ("twitter.com", &[Trigger::ProfileUrl, Trigger::HandleCue]),
    ("x.com", &[Trigger::ProfileUrl]),
    ("facebook.com", &[Trigger::ProfileUrl, Trigger::HandleCue]),
    ("fb.com", &[Trigger::ProfileUrl, Trigger::HandleCue]),
    ("instagram.com", &[Trigger::ProfileUrl, Trigger::HandleCue]),
    ("tiktok.com", &[Trigger::ProfileUrl, Trigger::HandleCue]),
    ("linkedin.com/in", &[Trigger::ProfileUrl]),
    ("threads.net", &[Trigger::ProfileUrl, Trigger::HandleCue]),
    ("youtube.com", &[Trigger::ProfileUrl]),
    (
        "snapchat.com/add",
        &[Trigger::ProfileUrl, Trigger::HandleCue],
    ),
    ("bsky.app/profile", &[Trigger::ProfileUrl]),
    ("reddit.com/u", &[Trigger::ProfileUrl]),
    ("dot", &[Trigger::EmailWrittenOut]),
    (".com", &[Trigger::EmailWrittenOut]),
    (".org", &[Trigger::EmailWrittenOut]),
    (".net", &[Trigger::EmailWrittenOut]),
    (".uk", &[Trigger::EmailWrittenOut]),
    (".scot", &[Trigger::EmailWrittenOut]),
    (".wales", &[Trigger::EmailWrittenOut]),
    (".cymru", &[Trigger::EmailWrittenOut]),
    (".gov", &[Trigger::EmailWrittenOut]),
    (".ac", &[Trigger::EmailWrittenOut]),
    (".co", &[Trigger::EmailWrittenOut]),
    (".edu", &[Trigger::EmailWrittenOut]),
    (".info", &[Trigger::EmailWrittenOut]),
    (".io", &[Trigger::EmailWrittenOut]),
    (".me", &[Trigger::EmailWrittenOut]),
    (".ie", &[Trigger::EmailWrittenOut]),
    (".eu", &[Trigger::EmailWrittenOut]),
    (".nhs", &[Trigger::EmailWrittenOut]),
    (".sch", &[Trigger::EmailWrittenOut]),
    (".police", &[Trigger::EmailWrittenOut]),
    (".mod", &[Trigger::EmailWrittenOut]),
    (".biz", &[Trigger::EmailWrittenOut]),
    ("syndrome", &[Trigger::Condition]),
    ("disorder", &[Trigger::Condition]),
    ("disease", &[Trigger::Condition]),
    ("deficiency", &[Trigger::Condition]),
    ("dystrophy", &[Trigger::Condition]),
    ("itis", &[Trigger::Condition]),
    ("osis", &[Trigger::Condition]),
    ("iasis", &[Trigger::Condition]),
    ("algia", &[Trigger::Condition]),
    ("emia", &[Trigger::Condition]),
    ("opathy", &[Trigger::Condition]),
    ("plegia", &[Trigger::Condition]),
    ("phobia", &[Trigger::Condition]),
    ("birth", &[Trigger::BirthCue]),
    ("born", &[Trigger::BirthCue]),
    ("bday", &[Trigger::BirthCue]),
    ("b'day", &[Trigger::BirthCue]),
    ("geni", &[Trigger::BirthCue]),
    ("oh ", &[Trigger::SpelledDigits]),
    ("zero", &[Trigger::SpelledDigits]),
    ("nought", &[Trigger::SpelledDigits]),
    ("eni", &[Trigger::BirthCue]),
    ("anwyd", &[Trigger::BirthCue]),
    ("blwydd", &[Trigger::BirthCue]),
    ("rugadh", &[Trigger::BirthCue]),
    ("breith", &[Trigger::BirthCue]),
    ("post code", &[Trigger::PostcodeCue]),
    ("postcode", &[Trigger::PostcodeCue]),
    ("postcde", &[Trigger::PostcodeCue]),
    ("postcod", &[Trigger::PostcodeCue]),
    ("post cde", &[Trigger::PostcodeCue]),
    ("post cod", &[Trigger::PostcodeCue]),
    ("post c0de", &[Trigger::PostcodeCue]),
    ("postc0de", &[Trigger::PostcodeCue]),
    ("cod post", &[Trigger::PostcodeCue]),
];

/// "dob" as people write it: a full stop and a space, each optional, after
/// the d and after the o ("d.o.b", "d o b", "d. o. b"). Each is a
/// [`Trigger::BirthCue`].
pub(super) fn dob_spellings() -> Vec<String> {
    let joins = ["", ".", " ", ". "];
    joins
        .iter()
        .flat_map(|a| joins.iter().map(move |b| format!("d{a}o{b}b")))
        .collect()
}
