//! Reading a policy (RET-1) from TOML: a file the organisation writes, or
//! one of the presets shipped in `policies/` and built into the binary.

use std::path::Path;
use tolbooth_domain::policy::{Policy, PolicyFault, ValidPolicy};

/// A preset: its name and its text.
pub struct Preset {
    pub name: &'static str,
    pub summary: &'static str,
    pub text: &'static str,
}

/// The presets: the first three each reproduce one of the notices Tolbooth
/// was designed from (RET-2); the last is the fictional council that
/// `tolbooth demo` runs with.
pub const PRESETS: [Preset; 4] = [
    Preset {
        name: "scottish-parliament-live-chat",
        summary: "live chat: extract statistics and edited transcripts, delete after 7 days; transcripts anonymised at 2 years",
        text: include_str!("../../../policies/scottish-parliament-live-chat.toml"),
    },
    Preset {
        name: "helpline-live-chat",
        summary: "a helpline's live chat: transcripts deleted 30 days after the chat",
        text: include_str!("../../../policies/helpline-live-chat.toml"),
    },
    Preset {
        name: "council-chatbot",
        summary: "a council's chatbot: questions deleted after 12 months",
        text: include_str!("../../../policies/council-chatbot.toml"),
    },
    Preset {
        name: "demo-council",
        summary: "the demo's fictional council: chatbot questions deleted after 12 months, live chat as the Scottish Parliament's",
        text: include_str!("../../../policies/demo-council.toml"),
    },
];

/// Where `retention.policy` points: `preset:NAME` or a file.
pub const PRESET_PREFIX: &str = "preset:";

#[derive(Debug, thiserror::Error)]
pub enum PolicyFileError {
    #[error("cannot read policy file {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("unknown policy preset {name:?}; the presets are: {known}")]
    UnknownPreset { name: String, known: String },
    #[error("{origin} is not a valid policy file: {reason}")]
    Syntax { origin: String, reason: String },
    #[error("{origin} breaks {} rule{}:\n{}", faults.len(), if faults.len() == 1 { "" } else { "s" }, faults.iter().map(|f| format!("  - {f}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        origin: String,
        faults: Vec<PolicyFault>,
    },
}

/// A policy as loaded: the valid policy and the exact text it came from
/// (whose hash identifies the notice version).
#[derive(Debug, Clone)]
pub struct LoadedPolicy {
    pub policy: ValidPolicy,
    pub text: String,
    /// `preset:NAME` or the file's path.
    pub origin: String,
}

impl LoadedPolicy {
    /// SHA-256 (hex) of the text: what identifies a notice version.
    pub fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(self.text.as_bytes()))
    }
}

/// Parses and validates `text`; `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> Result<LoadedPolicy, PolicyFileError> {
    let policy: Policy = toml::from_str(text).map_err(|e| PolicyFileError::Syntax {
        origin: origin.to_owned(),
        reason: e.to_string().trim_end().to_owned(),
    })?;
    let policy = policy
        .validate()
        .map_err(|faults| PolicyFileError::Invalid {
            origin: origin.to_owned(),
            faults,
        })?;
    Ok(LoadedPolicy {
        policy,
        text: text.to_owned(),
        origin: origin.to_owned(),
    })
}

