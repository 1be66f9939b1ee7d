//! The fixed words of a policy: lawful bases, Article 9 conditions, the
//! kinds of record Tolbooth keeps and their fields, clock starts and expiry
//! actions. Each has its TOML spelling and the plain English the privacy
//! notice uses.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// UK GDPR Article 6(1) lawful bases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Art6Basis {
    /// Art. 6(1)(a): the person has given consent.
    Consent,
    /// Art. 6(1)(b): a contract with the person.
    Contract,
    /// Art. 6(1)(c): a legal obligation of the controller.
    LegalObligation,
    /// Art. 6(1)(d): to protect someone's life.
    VitalInterests,
    /// Art. 6(1)(e): a task carried out in the public interest or in the
    /// exercise of official authority.
    PublicTask,
    /// Art. 6(1)(f): the legitimate interests of the controller or a third
    /// party.
    LegitimateInterests,
}

impl Art6Basis {
    pub fn article(self) -> &'static str {
        match self {
            Art6Basis::Consent => "Article 6(1)(a) UK GDPR",
            Art6Basis::Contract => "Article 6(1)(b) UK GDPR",
            Art6Basis::LegalObligation => "Article 6(1)(c) UK GDPR",
            Art6Basis::VitalInterests => "Article 6(1)(d) UK GDPR",
            Art6Basis::PublicTask => "Article 6(1)(e) UK GDPR",
            Art6Basis::LegitimateInterests => "Article 6(1)(f) UK GDPR",
        }
    }

    pub fn plain(self) -> &'static str {
        match self {
            Art6Basis::Consent => "you have given your consent",
            Art6Basis::Contract => "it is needed for a contract with you",
            Art6Basis::LegalObligation => "the law requires us to",
            Art6Basis::VitalInterests => "it is needed to protect someone's life",
            Art6Basis::PublicTask => {
                "it is necessary for a task we carry out in the public interest"
            }
            Art6Basis::LegitimateInterests => {
                "it is in our legitimate interests, or those of someone else, and those interests are not outweighed by yours"
            }
        }
    }
}

/// UK GDPR Article 9(2) conditions for special category data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Art9Condition {
    /// Art. 9(2)(a).
    ExplicitConsent,
    /// Art. 9(2)(b); needs a DPA 2018 Schedule 1 Part 1 condition.
    EmploymentAndSocialSecurity,
    /// Art. 9(2)(c).
    VitalInterests,
    /// Art. 9(2)(d).
    NotForProfitBody,
    /// Art. 9(2)(e): the person has made the data manifestly public.
    ManifestlyMadePublic,
    /// Art. 9(2)(f).
    LegalClaims,
    /// Art. 9(2)(g); needs a DPA 2018 Schedule 1 Part 2 condition.
    SubstantialPublicInterest,
    /// Art. 9(2)(h); needs a DPA 2018 Schedule 1 Part 1 condition.
    HealthOrSocialCare,
    /// Art. 9(2)(i); needs a DPA 2018 Schedule 1 Part 1 condition.
    PublicHealth,
    /// Art. 9(2)(j); needs a DPA 2018 Schedule 1 Part 1 condition.
    ArchivingResearchStatistics,
}

