//! Finding a time: merge what the customer said into the request, look up free slots, and
//! either propose the requested slot for confirmation or offer a short numbered list.
use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use switchboard_domain::ServiceId;
use switchboard_domain::calendar::{Slot, local_day_bounds, nearest_alternatives, resolve_start};

use super::flow::Turn;
use super::format;
use super::intent::Parsed;
use super::replies::Say;
use super::services::ServiceMatch;
use super::staff::StaffAsk;
use super::state::{PendingAction, Question, Stage};
use super::when::{DateSpec, When};
use crate::booking::{AgentAction, ToolError};

/// How many times one list shows.
const LIST_LEN: usize = 5;
/// How far ahead "the nearest free times" look.
const HORIZON_DAYS: u32 = 14;

impl Turn<'_> {
    pub(super) async fn booking(&mut self, msg: &Parsed, when: When) -> Result<Say, ToolError> {
        let mut note = None;
        if self.state.reschedule.is_none() {
            match &msg.service {
                ServiceMatch::One(id) => self.state.service_id = Some(*id),
                ServiceMatch::Several(ids) => {
                    // Each one gets its own proposal and yes, in the order said.
                    self.state.service_id = ids.first().copied();
                    self.state.queued = ids.iter().skip(1).copied().collect();
                    note = Some(Say::OneAtATime {
                        items: ids.iter().map(|id| self.service_name(*id)).collect(),
                    });
                }
                ServiceMatch::Many(ids)
                    if !self.state.service_id.is_some_and(|s| ids.contains(&s)) =>
                {
                    self.remember_when(when);
                    return Ok(self.ask_service(ids.clone()));
                }
                _ => {}
            }
        }
        match &msg.staff {
            StaffAsk::Known(id) => self.state.staff_id = Some(*id),
            StaffAsk::Unknown(name) => {
                self.remember_when(when);
                self.state.offered.clear();
                self.state.stage = Stage::CollectingInfo;
                return Ok(Say::StaffUnknown {
                    name: name.clone(),
                    team: self.ctx.staff.iter().map(|m| m.name.clone()).collect(),
                });
            }
            StaffAsk::None => {}
        }
        if when.unclear_date && when.date.is_none() {
            // Never guess a day the customer did not say: ask, keeping the rest.
            self.remember_when(when);
            self.state.date = None;
            self.state.offered.clear();
            self.state.stage = Stage::CollectingInfo;
            return Ok(Say::AskDate);
        }
        self.remember_when(when);
        let service = match self.state.service_id {
            Some(id) if self.ctx.service(id).is_some() => id,
            _ => match self.ctx.services.as_slice() {
                [only] => {
                    self.state.service_id = Some(only.id);
                    only.id
                }
                _ => return Ok(self.ask_service(Vec::new())),
            },
        };
        if msg.people && self.state.queued.is_empty() {
            self.state.queued.push(service);
            note = Some(Say::OnePersonAtATime);
        }
        let say = self.search(service).await?;
        Ok(match note {
            Some(n) => Say::Both(Box::new(n), Box::new(say)),
            None => say,
        })
    }

    /// Newly mentioned details replace old ones; a new day keeps the asked time ("and
    /// tomorrow?" after "3pm is taken"), a new part of day replaces an exact time.
    fn remember_when(&mut self, when: When) {
        if let Some(d) = when.date {
            self.state.date = Some(d);
        }
        if let Some(t) = when.time {
            self.state.time = Some(t);
            self.state.part = when.part;
        } else if let Some(p) = when.part {
            self.state.part = Some(p);
            self.state.time = None;
        }
    }

    fn ask_service(&mut self, options: Vec<ServiceId>) -> Say {
        let items = self.service_items(&options);
        self.state.question = Some(Question::Service { options });
        self.state.stage = Stage::CollectingInfo;
        self.state.offered.clear();
        Say::AskService { items }
    }

    pub(super) async fn search(&mut self, service: ServiceId) -> Result<Say, ToolError> {
        let now_local = self.ctx.local_now();
        match (self.state.date, self.state.time) {
            (Some(DateSpec::Day { date }), Some(t)) => self.exact(service, date, t).await,
            (None, Some(t)) => {
                // "At 3" today if 3 is still ahead, else tomorrow.
                let date = if t > now_local.time() {
                    self.today
                } else {
                    self.today + Duration::days(1)
                };
                self.state.date = Some(DateSpec::Day { date });
                self.exact(service, date, t).await
            }
            (Some(DateSpec::Day { date }), None) => self.offer_day(service, date).await,
            (Some(DateSpec::Week { start }), _) => self.offer_range(service, start, 7).await,
            (None, None) => self.offer_range(service, self.today, HORIZON_DAYS).await,
        }
    }

    /// Free slots starting on local days `first..first + days`, one per start time, in time
    /// order, limited to the requested part of the day.
    async fn fetch(
        &self,
        service: ServiceId,
        first: NaiveDate,
        days: u32,
    ) -> Result<Vec<Slot>, ToolError> {
        let tz = self.ctx.timezone;
        let last = first + Duration::days(i64::from(days.max(1)) - 1);
        let (Some((from, _)), Some((_, to))) =
            (local_day_bounds(tz, first), local_day_bounds(tz, last))
        else {
            return Ok(Vec::new());
        };
        let from = from.max(self.ctx.now);
        if to <= from {
            return Ok(Vec::new());
        }
        let mut slots = self.tools.free_slots(service, None, from, to).await?;
        slots.retain(|s| s.start_utc >= from && s.start_utc < to);
        if let Some(part) = self.state.part {
            slots.retain(|s| part.contains(s.start_utc.with_timezone(&tz).time()));
        }
        // The person asked for, never someone else in their place.
        if let Some(staff) = self.state.staff_id {
            slots.retain(|s| s.staff_id == staff);
        }
        slots.sort_by_key(|s| s.start_utc);
        let mut seen = HashSet::new();
        slots.retain(|s| seen.insert(s.start_utc));
        Ok(slots)
    }

    async fn exact(
        &mut self,
        service: ServiceId,
        date: NaiveDate,
        t: NaiveTime,
    ) -> Result<Say, ToolError> {
        let tz = self.ctx.timezone;
        let target = resolve_start(tz, date.and_time(t));
        // The exact time is looked up without the part-of-day filter: "3pm" wins over "morning".
        let part = self.state.part.take();
        let day = self.fetch(service, date, 1).await;
        self.state.part = part;
        let day = day?;
        if let Some(target) = target
            && let Some(slot) = day.iter().find(|s| s.start_utc == target)
        {
            return self.choose(*slot).await;
        }
        let mut pool = day;
        if pool.len() < 3 {
            pool.extend(self.fetch(service, date + Duration::days(1), 7).await?);
        }
        let requested = target.unwrap_or_else(|| date.and_time(t).and_utc());
        let alternatives = nearest_alternatives(requested, &pool, 3);
        if alternatives.is_empty() {
            return Ok(self.nothing_free(service));
        }
        let label = format::moment(requested, tz, self.today, self.lang);
        let slots = self.offer(alternatives);
        if self.ctx.opening_hours.is_closed_at(date.weekday(), t) {
            return Ok(Say::Closed { day: label, slots });
        }
        if let Some(staff) = self.asked_staff() {
            return Ok(Say::StaffBusy { staff, slots });
        }
        Ok(Say::Taken {
            requested: label,
            slots,
        })
    }

    async fn offer_day(&mut self, service: ServiceId, date: NaiveDate) -> Result<Say, ToolError> {
        let slots = self.fetch(service, date, 1).await?;
        let day = format::day(date, self.today, self.lang);
        if slots.is_empty() {
            let later = self
                .fetch(service, date + Duration::days(1), HORIZON_DAYS)
                .await?;
            if later.is_empty() {
                return Ok(self.nothing_free(service));
            }
            let slots = self.offer(spread_days(&later, LIST_LEN, self.ctx.timezone));
            if self.ctx.opening_hours.is_closed_on(date.weekday()) {
                return Ok(Say::Closed { day, slots });
            }
            return Ok(Say::NoneOnDay { day, slots });
        }
        let slots = self.offer(spread(&slots, LIST_LEN + 1));
        Ok(Say::OfferSlots {
            service: self.service_name(service),
            day: Some(day),
            slots,
        })
    }

    async fn offer_range(
        &mut self,
        service: ServiceId,
        first: NaiveDate,
        days: u32,
    ) -> Result<Say, ToolError> {
        let slots = self.fetch(service, first, days).await?;
        if slots.is_empty() {
            return Ok(self.nothing_free(service));
        }
        let slots = self.offer(spread_days(&slots, LIST_LEN, self.ctx.timezone));
        Ok(Say::OfferSlots {
            service: self.service_name(service),
            day: None,
            slots,
        })
    }

    /// Remembers `slots` as the numbered list on offer and returns their labels.
    fn offer(&mut self, slots: Vec<Slot>) -> Vec<String> {
        let tz = self.ctx.timezone;
        let first_day = slots
            .first()
            .map(|s| s.start_utc.with_timezone(&tz).date_naive());
        let one_day = slots
            .iter()
            .all(|s| Some(s.start_utc.with_timezone(&tz).date_naive()) == first_day);
        let requested_day = self.state.date.and_then(|d| match d {
            DateSpec::Day { date } => Some(date),
            DateSpec::Week { .. } => None,
        });
        let with_day = !(one_day && first_day == requested_day);
        let labels = slots
            .iter()
            .map(|s| format::slot_label(s.start_utc, tz, self.today, self.lang, with_day))
            .collect();
        self.state.offered = slots;
        self.state.question = Some(Question::Slot);
        self.state.stage = Stage::Booking;
        labels
    }

    /// The name of the staff member the customer asked for.
    fn asked_staff(&self) -> Option<String> {
        self.state
            .staff_id
            .and_then(|id| self.ctx.staff_name(id))
            .map(str::to_string)
    }

    fn nothing_free(&mut self, service: ServiceId) -> Say {
        self.state.offered.clear();
        self.state.question = None;
        self.state.stage = Stage::CollectingInfo;
        if let Some(staff) = self.asked_staff() {
            return Say::StaffNothingFree { staff };
        }
        Say::NothingFree {
            service: self.service_name(service),
        }
    }

    /// The offered slot the message picks, by number, ordinal or time.
    pub(super) fn picked_slot(&self, msg: &Parsed) -> Option<Slot> {
        let offered = &self.state.offered;
        if offered.is_empty() {
            return None;
        }
        if let Some(i) = msg.choice.and_then(|c| c.index(offered.len())) {
            return offered.get(i).copied();
        }
        let t = msg.when.time?;
        let tz = self.ctx.timezone;
        offered
            .iter()
            .find(|s| {
                let local = s.start_utc.with_timezone(&tz);
                local.time() == t && msg.when.day().is_none_or(|d| d == local.date_naive())
            })
            .copied()
    }

    /// Holds `slot` and asks for confirmation.
    pub(super) async fn choose(&mut self, slot: Slot) -> Result<Say, ToolError> {
        let Some(service_id) = self
            .state
            .reschedule
            .map(|r| r.service_id)
            .or(self.state.service_id)
        else {
            return Ok(self.ask_service(Vec::new()));
        };
        match self.tools.hold_slot(service_id, (&slot).into()).await {
            Ok(_) => self.actions.push(AgentAction::Held { service_id, slot }),
            Err(ToolError::SlotTaken) => return self.just_taken(service_id, slot.start_utc).await,
            // A hold only protects the slot while the customer thinks; booking re-checks it.
            Err(e) => tracing::warn!(error = %e, "could not hold a slot"),
        }
        let pending = match self.state.reschedule {
            Some(r) => PendingAction::Reschedule {
                appointment_id: r.appointment_id,
                service_id,
                from_utc: r.start_utc,
                slot,
            },
            None => PendingAction::Create { service_id, slot },
        };
        let say = self.confirm_question(&pending);
        self.state.chosen = Some(slot);
        self.state.pending = Some(pending);
        self.state.offered.clear();
        self.state.question = Some(Question::Confirm);
        self.state.stage = Stage::Confirming;
        Ok(say)
    }

    /// The chosen time went to someone else: offer the nearest free ones instead.
    pub(super) async fn just_taken(
        &mut self,
        service: ServiceId,
        start: DateTime<Utc>,
    ) -> Result<Say, ToolError> {
        let date = start.with_timezone(&self.ctx.timezone).date_naive();
        let part = self.state.part.take();
        let pool = self.fetch(service, date, 8).await;
        self.state.part = part;
        let pool: Vec<Slot> = pool?.into_iter().filter(|s| s.start_utc != start).collect();
        let alternatives = nearest_alternatives(start, &pool, 3);
        if alternatives.is_empty() {
            return Ok(self.nothing_free(service));
        }
        let slots = self.offer(alternatives);
        Ok(Say::JustTaken { slots })
    }
}

