//! What a calendar holds, whichever system keeps it (the built-in calendar or an external
//! CRM): services, staff, time off, slot holds and appointments, with their status enums.
use std::{collections::BTreeMap, fmt, str::FromStr};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    AppointmentId, ChannelId, ConversationId, CustomerId, HoldId, ServiceId, StaffId, TimeOffId,
    calendar::{SlotRules, WeeklyHours},
};

/// A name that is not one of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}`")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

/// A text enum: the names are spelled once, in `$name => "text"` pairs.
macro_rules! text_enum {
    ($(#[$m:meta])* $ty:ident, $kind:literal { $($(#[$vm:meta])* $var:ident => $text:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $ty {
            $($(#[$vm])* $var),*
        }

        impl $ty {
            pub const ALL: &[$ty] = &[$($ty::$var),*];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$var => $text),*
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| UnknownValue { kind: $kind, value: s.to_string() })
            }
        }

        #[cfg(feature = "sqlx")]
        $crate::sqlx_text::text_column!($ty);
    };
}

text_enum!(
    /// Where an appointment stands.
    AppointmentStatus, "appointment status" {
        Booked => "booked",
        Cancelled => "cancelled",
        Completed => "completed",
        NoShow => "no_show",
    }
);

text_enum!(
    /// Who booked an appointment.
    AppointmentSource, "appointment source" {
        Agent => "agent",
        Api => "api",
        Staff => "staff",
    }
);

/// A bookable service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: ServiceId,
    /// The name per language code (`en`, `ru`, `he`).
    pub names: BTreeMap<String, String>,
    /// Other names customers use for it (short forms, synonyms), in any language.
    #[serde(default)]
    pub aliases: Vec<String>,
    pub description: String,
    pub duration_min: u32,
    /// Price in minor units of `currency`.
    pub price_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    pub buffer_before_min: u32,
    pub buffer_after_min: u32,
    /// How far ahead of now the earliest bookable start is.
    pub lead_time_min: u32,
    /// Distance between offered starts, counted from each opening time; `None` follows the
    /// business's start-time grid (`slot_step_min`).
    #[serde(default)]
    pub step_min: Option<u32>,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Service {
    /// How the service occupies the calendar of a business whose start-time grid is
    /// `grid_min` minutes.
    pub fn rules(&self, grid_min: u32) -> SlotRules {
        SlotRules {
            duration_min: self.duration_min,
            buffer_before_min: self.buffer_before_min,
            buffer_after_min: self.buffer_after_min,
            lead_time_min: self.lead_time_min,
            step_min: self.step_min.unwrap_or(grid_min),
        }
    }
}

/// A staff member who can be booked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    pub id: StaffId,
    pub name: String,
    /// Weekly working hours in the business time zone.
    pub hours: WeeklyHours,
    /// The services this person provides.
    pub service_ids: Vec<ServiceId>,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A period a staff member does not work (vacation, sick day, a break).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeOff {
    pub id: TimeOffId,
    pub staff_id: StaffId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub reason: String,
}

/// A booked (or past, or cancelled) appointment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: AppointmentId,
    pub customer_id: CustomerId,
    pub service_id: ServiceId,
    pub staff_id: StaffId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: AppointmentStatus,
    pub source: AppointmentSource,
    pub channel_id: Option<ChannelId>,
    pub conversation_id: Option<ConversationId>,
    pub notes: String,
    pub price_minor: i64,
    pub currency: String,
    pub cancelled_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A short reservation of a slot while a customer confirms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotHold {
    pub id: HoldId,
    pub staff_id: StaffId,
    pub service_id: ServiceId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub conversation_id: Option<ConversationId>,
    pub customer_id: Option<CustomerId>,
    /// Epoch milliseconds after which the slot is free again.
    pub expires_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_parse_back_and_match_serde() {
        for s in AppointmentStatus::ALL {
            assert_eq!(s.as_str().parse::<AppointmentStatus>().ok(), Some(*s));
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::Value::String(s.as_str().into()))
            );
        }
    }

    #[test]
    fn unknown_source_is_refused() {
        assert!("fax".parse::<AppointmentSource>().is_err());
    }
}