impl Art9Condition {
    pub fn article(self) -> &'static str {
        match self {
            Art9Condition::ExplicitConsent => "Article 9(2)(a) UK GDPR",
            Art9Condition::EmploymentAndSocialSecurity => "Article 9(2)(b) UK GDPR",
            Art9Condition::VitalInterests => "Article 9(2)(c) UK GDPR",
            Art9Condition::NotForProfitBody => "Article 9(2)(d) UK GDPR",
            Art9Condition::ManifestlyMadePublic => "Article 9(2)(e) UK GDPR",
            Art9Condition::LegalClaims => "Article 9(2)(f) UK GDPR",
            Art9Condition::SubstantialPublicInterest => "Article 9(2)(g) UK GDPR",
            Art9Condition::HealthOrSocialCare => "Article 9(2)(h) UK GDPR",
            Art9Condition::PublicHealth => "Article 9(2)(i) UK GDPR",
            Art9Condition::ArchivingResearchStatistics => "Article 9(2)(j) UK GDPR",
        }
    }

    pub fn plain(self) -> &'static str {
        match self {
            Art9Condition::ExplicitConsent => "you have given your explicit consent",
            Art9Condition::EmploymentAndSocialSecurity => {
                "it is needed for employment, social security or social protection law"
            }
            Art9Condition::VitalInterests => {
                "it is needed to protect someone's life when they cannot consent"
            }
            Art9Condition::NotForProfitBody => {
                "we are a not-for-profit body and you are a member or in regular contact with us"
            }
            Art9Condition::ManifestlyMadePublic => {
                "you have chosen to make the information public to us"
            }
            Art9Condition::LegalClaims => "it is needed for legal claims",
            Art9Condition::SubstantialPublicInterest => {
                "it is necessary for reasons of substantial public interest"
            }
            Art9Condition::HealthOrSocialCare => "it is needed for health or social care",
            Art9Condition::PublicHealth => "it is needed for public health",
            Art9Condition::ArchivingResearchStatistics => {
                "it is needed for archiving, research or statistics in the public interest"
            }
        }
    }

    /// Whether the Data Protection Act 2018 requires a Schedule 1
    /// condition beside this one.
    pub fn needs_schedule_1(self) -> bool {
        matches!(
            self,
            Art9Condition::EmploymentAndSocialSecurity
                | Art9Condition::SubstantialPublicInterest
                | Art9Condition::HealthOrSocialCare
                | Art9Condition::PublicHealth
                | Art9Condition::ArchivingResearchStatistics
        )
    }
}

/// Where data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The person themselves.
    DataSubject,
    /// Someone contacting us on the person's behalf.
    SomeoneOnTheirBehalf,
    /// Recorded by the system as the person uses the service.
    CapturedAutomatically,
    /// Written by our staff.
    Staff,
}

impl Source {
    pub fn plain(self) -> &'static str {
        match self {
            Source::DataSubject => "you",
            Source::SomeoneOnTheirBehalf => "someone contacting us on your behalf",
            Source::CapturedAutomatically => "recorded automatically as you use the service",
            Source::Staff => "our staff",
        }
    }
}

/// When a retention period starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClockStart {
    /// When the chat ended.
    ChatEnded,
    /// When the record was created.
    Collected,
    /// The person's last contact with us.
    LastContact,
    /// When the person's account was closed.
    AccountClosed,
}

impl ClockStart {
    pub fn plain(self) -> &'static str {
        match self {
            ClockStart::ChatEnded => "after the chat ends",
            ClockStart::Collected => "after we receive it",
            ClockStart::LastContact => "after your last contact with us",
            ClockStart::AccountClosed => "after your account is closed",
        }
    }
}

/// What happens when a retention period has run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryAction {
    /// Deleted.
    Delete,
    /// Everything that could identify anyone is removed; what is left is
    /// kept for statistics.
    Anonymise,
    /// Identifiers replaced by artificial ones; a record of the contact
    /// stays.
    Pseudonymise,
    /// Statistics and the edited transcript are extracted (see the
    /// `edited_transcript` kind), then the record is deleted.
    ExtractThenDelete,
}

impl ExpiryAction {
    pub fn plain(self) -> &'static str {
        match self {
            ExpiryAction::Delete => "deleted",
            ExpiryAction::Anonymise => "anonymised",
            ExpiryAction::Pseudonymise => "pseudonymised",
            ExpiryAction::ExtractThenDelete => {
                "deleted, after statistics and an edited transcript have been extracted"
            }
        }
    }
}

/// Which of Tolbooth's records a category is. The sweeps act on kinds; a
/// category's fields must be fields Tolbooth keeps for its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    /// A live chat as held while it is live: the question, the messages,
    /// the name the visitor gave, the operator and the times.
    ChatRecord,
    /// The visitor's IP address, captured with a live chat.
    IpAddress,
    /// What else is captured with a live chat: browser, system, device,
    /// referrer, launch page, pages visited, time on site, town and
    /// country, and the link between one visitor's chats.
    VisitorDetails,
    /// What is extracted from a chat before it is deleted (RET-3): the
    /// transcript with contact details and special category data removed,
    /// edited by staff, with the chat's times and referrer.
    EditedTranscript,
    /// Questions asked of the chatbot.
    ChatbotQuestion,
}

