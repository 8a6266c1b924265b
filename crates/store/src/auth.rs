//! Credentials: business API keys (stored hashed, with a visible prefix) and staff sessions
//! (sign-in with e-mail and password gives a bearer token that the web UI keeps as a cookie).
use serde::Serialize;
use switchboard_domain::{ApiKeyId, BusinessId, Role, SessionId, UserId, time::now_ms};

use crate::{
    Store, StoreError, StoreResult, TenantStore,
    crypto::{random_token, token_digest, verify_password},
    on_db,
    users::User,
};

/// Sessions last this long without a new sign-in.
pub const SESSION_TTL_MS: i64 = 12 * 60 * 60 * 1000;

#[derive(Clone, Debug, Serialize)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub business_id: BusinessId,
    pub name: String,
    /// The visible start of the key, e.g. `sb_3fa9c1d2`, to tell keys apart.
    pub prefix: String,
    pub role: Role,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: ApiKeyId,
    business_id: BusinessId,
    name: String,
    prefix: String,
    role: Role,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl TryFrom<KeyRow> for ApiKey {
    type Error = StoreError;
    fn try_from(r: KeyRow) -> StoreResult<Self> {
        Ok(ApiKey {
            id: r.id,
            business_id: r.business_id,
            name: r.name,
            prefix: r.prefix,
            role: r.role,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        })
    }
}

const KEY_COLUMNS: &str =
    "id, business_id, name, prefix, role, created_at, last_used_at, revoked_at";

/// Who a bearer credential belongs to.
#[derive(Clone, Debug)]
pub enum Credential {
    ApiKey(ApiKey),
    Session { user: User, session_id: SessionId },
}

impl TenantStore {
    /// Creates a key and returns it with its secret, which is shown once and never stored.
    pub async fn create_api_key(&self, name: &str, role: Role) -> StoreResult<(ApiKey, String)> {
        let id = ApiKeyId::new();
        let prefix = format!("sb_{}", &hex_prefix());
        let secret = format!("{prefix}_{}", random_token(32));
        on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO api_keys (id, business_id, name, prefix, key_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(self.business_id)
            .bind(name)
            .bind(&prefix)
            .bind(token_digest(&secret))
            .bind(role)
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok((self.get_api_key(id).await?, secret))
    }

    pub async fn get_api_key(&self, id: ApiKeyId) -> StoreResult<ApiKey> {
        let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = $1 AND business_id = $2");
        let row: KeyRow = on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .bind(self.business_id)
            .fetch_one(p)
            .await)?;
        row.try_into()
    }

    pub async fn list_api_keys(&self) -> StoreResult<Vec<ApiKey>> {
        let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE business_id = $1 ORDER BY id");
        let rows: Vec<KeyRow> = on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .fetch_all(p)
            .await)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    pub async fn revoke_api_key(&self, id: ApiKeyId) -> StoreResult<ApiKey> {
        let n = on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND business_id = $2")
            .bind(id)
            .bind(self.business_id)
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.get_api_key(id).await
    }
}

/// Eight hex digits that tell keys apart in lists and logs.
fn hex_prefix() -> String {
    let mut bytes = [0u8; 4];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    hex::encode(bytes)
}

impl Store {
    /// Resolves a bearer token: an API key (`sb_...`) or a session token. Revoked keys,
    /// expired sessions and inactive users resolve to `NotFound`.
    pub async fn authenticate(&self, token: &str) -> StoreResult<Credential> {
        let digest = token_digest(token);
        let now = now_ms();
        if token.starts_with("sb_") {
            let sql = format!(
                "SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"
            );
            let row: KeyRow = on_db!(&self.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(&digest).fetch_one(p).await)?;
            let key: ApiKey = row.try_into()?;
            // Touch at most once a minute so authenticated reads do not all become writes.
            if key.last_used_at.is_none_or(|t| now - t > 60_000) {
                on_db!(&self.db, w, p => sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1")
                    .bind(key.id)
                    .bind(now)
                    .execute(p)
                    .await
                    .map(|r| r.rows_affected()))?;
            }
            return Ok(Credential::ApiKey(key));
        }
        let sql = format!(
            "SELECT s.id AS session_id, {} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = TRUE",
            crate::users::USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let (session_id, row): (SessionId, crate::users::UserRow) = on_db!(&self.db, r, p => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(&digest).bind(now).fetch_one(p).await?;
            use sqlx::{FromRow, Row};
            let sid: SessionId = row.try_get("session_id")?;
            Ok::<_, sqlx::Error>((sid, crate::users::UserRow::from_row(&row)?))
        })?;
        Ok(Credential::Session {
            user: row.into_user()?.0,
            session_id,
        })
    }

