//! An in-memory business calendar behind `BookingTools`, computed with the real slot maths:
//! a team working the same hours, other customers' bookings, and a log of every write.
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use switchboard_domain::calendar::{
    Interval, Slot, SlotQuery, SlotRules, StaffCalendar, WeeklyHours, free_slots,
};
use switchboard_domain::{AppointmentId, ServiceId, StaffId};

use crate::booking::{BookingTools, HeldSlot, SlotChoice, ToolError};
use crate::context::{AppointmentInfo, ServiceInfo, StaffInfo};

/// Everything the fake calendar was asked to do, in order.
#[derive(Default)]
struct Log {
    appointments: Vec<AppointmentInfo>,
    /// Other customers' bookings, with one staff member or everyone.
    others: Vec<(Option<StaffId>, Interval)>,
    holds: Vec<Slot>,
    released: usize,
    writes: Vec<String>,
    handovers: Vec<String>,
    fail_reads: bool,
    /// The next create/reschedule finds its slot taken.
    steal_next: bool,
}

/// A one-person business calendar computed with the real slot maths.
pub(crate) struct FakeCalendar {
    tz: Tz,
    now: DateTime<Utc>,
    pub hours: WeeklyHours,
    staff: StaffId,
    /// Everyone who works, `staff` first; all work the same hours and do every service.
    team: Vec<StaffId>,
    /// Distance between offered starts.
    pub step_min: u32,
    services: Vec<ServiceInfo>,
    log: Mutex<Log>,
}

impl FakeCalendar {
    pub(crate) fn new(
        tz: Tz,
        now: DateTime<Utc>,
        hours: WeeklyHours,
        services: Vec<ServiceInfo>,
    ) -> Self {
        let staff = StaffId::new();
        Self {
            tz,
            now,
            hours,
            staff,
            team: vec![staff],
            step_min: 30,
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
        self.log().others.push((
            None,
            Interval::new(start, start + Duration::minutes(minutes)),
        ));
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

    /// Someone else books `minutes` with one staff member from local `date h:m`.
    pub fn block_staff(&self, staff: StaffId, date: NaiveDate, h: u32, m: u32, minutes: i64) {
        let start = self
            .tz
            .from_local_datetime(&date.and_hms_opt(h, m, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc);
        self.log().others.push((
            Some(staff),
            Interval::new(start, start + Duration::minutes(minutes)),
        ));
    }

    /// Adds staff members (who work the same hours); returns their ids.
    pub fn hire(&mut self, n: usize) -> Vec<StaffId> {
        let ids: Vec<StaffId> = (0..n).map(|_| StaffId::new()).collect();
        self.team.extend(&ids);
        ids
    }

    pub fn first_staff(&self) -> StaffId {
        self.staff
    }

    fn busy(&self, staff: StaffId, except: Option<AppointmentId>) -> Vec<Interval> {
        let log = self.log();
        log.appointments
            .iter()
            .filter(|a| Some(a.id) != except && a.staff_id.unwrap_or(self.staff) == staff)
            .map(|a| Interval::new(a.start_utc, a.end_utc))
            .chain(
                log.others
                    .iter()
                    .filter(|(who, _)| who.is_none_or(|w| w == staff))
                    .map(|(_, i)| *i),
            )
            .collect()
    }

    fn is_free(&self, service: ServiceId, slot: &Slot, except: Option<AppointmentId>) -> bool {
        let probe = Interval::new(slot.start_utc, slot.start_utc + self.duration(service));
        !self
            .busy(slot.staff_id, except)
            .iter()
            .any(|b| b.overlaps(&probe))
    }

    /// The slot `at` stands for: its staff member, or the first of the team free then.
    fn pick(
        &self,
        service: ServiceId,
        at: SlotChoice,
        except: Option<AppointmentId>,
    ) -> Option<Slot> {
        let slot = |staff_id| Slot {
            start_utc: at.start,
            end_utc: at.start + self.duration(service),
            staff_id,
        };
        match at.staff {
            Some(staff) => Some(slot(staff)).filter(|s| self.is_free(service, s, except)),
            None => self
                .team
                .iter()
                .map(|id| slot(*id))
                .find(|s| self.is_free(service, s, except)),
        }
    }
}

#[async_trait]
impl BookingTools for FakeCalendar {
    async fn free_slots(
        &self,
        service: ServiceId,
        staff: Option<StaffId>,
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
                step_min: self.step_min,
            },
        };
        let cals: Vec<StaffCalendar> = self
            .team
            .iter()
            .filter(|id| staff.is_none_or(|s| s == **id))
            .map(|id| StaffCalendar {
                staff_id: *id,
                hours: self.hours.clone(),
                time_off: vec![],
                busy: self.busy(*id, None),
            })
            .collect();
        Ok(free_slots(&query, &cals)
            .into_iter()
            .filter(|s| s.start_utc >= from && s.start_utc < to)
            .collect())
    }

    async fn staff(&self, _service: Option<ServiceId>) -> Result<Vec<StaffInfo>, ToolError> {
        Ok(self
            .team
            .iter()
            .enumerate()
            .map(|(i, id)| StaffInfo {
                id: *id,
                name: format!("Staff {}", i + 1),
                service_ids: self.services.iter().map(|s| s.id).collect(),
            })
            .collect())
    }

    async fn hold_slot(&self, service: ServiceId, at: SlotChoice) -> Result<HeldSlot, ToolError> {
        let slot = self.pick(service, at, None).ok_or(ToolError::SlotTaken)?;
        self.log().holds.push(slot);
        Ok(HeldSlot {
            slot,
            expires_at_ms: (self.now + Duration::minutes(10)).timestamp_millis(),
        })
    }

    async fn release_hold(&self) -> Result<(), ToolError> {
        self.log().released += 1;
        Ok(())
    }

    async fn create_appointment(
        &self,
        service: ServiceId,
        at: SlotChoice,
        _notes: &str,
    ) -> Result<AppointmentInfo, ToolError> {
        let stolen = std::mem::take(&mut self.log().steal_next);
        let slot = self
            .pick(service, at, None)
            .filter(|_| !stolen)
            .ok_or(ToolError::SlotTaken)?;
        let appt = AppointmentInfo {
            id: AppointmentId::new(),
            service_id: service,
            start_utc: slot.start_utc,
            end_utc: slot.end_utc,
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
        at: SlotChoice,
    ) -> Result<AppointmentInfo, ToolError> {
        let service = self.appointment(id).await?.service_id;
        let stolen = std::mem::take(&mut self.log().steal_next);
        let slot = self
            .pick(service, at, Some(id))
            .filter(|_| !stolen)
            .ok_or(ToolError::SlotTaken)?;
        let mut log = self.log();
        let appt = log
            .appointments
            .iter_mut()
            .find(|a| a.id == id)
            .ok_or(ToolError::NotFound)?;
        appt.start_utc = slot.start_utc;
        appt.end_utc = slot.end_utc;
        let appt = appt.clone();
        log.writes.push(format!(
            "reschedule {}",
            slot.start_utc
                .with_timezone(&self.tz)
                .format("%Y-%m-%d %H:%M")
        ));
        Ok(appt)
    }

    async fn appointment(&self, id: AppointmentId) -> Result<AppointmentInfo, ToolError> {
        self.log()
            .appointments
            .iter()
            .find(|a| a.id == id)
            .cloned()
            .ok_or(ToolError::NotFound)
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
