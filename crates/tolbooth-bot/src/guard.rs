//! The guardrail (BOT-2): the bot gives information only. A question about
//! the visitor's own case ("has my application been approved?") or their
//! eligibility ("am I eligible if I earn £20,000?") is never answered with
//! a decision; the answerer declines it, points to the page that explains
//! the rules, and offers a person.
//!
//! A question is about an own case when it names something of the
//! visitor's (my application, my claim, my council tax account, ...) and
//! asks about its state (approved, status, when will, why was, ...); it is
//! about eligibility when it asks whether the visitor qualifies or how much
//! they would get, or states their circumstances (my income, I earn).
//! Organisations add their own patterns in `chatbot.case_patterns`.
//!
//! Patterns foresee words; behind them a learned model
//! ([`crate::case_model`]) catches the phrasings they did not foresee. A
//! question is case-specific when the patterns match or the model's
//! probability reaches its threshold.

use crate::case_model::CaseModel;
use regex::{Regex, RegexBuilder};

const OWN_THING: &str = r"\b(my|our)\s+(?:[a-z']+\s+){0,3}?(application|claim|case|appeal|complaint|request|assessment|award|benefits?|refund|payment|bill|account|booking|permit|licen[cs]e|reference|enquiry|register|banding|band|points|repair|rent|arrears|fine|penalty|pcn|ticket|grant|tenancy|form|badge|planning|council\s+tax|reduction|discount|exemption|allowance|place|bid|offer|decision|pass|card|subscription|membership)\b";
const STATE: &str = r"\b(approved|accepted|rejected|refused|granted|denied|declined|decided|processed|received|successful|status|progress|outcome|update|happening|cancell?ed|overdue|turned\s+down|gone\s+through|go\s+through|been|stuck|delayed|why\s+(?:was|has|did|is|were|have)|when\s+will|how\s+long\s+will|where\s+is|what\s+happened|has\s+it|is\s+it|any\s+news|heard\s+back|look\s+(?:at|into|up)|check|arrived|come|did\s+you\s+(?:receive|get)|have\s+you\s+(?:received|got))\b";
const ELIGIBILITY: &[&str] = &[
    r"\b(am\s+i|are\s+we|would\s+i\s+be|will\s+i\s+be|is\s+my\s+\w+)\s+(eligible|entitled|allowed|qualified)\b",
    r"\b(do|would|will|could|can|should)\s+(i|we)\s+(qualify|be\s+eligible|be\s+entitled)\b",
    r"\b(i|we)\s+(earn|make|get\s+paid|am\s+paid|receive\s+(?:£|\d|universal|pension|benefits?|housing|child|carers?|disability|pip|esa|jsa|attendance|income)|am\s+on|'m\s+on|have\s+savings)",
    r"\bmy\s+(income|salary|wages?|earnings|savings|pension)\b",
    r"\bhow\s+much\s+(will|would|can|could|do)\s+(i|we)\s+(get|receive|be\s+paid|be\s+given|be\s+awarded)\b",
    r"\b(will|would)\s+(i|we)\s+(get|be\s+given|be\s+offered|be\s+approved|be\s+evicted|lose|win)\b",
    r"\bdo\s+i\s+have\s+(a\s+)?(right|case)\b",
    r"\b(will|would)\s+(the\s+council|you|they)\s+(give|offer|pay|award|grant|house|rehouse)\s+(me|us)\b",
    r"\bwhat\s+(band|priority|points|position|number)\s+(am|are)\s+(i|we)\b",
    r"\bhow\s+many\s+points\s+(do|have|did)\s+(i|we)\b",
    r"\bwhy\s+(have|haven't|havent|has|hasn't|hasnt)\s+(i|we)\s+(not\s+)?(been|got|had|heard)\b",
    r"\b(will|would|could)\s+(my|our)\s+[a-z']+(\s+[a-z']+)?\s+(get|be)\s+(approved|accepted|granted|refused|allowed|passed|planning|permission)\b",
];

#[derive(Debug, thiserror::Error)]
#[error("chatbot.case_patterns: {pattern:?} is not a valid pattern: {reason}")]
pub struct PatternError {
    pub pattern: String,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct CaseGuard {
    own_thing: Regex,
    state: Regex,
    eligibility: Vec<Regex>,
    model: Option<CaseModel>,
}

fn compile(pattern: &str) -> Result<Regex, PatternError> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| PatternError {
            pattern: pattern.to_owned(),
            reason: e.to_string(),
        })
}