    /// Signs a staff member in. With several businesses for one e-mail the business slug
    /// decides; a wrong password and an unknown e-mail fail the same way.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        business_slug: Option<&str>,
    ) -> StoreResult<(User, String, i64)> {
        let mut candidates = self.users_by_email(email).await?;
        if let Some(slug) = business_slug {
            let business = self.get_business_by_slug(slug).await?;
            candidates.retain(|(u, _)| u.business_id == business.id);
        }
        let Some(user) = pick_user(candidates, password, verify_password) else {
            return Err(StoreError::NotFound);
        };
        // Session tokens carry their own prefix so one can never be mistaken for an API key.
        let token = format!("sbs_{}", random_token(32));
        let now = now_ms();
        let expires = now + SESSION_TTL_MS;
        on_db!(&self.db, w, p => sqlx::query(
            "INSERT INTO sessions (id, token_hash, user_id, business_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(SessionId::new())
            .bind(token_digest(&token))
            .bind(user.id)
            .bind(user.business_id)
            .bind(now)
            .bind(expires)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok((user, token, expires))
    }

    pub async fn sign_out(&self, session_id: SessionId, user: UserId) -> StoreResult<()> {
        on_db!(&self.db, w, p => sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
            .bind(session_id)
            .bind(user)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}

/// The active candidate whose hash the password matches. A failed sign-in costs exactly one
/// hash check whether or not the e-mail exists: with no active candidate the password is
/// checked against a dummy hash (a second, dummy check after a real one would itself reveal
/// the account). `verify` is the argon2 check; tests count its calls.
fn pick_user<U: HasActive>(
    candidates: Vec<(U, String)>,
    password: &str,
    verify: impl Fn(&str, &str) -> bool,
) -> Option<U> {
    let mut checked = false;
    let hit = candidates.into_iter().find(|(u, hash)| {
        checked |= u.active();
        u.active() && verify(password, hash)
    });
    if hit.is_none() && !checked {
        let _ = verify(password, &DUMMY_HASH);
    }
    hit.map(|(u, _)| u)
}

trait HasActive {
    fn active(&self) -> bool;
}

impl HasActive for User {
    fn active(&self) -> bool {
        self.active
    }
}

static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    crate::crypto::hash_password("timing-equaliser").unwrap_or_default()
});

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::{HasActive, pick_user};

    struct Candidate(bool);

    impl HasActive for Candidate {
        fn active(&self) -> bool {
            self.0
        }
    }

    /// How many hash checks a sign-in with these candidates costs, and whether it succeeds.
    fn checks(candidates: Vec<(Candidate, String)>, password: &str) -> (usize, bool) {
        let calls = Cell::new(0);
        let hit = pick_user(candidates, password, |p, h| {
            calls.set(calls.get() + 1);
            p == h
        });
        (calls.get(), hit.is_some())
    }

    #[test]
    fn an_unknown_email_costs_one_hash_check() {
        assert_eq!(checks(Vec::new(), "pw"), (1, false));
    }

    #[test]
    fn a_wrong_password_costs_one_hash_check() {
        assert_eq!(
            checks(vec![(Candidate(true), "right".into())], "pw"),
            (1, false)
        );
    }

    #[test]
    fn a_deactivated_account_costs_one_hash_check() {
        assert_eq!(
            checks(vec![(Candidate(false), "pw".into())], "pw"),
            (1, false)
        );
    }

    #[test]
    fn the_right_password_signs_in() {
        assert_eq!(
            checks(vec![(Candidate(true), "pw".into())], "pw"),
            (1, true)
        );
    }
}
