//! One time format in API answers: RFC 3339 with an explicit offset, in UTC with
//! milliseconds (`2026-12-01T07:30:00.000+00:00`). Rows keep epoch milliseconds; an answer's
//! field says `#[serde(with = "crate::api::time::rfc3339")]` (or `rfc3339_opt` for an
//! `Option`) and `#[schema(value_type = String, format = DateTime)]`.
use chrono::{DateTime, SecondsFormat, Utc};

/// `ms` since the Unix epoch as RFC 3339 (the epoch itself for an out-of-range value).
pub fn format_ms(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, false)
}

/// Serializes epoch milliseconds as RFC 3339.
pub mod rfc3339 {
    pub fn serialize<S: serde::Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_ms(*ms))
    }
}

/// Serializes optional epoch milliseconds as RFC 3339 or `null`.
pub mod rfc3339_opt {
    pub fn serialize<S: serde::Serializer>(ms: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match ms {
            Some(ms) => s.serialize_str(&super::format_ms(*ms)),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize)]
    struct Answer {
        #[serde(with = "super::rfc3339")]
        at: i64,
        #[serde(with = "super::rfc3339_opt")]
        maybe: Option<i64>,
    }

    #[test]
    fn answers_carry_rfc3339_with_offset() {
        let json = serde_json::to_value(Answer {
            at: 1_764_574_200_123,
            maybe: None,
        })
        .unwrap();
        assert_eq!(json["at"], "2025-12-01T07:30:00.123+00:00");
        assert!(json["maybe"].is_null());
        let parsed = chrono::DateTime::parse_from_rfc3339(json["at"].as_str().unwrap()).unwrap();
        assert_eq!(parsed.timestamp_millis(), 1_764_574_200_123);
    }
}
