//! Staff roles and what each may do.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Agent,
    Finance,
    Operator,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Admin,
        Role::Agent,
        Role::Finance,
        Role::Operator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Agent => "agent",
            Role::Finance => "finance",
            Role::Operator => "operator",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Owner and admin manage the business (users, keys, channels, settings).
    pub fn can_manage(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// Owner and finance move money by hand and see financial reports.
    pub fn can_handle_money(self) -> bool {
        matches!(self, Role::Owner | Role::Finance)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "sqlx")]
crate::sqlx_text::text_column!(Role);

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
            .ok_or_else(|| format!("unknown role `{s}` (owner, admin, agent, finance, operator)"))
    }
}