impl CategoryKind {
    pub const ALL: [CategoryKind; 5] = [
        CategoryKind::ChatRecord,
        CategoryKind::IpAddress,
        CategoryKind::VisitorDetails,
        CategoryKind::EditedTranscript,
        CategoryKind::ChatbotQuestion,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CategoryKind::ChatRecord => "chat_record",
            CategoryKind::IpAddress => "ip_address",
            CategoryKind::VisitorDetails => "visitor_details",
            CategoryKind::EditedTranscript => "edited_transcript",
            CategoryKind::ChatbotQuestion => "chatbot_question",
        }
    }

    /// The fields Tolbooth keeps for this kind, with the words the notice
    /// uses for each.
    pub fn fields(self) -> &'static [(&'static str, &'static str)] {
        match self {
            CategoryKind::ChatRecord => &[
                ("chat_id", "the chat's reference number"),
                ("name", "your name, if you give it"),
                ("question", "your question"),
                ("messages", "everything written in the chat"),
                ("operator_name", "the name of the member of staff who answered"),
                ("times", "when the chat was requested, accepted and ended"),
                ("ended_by", "who ended the chat"),
                ("flags", "whether staff flagged the chat as offensive or a concern"),
            ],
            CategoryKind::IpAddress => &[("ip_address", "your device's IP address")],
            CategoryKind::VisitorDetails => &[
                ("browser", "the browser you used"),
                ("operating_system", "your device's operating system"),
                ("device", "the type of device"),
                ("referrer", "the website you came from"),
                ("launch_url", "the page you started the chat on"),
                ("pages_visited", "how many of our pages you visited"),
                ("time_on_site", "how long you spent on our website"),
                ("location", "your town and country, worked out from your IP address"),
                ("earlier_chats", "a link to your earlier chats on the same device"),
            ],
            CategoryKind::EditedTranscript => &[
                ("chat_id", "the chat's reference number"),
                ("operator_name", "the name of the member of staff who answered"),
                ("times", "when the chat was requested, accepted and ended"),
                ("chat_length", "how long the chat lasted"),
                ("question", "your question"),
                ("browser", "the browser you used"),
                ("referrer", "the website you came from"),
                ("launch_url", "the page you started the chat on"),
                ("pages_visited", "how many of our pages you visited"),
                ("time_on_site", "how long you spent on our website"),
                ("content", "what was written in the chat, with contact details and special category information removed"),
                ("ended_by", "who ended the chat"),
            ],
            CategoryKind::ChatbotQuestion => &[
                ("question", "the questions you ask"),
                ("service_area", "which of our services the question was about"),
                ("feedback", "whether you found the answer helpful"),
            ],
        }
    }

    /// The clock starts that make sense for the kind.
    pub fn clock_starts(self) -> &'static [ClockStart] {
        match self {
            CategoryKind::ChatRecord
            | CategoryKind::IpAddress
            | CategoryKind::VisitorDetails
            | CategoryKind::EditedTranscript => &[ClockStart::ChatEnded],
            CategoryKind::ChatbotQuestion => &[ClockStart::Collected],
        }
    }

    /// The expiry actions Tolbooth carries out for the kind.
    pub fn actions(self) -> &'static [ExpiryAction] {
        match self {
            CategoryKind::ChatRecord => &[ExpiryAction::Delete, ExpiryAction::ExtractThenDelete],
            CategoryKind::IpAddress | CategoryKind::VisitorDetails => &[ExpiryAction::Delete],
            CategoryKind::EditedTranscript | CategoryKind::ChatbotQuestion => {
                &[ExpiryAction::Delete, ExpiryAction::Anonymise]
            }
        }
    }
}
