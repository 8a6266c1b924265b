//! What the agent knows about the business and the customer for one turn: built by the caller
//! from the database each time, never stored by the agent.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use switchboard_domain::{AppointmentId, Language, ServiceId, StaffId};

use crate::hours::OpeningHours;

/// One bookable service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInfo {
    pub id: ServiceId,
    /// The service's name in each language it has one in.
    pub names: HashMap<Language, String>,
    pub duration_min: u32,
    /// Price in minor units of `currency` (cents, kopecks, agorot).
    pub price_minor: i64,
    /// ISO 4217 code, e.g. `USD`, `RUB`, `ILS`.
    pub currency: String,
    /// Other names customers use for it ("mani", "стрижечка"), as the business entered them.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// One bookable staff member, so a customer can ask for them by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInfo {
    pub id: StaffId,
    pub name: String,
    /// The services this person provides.
    pub service_ids: Vec<ServiceId>,
}

impl ServiceInfo {
    /// The name in `lang`, else English, else any.
    pub fn name(&self, lang: Language) -> &str {
        self.names
            .get(&lang)
            .or_else(|| self.names.get(&Language::En))
            .or_else(|| self.names.values().next())
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// One of the customer's appointments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentInfo {
    pub id: AppointmentId,
    pub service_id: ServiceId,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    #[serde(default)]
    pub staff_id: Option<StaffId>,
    #[serde(default)]
    pub staff_name: Option<String>,
}

/// What the CRM knows about the customer, for the model's prompt.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerProfile {
    pub name: Option<String>,
    pub phone: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub notes: Option<String>,
    /// Prepaid balance already formatted for display, if billing is on.
    pub balance: Option<String>,
}

/// The business as the agent sees it during one turn.
#[derive(Clone, Debug)]
pub struct BusinessContext {
    pub name: String,
    pub address: Option<String>,
    /// Opening hours as the business wrote them ("Mon-Fri 9:00-19:00, Sat 10:00-16:00"),
    /// shown verbatim in every language; when `None`, [`opening_hours`](Self::opening_hours)
    /// is written out in the customer's language.
    pub hours_text: Option<String>,
    /// When the business is open, from its staff's working hours.
    pub opening_hours: OpeningHours,
    pub phone: Option<String>,
    pub timezone: Tz,
    pub now: DateTime<Utc>,
    /// The language to answer in until the customer writes something recognisable.
    pub default_language: Language,
    pub services: Vec<ServiceInfo>,
    /// Active staff (empty when the calendar does not name them).
    pub staff: Vec<StaffInfo>,
    /// The customer's upcoming appointments.
    pub upcoming: Vec<AppointmentInfo>,
    pub customer: Option<CustomerProfile>,
    /// Who the assistant is ("Anna, the friendly administrator"); used by the LLM prompt.
    pub persona: Option<String>,
    /// The business's own instructions for the LLM.
    pub instructions: Option<String>,
}

impl BusinessContext {
    /// A context with no services, appointments or extras; fill in the rest with struct update.
    pub fn new(name: impl Into<String>, timezone: Tz, now: DateTime<Utc>) -> Self {
        Self {
            name: name.into(),
            address: None,
            hours_text: None,
            opening_hours: OpeningHours::default(),
            phone: None,
            timezone,
            now,
            default_language: Language::En,
            services: Vec::new(),
            staff: Vec::new(),
            upcoming: Vec::new(),
            customer: None,
            persona: None,
            instructions: None,
        }
    }

    pub fn service(&self, id: ServiceId) -> Option<&ServiceInfo> {
        self.services.iter().find(|s| s.id == id)
    }

    pub fn staff_name(&self, id: StaffId) -> Option<&str> {
        self.staff
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.as_str())
    }

    /// The opening hours to tell a customer writing in `lang`: the business's own text when it
    /// wrote one, else its week in that language.
    pub fn hours_for(&self, lang: Language) -> Option<String> {
        self.hours_text
            .clone()
            .filter(|h| !h.trim().is_empty())
            .or_else(|| self.opening_hours.describe(lang))
    }

    /// The current local date and time in the business's zone.
    pub fn local_now(&self) -> DateTime<Tz> {
        self.now.with_timezone(&self.timezone)
    }
}
