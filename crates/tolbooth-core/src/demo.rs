//! The demo organisation that `tolbooth demo` sets up: an administrator and
//! an operator with one-time passwords.

use crate::staff::{AccountError, Accounts};
use tolbooth_domain::audit::Actor;
use tolbooth_domain::secret::Secret;
use tolbooth_domain::staff::role::Role;

pub const DEMO_ADMIN: &str = "demo-admin";
pub const DEMO_OPERATOR: &str = "demo-operator";

/// A demo sign-in to print once.
#[derive(Debug)]
pub struct DemoLogin {
    pub username: String,
    pub role: Role,
    pub password: Secret<String>,
}

/// Creates the demo accounts, or gives them fresh one-time passwords when
/// they exist from an earlier run.
pub async fn seed(accounts: &Accounts) -> Result<Vec<DemoLogin>, AccountError> {
    let actor = Actor::system("demo");
    let mut out = Vec::new();
    for (username, name, role) in [
        (DEMO_ADMIN, "Demo Administrator", Role::Admin),
        (DEMO_OPERATOR, "Demo Operator", Role::Operator),
    ] {
        let password = match accounts.find(username).await {
            Ok(existing) => {
                if existing.disabled {
                    accounts
                        .set_disabled(actor.clone(), existing.id, false, None)
                        .await?;
                }
                accounts
                    .reset_password(actor.clone(), existing.id, false, None)
                    .await?
            }
            Err(AccountError::NotFound) => {
                accounts
                    .add_staff(actor.clone(), username, name, role, None)
                    .await?
                    .1
            }
            Err(e) => return Err(e),
        };
        out.push(DemoLogin {
            username: username.to_owned(),
            role,
            password,
        });
    }
    Ok(out)
}