impl CaseGuard {
    /// The built-in patterns plus the organisation's own, backed by the
    /// built-in model.
    pub fn new(extra: &[String]) -> Result<Self, PatternError> {
        let mut guard = Self::patterns_only(extra)?;
        // The built-in model is compiled in and loads (a test says so).
        guard.model = CaseModel::built_in().ok();
        Ok(guard)
    }

    /// The patterns alone, with no model behind them (for comparison).
    pub fn patterns_only(extra: &[String]) -> Result<Self, PatternError> {
        let mut eligibility = ELIGIBILITY
            .iter()
            .map(|p| compile(p))
            .collect::<Result<Vec<_>, _>>()?;
        for pattern in extra {
            eligibility.push(compile(pattern)?);
        }
        Ok(Self {
            own_thing: compile(OWN_THING)?,
            state: compile(STATE)?,
            eligibility,
            model: None,
        })
    }

    /// The same patterns backed by `model` (or by none).
    #[must_use]
    pub fn with_model(mut self, model: Option<CaseModel>) -> Self {
        self.model = model;
        self
    }

    /// Whether a model backs the patterns.
    pub fn has_model(&self) -> bool {
        self.model.is_some()
    }

    /// Whether the patterns alone match.
    pub fn patterns_match(&self, question: &str) -> bool {
        let q = question.replace(['’', '‘'], "'");
        (self.own_thing.is_match(&q) && self.state.is_match(&q))
            || self.eligibility.iter().any(|r| r.is_match(&q))
    }

    /// Whether the question asks about the visitor's own case or whether
    /// they qualify.
    pub fn is_case_specific(&self, question: &str) -> bool {
        self.patterns_match(question)
            || self
                .model
                .as_ref()
                .is_some_and(|m| m.is_case_specific(question))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_cases_and_eligibility_are_caught() {
        let guard = CaseGuard::new(&[]).unwrap();
        for q in [
            "has my application been approved",
            "Has my housing application gone through yet?",
            "why was my blue badge refused",
            "what's the status of my planning application",
            "When will my council tax refund be paid?",
            "am I eligible for council tax reduction if I earn £18,000",
            "I earn 20k a year can I get help with rent",
            "do I qualify for a bus pass",
            "how much will I get for housing benefit",
            "will I be evicted",
            "can you check my parking fine",
            "what band am I in on the housing register",
            "why have I not been offered a house yet",
            "will my extension get planning permission",
            "where is my bus pass it hasnt arrived",
            "My income is low, would I get a discount?",
            "did you receive my council tax payment",
            "we receive universal credit, can we get help",
            "has my garden waste subscription been paid",
            "will the council give me somewhere to live",
        ] {
            assert!(guard.is_case_specific(q), "{q}");
        }
    }

    #[test]
    fn questions_about_how_things_work_pass() {
        let guard = CaseGuard::new(&[]).unwrap();
        for q in [
            "how do I apply for a blue badge",
            "How do I pay my council tax bill?",
            "when are bins collected",
            "who is eligible for a bus pass",
            "what is the single person discount",
            "how long does a planning application take",
            "where is my nearest library",
            "can I get a parking permit for a second car",
            "when will my bin be collected",
            "what band is my house in for council tax",
            "how do I renew my garden waste subscription",
            "can the council give me advice about damp",
            "how do I receive my council tax bill by email",
        ] {
            assert!(!guard.is_case_specific(q), "{q}");
        }
    }

    #[test]
    fn the_built_in_model_backs_the_patterns() {
        assert!(CaseGuard::new(&[]).unwrap().has_model());
        assert!(!CaseGuard::patterns_only(&[]).unwrap().has_model());
    }

    #[test]
    fn organisations_add_patterns_and_bad_ones_are_named() {
        let guard = CaseGuard::new(&[r"\bmy\s+grave\b".into()]).unwrap();
        assert!(guard.is_case_specific("can I visit my grave plot"));
        let err = CaseGuard::new(&["(unclosed".into()]).unwrap_err();
        assert!(err.to_string().contains("(unclosed"), "{err}");
    }
}
