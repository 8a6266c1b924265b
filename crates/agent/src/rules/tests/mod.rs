//! Tests of the rule-based agent: an in-memory calendar behind `BookingTools`, whole
//! conversations in each language, and tables of parsed phrases.
mod en;
mod flows;
mod he;
mod hours;
mod parsing;
mod ru;

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use switchboard_domain::calendar::{
    Interval, OpenInterval, Slot, SlotQuery, SlotRules, StaffCalendar, WeeklyHours, free_slots,
};
use switchboard_domain::{AppointmentId, Language, ServiceId, StaffId};

use super::{RuleState, Stage, respond};
use crate::booking::{AgentAction, BookingTools, ToolError};
use crate::context::{AppointmentInfo, BusinessContext, ServiceInfo};

/// Everything the fake calendar was asked to do, in order.
#[derive(Default)]
struct Log {
    appointments: Vec<AppointmentInfo>,
    /// Other customers' bookings.
    others: Vec<Interval>,
    holds: Vec<Slot>,
    writes: Vec<String>,
    handovers: Vec<String>,
    fail_reads: bool,
    /// The next create/reschedule finds its slot taken.
    steal_next: bool,
}

/// A one-person business calendar computed with the real slot maths.
pub(super) struct FakeCalendar {
    tz: Tz,
    now: DateTime<Utc>,
    hours: WeeklyHours,
    staff: StaffId,
    services: Vec<ServiceInfo>,
    log: Mutex<Log>,
}

