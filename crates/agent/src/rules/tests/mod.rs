//! Tests of the rule-based agent: an in-memory calendar behind `BookingTools`, whole
//! conversations in each language, and tables of parsed phrases.
mod classes;
mod corpus;
mod corpus_cases;
mod corpus_he;
mod corpus_ru;
mod en;

mod flows;
mod fresh;
mod fresh_en;
mod fresh_he;
mod fresh_ru;
mod he;
mod hours;
mod outside;
mod parsing;
mod ru;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use switchboard_domain::calendar::{OpenInterval, WeeklyHours};
use switchboard_domain::{Language, ServiceId};

use super::{RuleState, Stage, respond};
use crate::booking::AgentAction;
use crate::context::{BusinessContext, ServiceInfo};
use crate::fake::FakeCalendar;

pub(super) struct Services {
    pub haircut: ServiceInfo,
    pub manicure: ServiceInfo,
    pub coloring: ServiceInfo,
}

fn service(
    en: &str,
    ru: &str,
    he: &str,
    duration_min: u32,
    price_minor: i64,
    currency: &str,
) -> ServiceInfo {
    ServiceInfo {
        id: ServiceId::new(),
        names: HashMap::from([
            (Language::En, en.into()),
            (Language::Ru, ru.into()),
            (Language::He, he.into()),
        ]),
        duration_min,
        price_minor,
        currency: currency.into(),
        aliases: Vec::new(),
    }
}

pub(super) fn services(currency: &str, prices: [i64; 3]) -> Services {
    Services {
        haircut: service("Haircut", "Стрижка", "תספורת", 45, prices[0], currency),
        manicure: service("Manicure", "Маникюр", "מניקור", 60, prices[1], currency),
        coloring: service(
            "Hair coloring",
            "Окрашивание волос",
            "צביעת שיער",
            90,
            prices[2],
            currency,
        ),
    }
}

/// Tuesday 2026-05-12, 10:00 local time.
pub(super) fn tuesday_10am(tz: Tz) -> DateTime<Utc> {
    tz.with_ymd_and_hms(2026, 5, 12, 10, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

pub(super) fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// A business and a customer talking to the agent, with the state kept between turns as JSON
/// the way the server stores it.
pub(super) struct Chat {
    pub ctx: BusinessContext,
    pub cal: FakeCalendar,
    pub state: RuleState,
    pub actions: Vec<AgentAction>,
    pub services: Services,
}

impl Chat {
    pub fn new(lang: Language, tz: Tz, currency: &str, prices: [i64; 3]) -> Self {
        let now = tuesday_10am(tz);
        let services = services(currency, prices);
        let all = vec![
            services.haircut.clone(),
            services.manicure.clone(),
            services.coloring.clone(),
        ];
        let nine_to_six = [OpenInterval::parse("09:00", "18:00").unwrap()];
        let days: &[Weekday] = if lang == Language::He {
            &[
                Weekday::Sun,
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ]
        } else {
            &[
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
            ]
        };
        let cal = FakeCalendar::new(tz, now, WeeklyHours::on(days, &nine_to_six), all.clone());
        let ctx = BusinessContext {
            address: Some("12 Main St".into()),
            hours_text: Some("9:00-18:00".into()),
            default_language: lang,
            services: all,
            ..BusinessContext::new("Studio Bella", tz, now)
        };
        Self {
            ctx,
            cal,
            state: RuleState::default(),
            actions: Vec::new(),
            services,
        }
    }

    /// Sends one customer message and returns the reply.
    pub async fn say(&mut self, text: &str) -> String {
        let turn = respond(&self.state, text, &self.ctx, &self.cal).await;
        let json = serde_json::to_string(&turn.state).unwrap();
        self.state = serde_json::from_str(&json).unwrap();
        assert_eq!(self.state, turn.state, "state survives a JSON round trip");
        self.actions.extend(turn.actions);
        println!("> {text}\n< {}\n  [{:?}]", turn.reply, self.state.stage);
        turn.reply
    }

    pub fn stage(&self) -> Stage {
        self.state.stage
    }
}

/// Asserts `haystack` contains every needle, showing the reply when not.
#[track_caller]
pub(super) fn has(haystack: &str, needles: &[&str]) {
    for n in needles {
        assert!(haystack.contains(n), "expected {n:?} in reply:\n{haystack}");
    }
}
