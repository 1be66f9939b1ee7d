//! The privacy notice (GOV-1), generated from the running policy: the
//! same document that drives the sweeps says what the notice promises.
//! Built as a model of sections and blocks and written as Markdown (the
//! archived form of each adopted version); the web crate's templates render
//! the model as HTML for `/privacy` and `--format html`. Plain English
//! throughout.

mod markdown;

use std::fmt::Write;
use time::Date;
use tolbooth_domain::policy::{Art6Basis, Category, ExpiryAction, Source, ValidPolicy};

/// A notice: sections of paragraphs and lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    List(Vec<String>),
}

/// Which version of the notice, and since when; `None` for a draft of a
/// policy not yet adopted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edition {
    pub version: Option<i64>,
    pub effective: Date,
}

impl Edition {
    fn describe(self) -> String {
        match self.version {
            Some(v) => format!("Version {v}, in force from {}.", date_text(self.effective)),
            None => format!("Draft of {}: not yet in force.", date_text(self.effective)),
        }
    }
}

const ICO: [&str; 4] = [
    "Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire, SK9 5AF",
    "Telephone: 0303 123 1113",
    "Website: https://ico.org.uk",
    "Make a complaint: https://ico.org.uk/make-a-complaint/",
];

fn section(heading: &str, blocks: Vec<Block>) -> Section {
    Section {
        heading: heading.to_owned(),
        blocks,
    }
}

fn para(s: impl Into<String>) -> Block {
    Block::Paragraph(s.into())
}

