//! Staff roles and what each may do (AUD-1). Every permission check in
//! Tolbooth goes through [`Role::allows`].

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Operator,
    Supervisor,
    Governance,
    Admin,
}

/// Something a member of staff may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Sign in to the console and manage one's own account.
    UseConsole,
    /// Add, disable and change the role of staff accounts.
    ManageStaff,
    /// Read the audit log and export signed checkpoints.
    ReadAuditLog,
    /// Take enquiries from the queue and answer them.
    AnswerChats,
    /// Write and remove the canned responses operators use.
    ManageCannedResponses,
    /// Review and edit a chat's redacted transcript before it is kept
    /// (RED-5).
    EditTranscripts,
    /// Place and release legal holds, and disclose chats to the police
    /// (RET-4).
    HoldAndDisclose,
    /// See the retention schedule and run sweeps from the console.
    ManageRetention,
    /// See the chatbot's reports and keep the staff phrasings of its
    /// knowledge base (BOT-1, BOT-4).
    ManageChatbot,
    /// List and search the chats still held (LC-5); opening one is
    /// audited.
    FindChats,
    /// See the supervisor's dashboard: counts and times, no content.
    SeeDashboard,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Operator,
        Role::Supervisor,
        Role::Governance,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Supervisor => "supervisor",
            Role::Governance => "governance",
            Role::Admin => "admin",
        }
    }

    /// A human label for the console.
    pub fn label(self) -> &'static str {
        match self {
            Role::Operator => "Operator",
            Role::Supervisor => "Supervisor",
            Role::Governance => "Information governance",
            Role::Admin => "Administrator",
        }
    }

    /// Roles that can reach personal data in bulk or change who can must
    /// prove a second factor (AUD-3).
    pub fn requires_second_factor(self) -> bool {
        matches!(self, Role::Governance | Role::Admin)
    }

    pub fn allows(self, permission: Permission) -> bool {
        match permission {
            Permission::UseConsole => true,
            Permission::ManageStaff => self == Role::Admin,
            Permission::ReadAuditLog => matches!(self, Role::Governance | Role::Admin),
            Permission::AnswerChats => matches!(self, Role::Operator | Role::Supervisor),
            Permission::ManageCannedResponses => self == Role::Supervisor,
            Permission::EditTranscripts => matches!(self, Role::Supervisor | Role::Governance),
            Permission::HoldAndDisclose => self == Role::Governance,
            Permission::ManageRetention => matches!(self, Role::Governance | Role::Admin),
            Permission::ManageChatbot => matches!(self, Role::Supervisor | Role::Admin),
            Permission::FindChats => {
                matches!(self, Role::Operator | Role::Supervisor | Role::Governance)
            }
            Permission::SeeDashboard => matches!(self, Role::Supervisor | Role::Admin),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected one of operator, supervisor, governance, admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn only_admins_manage_staff() {
        let managers: Vec<_> = Role::ALL
            .into_iter()
            .filter(|r| r.allows(Permission::ManageStaff))
            .collect();
        assert_eq!(managers, vec![Role::Admin]);
    }

    #[test]
    fn governance_and_admin_need_a_second_factor() {
        assert!(Role::Admin.requires_second_factor());
        assert!(Role::Governance.requires_second_factor());
        assert!(!Role::Operator.requires_second_factor());
        assert!(!Role::Supervisor.requires_second_factor());
    }
}
