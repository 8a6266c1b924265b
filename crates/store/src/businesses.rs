//! Businesses (tenants): name, slug, time zone, default language and feature flags.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use switchboard_domain::{BusinessId, Feature, Language, time::now_ms};

use crate::{Store, StoreResult, on_db};

/// Whether `name` is a feature a platform admin can switch.
pub fn is_known_feature(name: &str) -> bool {
    name.parse::<Feature>().is_ok()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Business {
    pub id: BusinessId,
    pub name: String,
    pub slug: String,
    pub time_zone: String,
    pub default_language: Language,
    /// The start-time grid of the calendar in minutes: a service without its own `step_min`
    /// can start at any free multiple of this after an opening time (default 15).
    pub slot_step_min: u32,
    /// Every known feature with its effective state.
    pub features: BTreeMap<String, bool>,
    /// Free-form settings of later features (agent, billing, auto-acknowledgement...).
    pub settings: serde_json::Value,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Business {
    pub fn feature_enabled(&self, feature: Feature) -> bool {
        self.features
            .get(feature.as_str())
            .copied()
            .unwrap_or(false)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: BusinessId,
    name: String,
    slug: String,
    time_zone: String,
    default_language: String,
    slot_step_min: i64,
    features: String,
    settings: String,
    created_at: i64,
    updated_at: i64,
}

fn effective_features(stored: &BTreeMap<String, bool>) -> BTreeMap<String, bool> {
    Feature::ALL
        .into_iter()
        .map(|f| {
            (
                f.as_str().to_string(),
                stored.get(f.as_str()).copied().unwrap_or(f.default_on()),
            )
        })
        .collect()
}

impl TryFrom<Row> for Business {
    type Error = crate::StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        let stored: BTreeMap<String, bool> = serde_json::from_str(&r.features)?;
        Ok(Business {
            id: r.id,
            name: r.name,
            slug: r.slug,
            time_zone: r.time_zone,
            default_language: Language::parse(&r.default_language).unwrap_or_default(),
            slot_step_min: u32::try_from(r.slot_step_min)
                .ok()
                .filter(|m| *m > 0)
                .unwrap_or(switchboard_domain::calendar::DEFAULT_GRID_MIN),
            features: effective_features(&stored),
            settings: serde_json::from_str(&r.settings)?,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Clone, Debug)]
pub struct NewBusiness {
    pub name: String,
    pub slug: String,
    pub time_zone: String,
    pub default_language: Language,
    pub features: BTreeMap<String, bool>,
}

#[derive(Clone, Debug, Default)]
pub struct BusinessUpdate {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub default_language: Option<Language>,
    pub slot_step_min: Option<u32>,
    /// Flags to set; others keep their value.
    pub features: BTreeMap<String, bool>,
    /// Top-level settings keys to replace.
    pub settings: Option<serde_json::Map<String, serde_json::Value>>,
}

const COLUMNS: &str = "id, name, slug, time_zone, default_language, slot_step_min, features, settings, created_at, updated_at";

impl Store {
    pub async fn create_business(&self, new: NewBusiness) -> StoreResult<Business> {
        let id = BusinessId::new();
        let now = now_ms();
        let features = serde_json::to_string(&new.features)?;
        on_db!(&self.db, w, p => sqlx::query(
            "INSERT INTO businesses (id, name, slug, time_zone, default_language, features, settings, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, '{}', $7, $7)")
            .bind(id)
            .bind(&new.name)
            .bind(&new.slug)
            .bind(&new.time_zone)
            .bind(new.default_language.code())
            .bind(&features)
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        self.get_business(id).await
    }

    pub async fn get_business(&self, id: BusinessId) -> StoreResult<Business> {
        let sql = format!("SELECT {COLUMNS} FROM businesses WHERE id = $1");
        let row: Row = on_db!(&self.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_one(p).await)?;
        row.try_into()
    }

    pub async fn get_business_by_slug(&self, slug: &str) -> StoreResult<Business> {
        let sql = format!("SELECT {COLUMNS} FROM businesses WHERE slug = $1");
        let row: Row = on_db!(&self.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(slug).fetch_one(p).await)?;
        row.try_into()
    }

    /// Businesses in creation order, after the cursor id if given.
    pub async fn list_businesses(
        &self,
        after: Option<BusinessId>,
        limit: i64,
    ) -> StoreResult<Vec<Business>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM businesses WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2"
        );
        let rows: Vec<Row> = on_db!(&self.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(after)
            .bind(limit)
            .fetch_all(p)
            .await)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    pub async fn update_business(
        &self,
        id: BusinessId,
        upd: BusinessUpdate,
    ) -> StoreResult<Business> {
        let mut tx = self.begin().await?;
        let sql = format!("SELECT {COLUMNS} FROM businesses WHERE id = $1");
        let row: Row = crate::on_tx!(&mut tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_one(&mut *c).await)?;
        let mut stored: BTreeMap<String, bool> = serde_json::from_str(&row.features)?;
        stored.extend(upd.features);
        let mut settings: serde_json::Value = serde_json::from_str(&row.settings)?;
        if let (Some(new), Some(obj)) = (upd.settings, settings.as_object_mut()) {
            obj.extend(new);
        }
        crate::on_tx!(&mut tx, c => sqlx::query(
            "UPDATE businesses SET name = $2, time_zone = $3, default_language = $4, features = $5, settings = $6, updated_at = $7, slot_step_min = $8 WHERE id = $1")
            .bind(id)
            .bind(upd.name.unwrap_or(row.name))
            .bind(upd.time_zone.unwrap_or(row.time_zone))
            .bind(upd.default_language.map(|l| l.code().to_string()).unwrap_or(row.default_language))
            .bind(serde_json::to_string(&stored)?)
            .bind(serde_json::to_string(&settings)?)
            .bind(now_ms())
            .bind(upd.slot_step_min.map_or(row.slot_step_min, i64::from))
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        self.get_business(id).await
    }
}