fn sentence_case(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn date_text(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

fn category_line(policy: &ValidPolicy, c: &Category) -> String {
    let labels: Vec<String> = c
        .fields
        .iter()
        .filter_map(|f| {
            c.kind
                .fields()
                .iter()
                .find(|(n, _)| n == f)
                .map(|(_, l)| (*l).to_owned())
        })
        .collect();
    let mut line = format!("{}: {}.", c.name, and_list(&labels));
    if let Some(d) = &c.description {
        line.push(' ');
        line.push_str(d.trim());
    }
    if let Some(origin) = where_it_comes_from(&c.sources) {
        line.push(' ');
        line.push_str(&origin);
    }
    let purposes: Vec<String> = c
        .purposes
        .iter()
        .filter_map(|id| policy.policy().purposes.iter().find(|p| &p.id == id))
        .map(|p| p.description.trim_end_matches('.').to_lowercase())
        .collect();
    if !purposes.is_empty() {
        let _ = write!(line, " We use it {}.", and_list(&purposes));
    }
    line
}

/// Where a category's information comes from, as one sentence: people
/// give it (the person, or someone on their behalf, and our staff), and
/// the service records some of it by itself.
fn where_it_comes_from(sources: &[Source]) -> Option<String> {
    let has = |s: Source| sources.contains(&s);
    let mut people: Vec<String> = Vec::new();
    match (has(Source::DataSubject), has(Source::SomeoneOnTheirBehalf)) {
        (true, true) => people.push(format!(
            "{} (or {})",
            Source::DataSubject.plain(),
            Source::SomeoneOnTheirBehalf.plain()
        )),
        (true, false) => people.push(Source::DataSubject.plain().to_owned()),
        (false, true) => people.push(Source::SomeoneOnTheirBehalf.plain().to_owned()),
        (false, false) => {}
    }
    if has(Source::Staff) {
        people.push(Source::Staff.plain().to_owned());
    }
    let automatic = has(Source::CapturedAutomatically);
    match (people.is_empty(), automatic) {
        (false, false) => Some(format!("It comes from {}.", and_list(&people))),
        (false, true) => Some(format!(
            "It comes from {}, and some of it is {}.",
            and_list(&people),
            Source::CapturedAutomatically.plain()
        )),
        (true, true) => Some(format!("It is {}.", Source::CapturedAutomatically.plain())),
        (true, false) => None,
    }
}

fn retention_line(c: &Category) -> Option<String> {
    let r = c.retention.as_ref()?;
    let mut line = match r.action {
        ExpiryAction::ExtractThenDelete => format!(
            "{}: kept for no more than {} {}. Before it is deleted, statistics (counts and times, with nothing personal) and an edited transcript are extracted.",
            c.name, r.period, r.starts.plain()
        ),
        action => format!(
            "{}: kept for no more than {} {}, then {}.",
            c.name,
            r.period,
            r.starts.plain(),
            action.plain()
        ),
    };
    if let Some(note) = &r.note {
        line.push(' ');
        line.push_str(note.trim());
    }
    Some(line)
}

/// Builds the notice for `policy`.
pub fn build(policy: &ValidPolicy, edition: Edition) -> Notice {
    let p = policy.policy();
    let mut sections = vec![
        about(policy, edition),
        purposes(policy),
        held(policy),
        sharing(policy),
        section(
            "How long we keep it",
            vec![Block::List(
                p.categories.iter().filter_map(retention_line).collect(),
            )],
        ),
    ];
    for st in &p.statements {
        sections.push(section(&st.heading, vec![para(st.text.trim())]));
    }
    sections.push(section("Your rights", rights(policy)));
    sections.push(contact(policy));
    sections.push(section(
        "Complaints",
        vec![
            para("If you are unhappy with how we have used your information, please tell us first so that we can put it right. You also have the right to complain to the Information Commissioner's Office (ICO):"),
            Block::List(ICO.iter().map(|s| (*s).to_owned()).collect()),
        ],
    ));
    sections.push(section(
        "Changes to this notice",
        vec![para(format!(
            "This notice is generated from the policy our system runs under, so it changes when the policy changes. {} Earlier versions remain available.",
            edition.describe()
        ))],
    ));
    Notice {
        title: format!("Privacy notice: {}", p.service.name),
        sections,
    }
}

/// Who the controller is, for which service, and which edition this is.
fn about(policy: &ValidPolicy, edition: Edition) -> Section {
    let p = policy.policy();
    section(
        "About this notice",
        vec![
            para(format!(
                "This notice explains how {} uses personal information as data controller for {}. {}",
                p.controller.name,
                p.service.name.to_lowercase(),
                p.service.description.trim()
            )),
            para(edition.describe()),
        ],
    )
}

/// Each purpose with its lawful basis.
fn purposes(policy: &ValidPolicy) -> Section {
    section(
        "Why we use your information",
        vec![Block::List(
            policy
                .policy()
                .purposes
                .iter()
                .map(|purpose| {
                    let mut s = format!(
                        "{} Our lawful basis: {} ({}).",
                        purpose.description.trim(),
                        purpose.lawful_basis.plain(),
                        purpose.lawful_basis.article()
                    );
                    if let Some(e) = &purpose.basis_explanation {
                        s.push(' ');
                        s.push_str(e.trim());
                    }
                    s
                })
                .collect(),
        )],
    )
}

/// The categories held, then what special category and criminal offence
/// data they may include and why.
fn held(policy: &ValidPolicy) -> Section {
    let p = policy.policy();
    let mut held = vec![Block::List(
        p.categories
            .iter()
            .map(|c| category_line(policy, c))
            .collect(),
    )];
    for c in p.categories.iter().filter(|c| c.special_category) {
        if let Some(cond) = c.article_9_condition {
            let mut s = format!(
                "{} may include special category information: information about your health, sex life or sexual orientation, religious or philosophical beliefs, political opinions, racial or ethnic origin, trade union membership, or genetic or biometric data. We use it only because {} ({}).",
                sentence_case(&c.name),
                cond.plain(),
                cond.article()
            );
            if let Some(s1) = &c.dpa_schedule_1_condition {
                let _ = write!(
                    s,
                    " The Data Protection Act 2018 condition is {}.",
                    s1.trim()
                );
            }
            held.push(para(s));
        }
    }
    for c in p.categories.iter().filter(|c| c.criminal_offence_data) {
        held.push(para(format!(
            "{} may include information about criminal offences, for example threats or indications of illegal activity.",
            sentence_case(&c.name)
        )));
    }
    section("What we hold and where it comes from", held)
}

/// Recipients, processors and transfers outside the UK.
fn sharing(policy: &ValidPolicy) -> Section {
    let p = policy.policy();
    let mut sharing = Vec::new();
    if p.recipients.is_empty() {
        sharing.push(para("We do not share your information with anyone else."));
    } else {
        sharing.push(Block::List(
            p.recipients
                .iter()
                .map(|r| {
                    let basis = r.basis_explanation.clone().unwrap_or_else(|| {
                        format!(
                            "Our lawful basis: {} ({}).",
                            r.lawful_basis.plain(),
                            r.lawful_basis.article()
                        )
                    });
                    format!("{}: {} {}", r.name, r.when.trim(), basis.trim())
                })
                .collect(),
        ));
    }
    if p.processors.is_empty() {
        sharing.push(para(
            "No other organisation processes your information for us: the service runs on our own systems.",
        ));
    } else {
        sharing.push(para("These organisations process information on our behalf, under contract and only on our instructions:"));
        sharing.push(Block::List(
            p.processors
                .iter()
                .map(|pr| {
                    format!(
                        "{}: {}, in {}.",
                        pr.name,
                        pr.service.trim_end_matches('.'),
                        pr.location
                    )
                })
                .collect(),
        ));
    }
    let transfers: Vec<String> = p
        .processors
        .iter()
        .filter_map(|pr| {
            pr.transfer.as_ref().map(|t| {
                format!(
                    "{} ({}), protected by {}.",
                    pr.name,
                    t.country,
                    t.safeguard.trim_end_matches('.')
                )
            })
        })
        .collect();
    if transfers.is_empty() {
        sharing.push(para("Your information is not sent outside the UK."));
    } else {
        sharing.push(para("Your information is sent outside the UK to:"));
        sharing.push(Block::List(transfers));
    }
    section("Who we share it with", sharing)
}

/// The data protection contact and the controller.
fn contact(policy: &ValidPolicy) -> Section {
    let p = policy.policy();
    let c = &p.data_protection_contact;
    let mut contact = vec![para(format!(
        "To use any of these rights, or if you have a question about how we use your information, contact our {}:",
        c.title
    ))];
    let mut lines: Vec<String> = Vec::new();
    if !c.address.is_empty() {
        lines.push(format!("Post: {}", c.address.join(", ")));
    }
    if let Some(e) = &c.email {
        lines.push(format!("Email: {e}"));
    }
    if let Some(t) = &c.phone {
        lines.push(format!("Telephone: {t}"));
    }
    if let Some(w) = &c.website {
        lines.push(format!("Website: {w}"));
    }
    contact.push(Block::List(lines));
    let mut controller = vec![format!("The data controller is {}", p.controller.name)];
    if !p.controller.address.is_empty() {
        controller.push(p.controller.address.join(", "));
    }
    contact.push(para(format!("{}.", controller.join(", "))));
    section("Contact us", contact)
}

fn rights(policy: &ValidPolicy) -> Vec<Block> {
    let bases: Vec<Art6Basis> = policy
        .policy()
        .purposes
        .iter()
        .map(|p| p.lawful_basis)
        .collect();
    let has = |b: Art6Basis| bases.contains(&b);
    let mut list = vec![
        "Access: you can ask for a copy of the personal information we hold about you.".to_owned(),
        "Correction: you can ask us to correct information about you that is wrong or incomplete."
            .to_owned(),
    ];
    let mut erasure = "Deletion: you can ask us to delete information about you.".to_owned();
    if has(Art6Basis::PublicTask) || has(Art6Basis::LegalObligation) {
        erasure.push_str(" This right does not always apply where we use the information for a task in the public interest or a legal obligation; we will tell you if that is the case.");
    }
    list.push(erasure);
    list.push("Restriction: you can ask us to keep your information but stop using it, for example while we check that it is accurate.".into());
    if has(Art6Basis::PublicTask) || has(Art6Basis::LegitimateInterests) {
        list.push("Objection: you can object to our using your information; we will stop unless we have compelling legitimate grounds to continue.".into());
    }
    if has(Art6Basis::Consent) || has(Art6Basis::Contract) {
        list.push("Portability: you can ask for information you gave us in a form you can take to another organisation.".into());
    }
    if has(Art6Basis::Consent) {
        list.push(
            "Withdrawing consent: where we rely on your consent, you can withdraw it at any time."
                .into(),
        );
    }
    list.push("We do not make decisions about you by automated means.".into());
    vec![
        para("Data protection law gives you rights over your information. Depending on why we hold it, you can ask for the following:"),
        Block::List(list),
    ]
}

/// A run of a notice's text: plain, or a web or email address that a page
/// shows as a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    /// `https://...`, `http://...` or `mailto:...`.
    pub href: Option<String>,
}

/// Splits `text` into plain runs and the bare `http(s)://` and email
/// addresses in it, so that a template can link them.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut plain = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            plain.push(' ');
        }
        let trimmed = word.trim_end_matches(['.', ',', ')', ';']);
        let rest = &word[trimmed.len()..];
        let href = if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
            Some(trimmed.to_owned())
        } else if trimmed.contains('@') && trimmed.contains('.') && !trimmed.starts_with('@') {
            Some(format!("mailto:{trimmed}"))
        } else {
            None
        };
        match href {
            Some(href) => {
                if !plain.is_empty() {
                    out.push(Segment {
                        text: std::mem::take(&mut plain),
                        href: None,
                    });
                }
                out.push(Segment {
                    text: trimmed.to_owned(),
                    href: Some(href),
                });
                plain.push_str(rest);
            }
            None => plain.push_str(word),
        }
    }
    if !plain.is_empty() {
        out.push(Segment {
            text: plain,
            href: None,
        });
    }
    out
}

#[cfg(test)]
mod tests;