impl FakeCalendar {
    fn new(tz: Tz, now: DateTime<Utc>, hours: WeeklyHours, services: Vec<ServiceInfo>) -> Self {
        Self {
            tz,
            now,
            hours,
            staff: StaffId::new(),
            services,
            log: Mutex::new(Log::default()),
        }
    }

    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap()
    }

    fn duration(&self, service: ServiceId) -> Duration {
        let min = self
            .services
            .iter()
            .find(|s| s.id == service)
            .map_or(60, |s| s.duration_min);
        Duration::minutes(i64::from(min))
    }

    /// Someone else books `minutes` from local `y-m-d h:m`.
    pub fn block_local(&self, date: NaiveDate, h: u32, m: u32, minutes: i64) {
        let start = self
            .tz
            .from_local_datetime(&date.and_hms_opt(h, m, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc);
        self.log()
            .others
            .push(Interval::new(start, start + Duration::minutes(minutes)));
    }

    /// The customer already has an appointment at local `date h:m`.
    pub fn add_appointment(
        &self,
        service: ServiceId,
        date: NaiveDate,
        h: u32,
        m: u32,
    ) -> AppointmentId {
        let start = self
            .tz
            .from_local_datetime(&date.and_hms_opt(h, m, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc);
        let id = AppointmentId::new();
        self.log().appointments.push(AppointmentInfo {
            id,
            service_id: service,
            start_utc: start,
            end_utc: start + self.duration(service),
            staff_id: Some(self.staff),
            staff_name: None,
        });
        id
    }

    pub fn appointments(&self) -> Vec<AppointmentInfo> {
        self.log().appointments.clone()
    }

    pub fn writes(&self) -> Vec<String> {
        self.log().writes.clone()
    }

    pub fn holds(&self) -> usize {
        self.log().holds.len()
    }

    pub fn handovers(&self) -> Vec<String> {
        self.log().handovers.clone()
    }

    pub fn fail_reads(&self, fail: bool) {
        self.log().fail_reads = fail;
    }

    pub fn steal_next(&self) {
        self.log().steal_next = true;
    }

    fn busy(&self, except: Option<AppointmentId>) -> Vec<Interval> {
        let log = self.log();
        log.appointments
            .iter()
            .filter(|a| Some(a.id) != except)
            .map(|a| Interval::new(a.start_utc, a.end_utc))
            .chain(log.others.iter().copied())
            .collect()
    }

    fn is_free(&self, service: ServiceId, slot: &Slot, except: Option<AppointmentId>) -> bool {
        let probe = Interval::new(slot.start_utc, slot.start_utc + self.duration(service));
        !self.busy(except).iter().any(|b| b.overlaps(&probe))
    }
}

#[async_trait]
impl BookingTools for FakeCalendar {
    async fn free_slots(
        &self,
        service: ServiceId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Slot>, ToolError> {
        if self.log().fail_reads {
            return Err(ToolError::Backend("database is down".into()));
        }
        let query = SlotQuery {
            tz: self.tz,
            now: self.now,
            first_day: from.with_timezone(&self.tz).date_naive(),
            last_day: to.with_timezone(&self.tz).date_naive(),
            rules: SlotRules {
                duration_min: u32::try_from(self.duration(service).num_minutes()).unwrap(),
                buffer_before_min: 0,
                buffer_after_min: 0,
                lead_time_min: 60,
                step_min: 30,
            },
        };
        let cal = StaffCalendar {
            staff_id: self.staff,
            hours: self.hours.clone(),
            time_off: vec![],
            busy: self.busy(None),
        };
        Ok(free_slots(&query, &[cal])
            .into_iter()
            .filter(|s| s.start_utc >= from && s.start_utc < to)
            .collect())
    }

    async fn hold_slot(&self, service: ServiceId, slot: &Slot) -> Result<(), ToolError> {
        if !self.is_free(service, slot, None) {
            return Err(ToolError::SlotTaken);
        }
        self.log().holds.push(*slot);
        Ok(())
    }

    async fn create_appointment(
        &self,
        service: ServiceId,
        slot: &Slot,
    ) -> Result<AppointmentInfo, ToolError> {
        let stolen = std::mem::take(&mut self.log().steal_next);
        if stolen || !self.is_free(service, slot, None) {
            return Err(ToolError::SlotTaken);
        }
        let appt = AppointmentInfo {
            id: AppointmentId::new(),
            service_id: service,
            start_utc: slot.start_utc,
            end_utc: slot.start_utc + self.duration(service),
            staff_id: Some(slot.staff_id),
            staff_name: None,
        };
        let mut log = self.log();
        log.appointments.push(appt.clone());
        log.writes.push(format!(
            "create {}",
            slot.start_utc
                .with_timezone(&self.tz)
                .format("%Y-%m-%d %H:%M")
        ));
        Ok(appt)
    }

    async fn cancel_appointment(&self, id: AppointmentId) -> Result<(), ToolError> {
        let mut log = self.log();
        let before = log.appointments.len();
        log.appointments.retain(|a| a.id != id);
        if log.appointments.len() == before {
            return Err(ToolError::NotFound);
        }
        log.writes.push("cancel".into());
        Ok(())
    }

    async fn reschedule_appointment(
        &self,
        id: AppointmentId,
        slot: &Slot,
    ) -> Result<AppointmentInfo, ToolError> {
        let service = self
            .log()
            .appointments
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.service_id)
            .ok_or(ToolError::NotFound)?;
        let stolen = std::mem::take(&mut self.log().steal_next);
        if stolen || !self.is_free(service, slot, Some(id)) {
            return Err(ToolError::SlotTaken);
        }
        let end = slot.start_utc + self.duration(service);
        let mut log = self.log();
        let appt = log
            .appointments
            .iter_mut()
            .find(|a| a.id == id)
            .ok_or(ToolError::NotFound)?;
        appt.start_utc = slot.start_utc;
        appt.end_utc = end;
        let appt = appt.clone();
        log.writes.push(format!(
            "reschedule {}",
            slot.start_utc
                .with_timezone(&self.tz)
                .format("%Y-%m-%d %H:%M")
        ));
        Ok(appt)
    }

    async fn list_appointments(&self) -> Result<Vec<AppointmentInfo>, ToolError> {
        if self.log().fail_reads {
            return Err(ToolError::Backend("database is down".into()));
        }
        Ok(self.appointments())
    }

    async fn handover(&self, reason: &str) -> Result<(), ToolError> {
        self.log().handovers.push(reason.to_string());
        Ok(())
    }
}

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
