//! The event bus: an in-process broadcast for this instance, fanned out to other instances
//! through PostgreSQL `LISTEN/NOTIFY` when the store is on PostgreSQL.
use serde::{Deserialize, Serialize};
use switchboard_domain::BusinessId;
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::Db;

const CHANNEL: &str = "switchboard_events";

/// Something that happened, for live UIs and other instances.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Event {
    /// The business the event belongs to; `None` for platform events.
    pub business_id: Option<BusinessId>,
    /// Dotted name such as `message.received`, `job.dead`, `balance.changed`.
    pub kind: String,
    pub data: serde_json::Value,
    /// The instance that published it, so an instance ignores its own notifications.
    #[serde(default)]
    pub origin: String,
}

/// The business an event is published for: a typed id, or `None` for platform events.
pub trait EventScope {
    fn business(self) -> Option<BusinessId>;
}

impl EventScope for Option<BusinessId> {
    fn business(self) -> Option<BusinessId> {
        self
    }
}

impl EventScope for BusinessId {
    fn business(self) -> Option<BusinessId> {
        Some(self)
    }
}

/// An id in its text form, as callers not yet on typed rows hold it; text that is not an id
/// publishes a platform event.
impl EventScope for Option<String> {
    fn business(self) -> Option<BusinessId> {
        self.and_then(|s| s.parse().ok())
    }
}

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
    instance: String,
    pg: Option<sqlx::PgPool>,
}

impl EventBus {
    pub(crate) fn new(db: &Db) -> Self {
        let (tx, _) = broadcast::channel(1024);
        EventBus {
            tx,
            instance: Uuid::new_v4().to_string(),
            pg: match db {
                Db::Postgres(p) => Some(p.clone()),
                Db::Sqlite { .. } => None,
            },
        }
    }

    pub fn instance_id(&self) -> &str {
        &self.instance
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }

    /// Publishes to this instance's subscribers and, on PostgreSQL, to other instances.
    /// Best effort: an event is a notification, not a record (records live in tables).
    pub async fn publish(&self, business: impl EventScope, kind: &str, data: serde_json::Value) {
        let event = Event {
            business_id: business.business(),
            kind: kind.to_string(),
            data,
            origin: self.instance.clone(),
        };
        let _ = self.tx.send(event.clone());
        if let Some(pool) = &self.pg {
            match serde_json::to_string(&event) {
                // NOTIFY payloads are limited to 8000 bytes: big events go local-only.
                Ok(payload) if payload.len() < 7900 => {
                    if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(CHANNEL)
                        .bind(payload)
                        .execute(pool)
                        .await
                    {
                        tracing::warn!(error = %e, "pg_notify failed");
                    }
                }
                Ok(_) => tracing::debug!(kind, "event too large to fan out"),
                Err(e) => tracing::warn!(error = %e, "event not serializable"),
            }
        }
    }

    /// On PostgreSQL, listens for other instances' events and re-broadcasts them locally until
    /// the returned task is aborted. Reconnects after a lost connection. No-op on SQLite.
    pub fn start_listener(&self) -> Option<tokio::task::JoinHandle<()>> {
        let pool = self.pg.clone()?;
        let bus = self.clone();
        Some(tokio::spawn(async move {
            loop {
                if let Err(e) = bus.listen_once(&pool).await {
                    tracing::warn!(error = %e, "event listener lost its connection; retrying");
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }))
    }

    async fn listen_once(&self, pool: &sqlx::PgPool) -> Result<(), sqlx::Error> {
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        loop {
            let n = listener.recv().await?;
            match serde_json::from_str::<Event>(n.payload()) {
                Ok(ev) if ev.origin != self.instance => {
                    let _ = self.tx.send(ev);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "bad event notification"),
            }
        }
    }
}