pub fn preset(name: &str) -> Result<&'static Preset, PolicyFileError> {
    PRESETS
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| PolicyFileError::UnknownPreset {
            name: name.to_owned(),
            known: PRESETS
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Loads `spec`: `preset:NAME`, or a path to a TOML file.
pub fn load(spec: &str) -> Result<LoadedPolicy, PolicyFileError> {
    if let Some(name) = spec.strip_prefix(PRESET_PREFIX) {
        let p = preset(name)?;
        return parse(p.text, spec);
    }
    let path = Path::new(spec);
    let text = std::fs::read_to_string(path).map_err(|e| PolicyFileError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    parse(&text, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tolbooth_domain::policy::{CategoryKind, ExpiryAction, Period};

    #[test]
    fn every_preset_is_valid() {
        for p in &PRESETS {
            let loaded = load(&format!("preset:{}", p.name));
            assert!(
                loaded.is_ok(),
                "{}: {}",
                p.name,
                loaded.err().map(|e| e.to_string()).unwrap_or_default()
            );
        }
    }

    #[test]
    fn the_presets_keep_what_their_notices_promise() {
        let sp = load("preset:scottish-parliament-live-chat").unwrap().policy;
        let record = sp.rule(CategoryKind::ChatRecord).unwrap();
        assert_eq!(record.period, Period::Days(7));
        assert_eq!(record.action, ExpiryAction::ExtractThenDelete);
        assert_eq!(
            sp.rule(CategoryKind::IpAddress).unwrap().period,
            Period::Days(7)
        );
        let edited = sp.rule(CategoryKind::EditedTranscript).unwrap();
        assert_eq!(edited.period, Period::Years(2));
        assert_eq!(edited.action, ExpiryAction::Anonymise);
        let fields = &sp.category(CategoryKind::EditedTranscript).unwrap().fields;
        assert!(!fields.iter().any(|f| f == "ip_address"));

        let helpline = load("preset:helpline-live-chat").unwrap().policy;
        let record = helpline.rule(CategoryKind::ChatRecord).unwrap();
        assert_eq!(
            (record.period, record.action),
            (Period::Days(30), ExpiryAction::Delete)
        );
        assert!(!helpline.extracts_chats());

        let bot = load("preset:council-chatbot").unwrap().policy;
        assert_eq!(
            bot.rule(CategoryKind::ChatbotQuestion).unwrap().period,
            Period::Months(12)
        );
    }

    fn faults_of(text: &str) -> String {
        match parse(text, "test.toml") {
            Ok(_) => panic!("accepted"),
            Err(e) => e.to_string(),
        }
    }

    fn sp_with(from: &str, to: &str) -> String {
        let text = PRESETS[0].text;
        assert!(text.contains(from), "preset lacks {from:?}");
        text.replacen(from, to, 1)
    }

    #[test]
    fn a_category_without_a_lawful_basis_is_refused() {
        let msg = faults_of(&sp_with(
            "purposes = [\"answer_enquiry\", \"police_referral\"]\n",
            "purposes = []\n",
        ));
        assert!(
            msg.contains("category \"chat\": collected without a lawful basis"),
            "{msg}"
        );
    }

    #[test]
    fn a_category_without_a_retention_rule_is_refused() {
        let text = sp_with(
            "[category.retention]\n# \"Information about contacts made through live chat is held on the\n# WebsiteAlive system for no more than seven days. It is then deleted after\n# statistics and transcripts have been extracted.\"\nperiod = \"7 days\"\nstarts = \"chat_ended\"\naction = \"extract_then_delete\"\n",
            "",
        );
        let msg = faults_of(&text);
        assert!(
            msg.contains("category \"chat\": has no retention rule"),
            "{msg}"
        );
    }

    #[test]
    fn special_category_data_needs_an_article_9_condition() {
        let msg = faults_of(&sp_with(
            "article_9_condition = \"manifestly_made_public\"\n",
            "",
        ));
        assert!(msg.contains("names no Article 9 condition"), "{msg}");
        let msg = faults_of(&sp_with(
            "article_9_condition = \"manifestly_made_public\"\n",
            "article_9_condition = \"substantial_public_interest\"\n",
        ));
        assert!(
            msg.contains("needs a Data Protection Act 2018 Schedule 1 condition"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_keys_and_words_are_named() {
        let msg = faults_of(&sp_with("[service]\n", "[service]\ncolour = \"blue\"\n"));
        assert!(msg.contains("unknown field `colour`"), "{msg}");
        assert!(msg.contains("line"), "{msg}");
        let msg = faults_of(&sp_with("period = \"7 days\"", "period = \"a week\""));
        assert!(msg.contains("\"a week\" is not a period"), "{msg}");
        let msg = faults_of(&sp_with(
            "lawful_basis = \"public_task\"",
            "lawful_basis = \"because\"",
        ));
        assert!(msg.contains("unknown variant `because`"), "{msg}");
    }

    #[test]
    fn ip_addresses_cannot_be_extracted_or_outlive_the_chat() {
        let msg = faults_of(&sp_with(
            "fields = [\"chat_id\", \"operator_name\", \"times\", \"chat_length\"",
            "fields = [\"ip_address\", \"chat_id\", \"operator_name\", \"times\", \"chat_length\"",
        ));
        assert!(
            msg.contains(
                "field \"ip_address\" is not one Tolbooth keeps for kind edited_transcript"
            ),
            "{msg}"
        );
        let text = PRESETS[0].text;
        let at = text.find("id = \"ip_address\"").unwrap();
        let (head, tail) = text.split_at(at);
        let tail = tail.replacen("period = \"7 days\"", "period = \"30 days\"", 1);
        let msg = faults_of(&format!("{head}{tail}"));
        assert!(
            msg.contains("kept for 30 days but it is part of the chat record"),
            "{msg}"
        );
    }

    #[test]
    fn every_fault_is_reported_at_once() {
        let text = sp_with(
            "purposes = [\"answer_enquiry\", \"police_referral\"]\n",
            "purposes = [\"nothing\"]\n",
        )
        .replacen("article_9_condition = \"manifestly_made_public\"\n", "", 1);
        let msg = faults_of(&text);
        assert!(msg.contains("breaks 2 rules"), "{msg}");
    }
}
