//! What each tool the model may call does, once the gate let it through. The answers are the
//! JSON the model reads back; times are local to the business.
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use serde_json::{Value, json};
use switchboard_domain::calendar::{self, local_day_bounds};

use super::model::{ModelRun, ModelTurn};
use crate::booking::SlotChoice;
use crate::rules::{PendingAction, format_money};
use crate::tools::{ToolArgError, ToolInvocation};

impl ModelTurn<'_> {
    pub(super) async fn dispatch(
        &self,
        inv: &ToolInvocation,
        out: &mut ModelRun,
    ) -> Result<Value, String> {
        let ctx = self.ctx;
        let tz = ctx.timezone;
        let lang = self.language;
        let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string();
        let bad = |e: ToolArgError| e.to_string();
        let failed = |e: crate::ToolError| e.to_string();
        match inv {
            ToolInvocation::BusinessContext => Ok(json!({
                "name": ctx.name,
                "address": ctx.address,
                "phone": ctx.phone,
                "opening_hours": ctx.hours_for(lang),
                "time_zone": tz.name(),
                "now_local": local(ctx.now),
                "weekday": ctx.local_now().format("%A").to_string(),
            })),
            ToolInvocation::ListServices => {
                Ok(json!({"services": ctx.services.iter().map(|s| json!({
                "id": s.id,
                "name": s.name(lang),
                "duration_min": s.duration_min,
                "price": format_money(s.price_minor, &s.currency, lang),
            })).collect::<Vec<_>>()}))
            }
            ToolInvocation::ListStaff(a) => {
                let staff = self.tools.staff(a.service_id).await.map_err(failed)?;
                Ok(
                    json!({"staff": staff.iter().map(|m| json!({"id": m.id, "name": m.name})).collect::<Vec<_>>()}),
                )
            }
            ToolInvocation::FreeSlots(a) => {
                if ctx.service(a.service_id).is_none() {
                    return Err("unknown service_id; call list_services".into());
                }
                if !calendar::YEARS.contains(&a.date.year()) {
                    return Err("date is outside the calendar".into());
                }
                let last = a.date_to.unwrap_or(a.date).max(a.date);
                let last = a
                    .date
                    .checked_add_signed(Duration::days(31))
                    .map_or(last, |cap| last.min(cap));
                let (from, _) = local_day_bounds(tz, a.date).ok_or("bad date")?;
                let (_, to) = local_day_bounds(tz, last).ok_or("bad date")?;
                let slots = self
                    .tools
                    .free_slots(a.service_id, a.staff_id, from, to)
                    .await
                    .map_err(failed)?;
                let slots: Vec<Value> = slots
                    .iter()
                    .filter(|s| {
                        a.part_of_day.is_none_or(|p| {
                            let t: NaiveTime = s.start_utc.with_timezone(&tz).time();
                            p.contains(t)
                        })
                    })
                    .take(12)
                    .map(|s| {
                        json!({
                            "start": local(s.start_utc),
                            "staff_id": s.staff_id,
                            "staff": ctx.staff_name(s.staff_id),
                        })
                    })
                    .collect();
                Ok(json!({"slots": slots}))
            }
            ToolInvocation::HoldSlot(a) => {
                let start = a.start_utc(tz).map_err(bad)?;
                let at = SlotChoice {
                    start,
                    staff: a.staff_id,
                };
                let held = self
                    .tools
                    .hold_slot(a.service_id, at)
                    .await
                    .map_err(failed)?;
                out.proposal = Some(PendingAction::Create {
                    service_id: a.service_id,
                    slot: held.slot,
                });
                Ok(
                    json!({"held": true, "start": local(held.slot.start_utc), "staff_id": held.slot.staff_id, "held_until_ms": held.expires_at_ms}),
                )
            }
            ToolInvocation::FindClient(_) => {
                let c = ctx.customer.clone().unwrap_or_default();
                Ok(json!({"name": c.name, "phone": c.phone, "tags": c.tags}))
            }
            ToolInvocation::CreateAppointment(a) => {
                let start = a.start_utc(tz).map_err(bad)?;
                // The staff member of the approved proposal (the held one).
                let staff = match self.gate.proposal {
                    Some(PendingAction::Create { slot, .. }) => Some(slot.staff_id),
                    _ => a.staff_id,
                };
                let notes = a.notes.as_deref().unwrap_or_default();
                let appt = self
                    .tools
                    .create_appointment(a.service_id, SlotChoice { start, staff }, notes)
                    .await
                    .map_err(failed)?;
                out.wrote = true;
                Ok(
                    json!({"booked": true, "appointment_id": appt.id, "start": local(appt.start_utc), "staff_id": appt.staff_id}),
                )
            }
            ToolInvocation::CancelAppointment(a) => {
                self.tools
                    .cancel_appointment(a.appointment_id)
                    .await
                    .map_err(failed)?;
                out.wrote = true;
                Ok(json!({"cancelled": true, "appointment_id": a.appointment_id}))
            }
            ToolInvocation::RescheduleAppointment(a) => {
                let start = a.new_start_utc(tz).map_err(bad)?;
                let at = SlotChoice {
                    start,
                    staff: a.staff_id,
                };
                let appt = self
                    .tools
                    .reschedule_appointment(a.appointment_id, at)
                    .await
                    .map_err(failed)?;
                out.wrote = true;
                Ok(
                    json!({"rescheduled": true, "appointment_id": appt.id, "start": local(appt.start_utc)}),
                )
            }
            ToolInvocation::ListAppointments => {
                let list = self.tools.list_appointments().await.map_err(failed)?;
                Ok(json!({"appointments": list.iter().map(|a| json!({
                    "id": a.id,
                    "service_id": a.service_id,
                    "service": ctx.service(a.service_id).map(|s| s.name(lang)),
                    "start": local(a.start_utc),
                    "staff": a.staff_name,
                })).collect::<Vec<_>>()}))
            }
            ToolInvocation::GetBalance | ToolInvocation::CreateTask(_) => {
                Err("this tool is not available for this business".into())
            }
            ToolInvocation::Handover(a) => {
                self.journal.ask_handover(&a.reason);
                self.tools.handover(&a.reason).await.map_err(failed)?;
                Ok(json!({"handed_over": true}))
            }
        }
    }
}