/// At most `n` slots spread evenly over the list (first and last included), so a full day
/// shows its range rather than its first hour.
fn spread(slots: &[Slot], n: usize) -> Vec<Slot> {
    if slots.len() <= n || n < 2 {
        return slots.iter().take(n).copied().collect();
    }
    let last = slots.len() - 1;
    let mut picked: Vec<Slot> = (0..n)
        .filter_map(|i| slots.get(i * last / (n - 1)).copied())
        .collect();
    picked.dedup();
    picked
}

/// At most `n` slots from as many different days as possible: the first of each day, then the
/// second of each, ...; in time order.
fn spread_days(slots: &[Slot], n: usize, tz: chrono_tz::Tz) -> Vec<Slot> {
    let mut days: Vec<Vec<Slot>> = Vec::new();
    for s in slots {
        let d = s.start_utc.with_timezone(&tz).date_naive();
        match days.last_mut() {
            Some(day)
                if day
                    .first()
                    .is_some_and(|f| f.start_utc.with_timezone(&tz).date_naive() == d) =>
            {
                day.push(*s)
            }
            _ => days.push(vec![*s]),
        }
    }
    let mut picked = Vec::new();
    let mut round = 0;
    while picked.len() < n && days.iter().any(|d| d.len() > round) {
        for day in &days {
            if picked.len() >= n {
                break;
            }
            if let Some(s) = day.get(round) {
                picked.push(*s);
            }
        }
        round += 1;
    }
    picked.sort_by_key(|s| s.start_utc);
    picked
}
