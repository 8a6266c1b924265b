//! The system prompt for the model, built from the business context, the dialogue state and
//! the customer's profile, and the chat history trimmed to the last turns.
use std::fmt::Write as _;

use switchboard_domain::Language;

use crate::context::BusinessContext;
use crate::llm::ChatMessage;
use crate::rules::{DateSpec, RuleState, Stage, format_money};

/// What goes into the system prompt besides the business itself.
#[derive(Clone, Copy, Debug)]
pub struct PromptInput<'a> {
    pub ctx: &'a BusinessContext,
    /// The language to answer in (the customer's, as last detected).
    pub language: Language,
    /// The dialogue state, when the conversation has one.
    pub state: Option<&'a RuleState>,
}

fn language_name(lang: Language) -> &'static str {
    match lang {
        Language::En => "English",
        Language::Ru => "Russian",
        Language::He => "Hebrew",
    }
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Greeting => "GREETING",
        Stage::CollectingInfo => "COLLECTING_INFO",
        Stage::Consulting => "CONSULTING",
        Stage::Booking => "BOOKING",
        Stage::Confirming => "CONFIRMING",
        Stage::Completed => "COMPLETED",
    }
}

const RULES: &str = "\
Rules:
1. Use the tools for facts. Call free_slots before proposing any time; never invent times, prices or policies.
2. Every time you mention or pass to a tool is local to the business time zone; tools take local times as YYYY-MM-DDTHH:MM.
3. Before create_appointment, cancel_appointment or reschedule_appointment, state the exact change (service, weekday, date, time, price) and ask the customer to confirm. Call the tool only after the customer says yes in their next message. Use hold_slot to keep a time while they decide.
4. If the requested time is taken, offer the nearest free times instead.
5. Keep replies short and friendly, like a text message: no markdown, no long lists.
6. If the customer asks for a person, is upset, or you cannot help, call handover.
";

/// The system message for one turn.
pub fn system_prompt(input: &PromptInput<'_>) -> String {
    let ctx = input.ctx;
    let local = ctx.local_now();
    let mut p = String::new();
    let persona = ctx
        .persona
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or("the friendly front-desk assistant");
    // `write!` into a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(
        p,
        "You are {persona} of {}, answering customers by text message.",
        ctx.name
    );
    let _ = writeln!(p, "\nBusiness: {}", ctx.name);
    if let Some(a) = &ctx.address {
        let _ = writeln!(p, "Address: {a}");
    }
    if let Some(ph) = &ctx.phone {
        let _ = writeln!(p, "Phone: {ph}");
    }
    if let Some(h) = ctx.hours_for(input.language) {
        let _ = writeln!(p, "Opening hours:\n{h}");
    }
    let _ = writeln!(p, "Time zone: {}", ctx.timezone.name());
    let _ = writeln!(
        p,
        "Now: {} (local time)",
        local.format("%A, %Y-%m-%d %H:%M")
    );
    let _ = writeln!(
        p,
        "Answer in {} (the customer's language); switch if the customer switches.",
        language_name(input.language)
    );
    if !ctx.services.is_empty() {
        let _ = writeln!(p, "\nServices (id | name | duration | price):");
        for s in &ctx.services {
            let _ = writeln!(
                p,
                "- {} | {} | {} min | {}{}",
                s.id,
                s.name(input.language),
                s.duration_min,
                format_money(s.price_minor, &s.currency, input.language),
                if s.aliases.is_empty() {
                    String::new()
                } else {
                    format!(" | also called: {}", s.aliases.join(", "))
                }
            );
        }
    }
    let _ = write!(p, "\n{RULES}");
    if let Some(state) = input.state {
        let _ = writeln!(p, "\nDialogue stage: {}", stage_name(state.stage));
        let mut known = Vec::new();
        if let Some(s) = state.service_id.and_then(|id| ctx.service(id)) {
            known.push(format!("service {}", s.name(input.language)));
        }
        match state.date {
            Some(DateSpec::Day { date }) => known.push(format!("day {date}")),
            Some(DateSpec::Week { start }) => known.push(format!("the week from {start}")),
            None => {}
        }
        if let Some(t) = state.time {
            known.push(format!("time {}", t.format("%H:%M")));
        }
        if let Some(slot) = state.chosen {
            let at = slot.start_utc.with_timezone(&ctx.timezone);
            known.push(format!(
                "chosen slot {} (awaiting confirmation)",
                at.format("%Y-%m-%d %H:%M")
            ));
        }
        if !known.is_empty() {
            let _ = writeln!(p, "Known so far: {}.", known.join("; "));
        }
    }
    if let Some(c) = &ctx.customer {
        let _ = writeln!(p, "\nCustomer:");
        if let Some(n) = &c.name {
            let _ = writeln!(p, "- name: {n}");
        }
        if let Some(ph) = &c.phone {
            let _ = writeln!(p, "- phone: {ph}");
        }
        if !c.tags.is_empty() {
            let _ = writeln!(p, "- tags: {}", c.tags.join(", "));
        }
        if let Some(n) = &c.notes {
            let _ = writeln!(p, "- notes: {n}");
        }
        if let Some(b) = &c.balance {
            let _ = writeln!(p, "- balance: {b}");
        }
    }
    if ctx.upcoming.is_empty() {
        let _ = writeln!(p, "\nThe customer has no upcoming appointments.");
    } else {
        let _ = writeln!(p, "\nUpcoming appointments (id | service | local start):");
        for a in &ctx.upcoming {
            let name = ctx
                .service(a.service_id)
                .map(|s| s.name(input.language))
                .unwrap_or("?");
            let at = a.start_utc.with_timezone(&ctx.timezone);
            let _ = writeln!(
                p,
                "- {} | {} | {}",
                a.id,
                name,
                at.format("%A, %Y-%m-%d %H:%M")
            );
        }
    }
    if let Some(i) = ctx.instructions.as_deref().filter(|s| !s.trim().is_empty()) {
        let _ = writeln!(p, "\nInstructions from the business:\n{i}");
    }
    p
}

/// Who wrote a message of the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Author {
    Customer,
    /// The agent or a staff member replying for the business.
    Business,
}

/// One past message of the conversation, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryTurn {
    pub author: Author,
    pub text: String,
}

/// The system prompt followed by the last `max_messages` messages of the history.
pub fn build_messages(
    system: String,
    history: &[HistoryTurn],
    max_messages: usize,
) -> Vec<ChatMessage> {
    let skip = history.len().saturating_sub(max_messages);
    std::iter::once(ChatMessage::system(system))
        .chain(history.iter().skip(skip).map(|h| match h.author {
            Author::Customer => ChatMessage::user(h.text.clone()),
            Author::Business => ChatMessage::assistant(h.text.clone()),
        }))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use chrono::{TimeZone, Utc};
    use switchboard_domain::{AppointmentId, ServiceId};

    use super::*;
    use crate::context::{AppointmentInfo, CustomerProfile, ServiceInfo};

    #[test]
    fn prompt_carries_the_facts_the_model_needs() {
        let now = Utc.with_ymd_and_hms(2026, 5, 12, 11, 3, 0).unwrap();
        let service = ServiceInfo {
            id: ServiceId::new(),
            names: HashMap::from([
                (Language::En, "Haircut".into()),
                (Language::He, "תספורת".into()),
            ]),
            duration_min: 45,
            price_minor: 15000,
            currency: "ILS".into(),
            aliases: Vec::new(),
        };
        let appt = AppointmentInfo {
            id: AppointmentId::new(),
            service_id: service.id,
            start_utc: Utc.with_ymd_and_hms(2026, 5, 14, 12, 0, 0).unwrap(),
            end_utc: Utc.with_ymd_and_hms(2026, 5, 14, 12, 45, 0).unwrap(),
            staff_id: None,
            staff_name: None,
        };
        let ctx = BusinessContext {
            address: Some("Dizengoff 1, Tel Aviv".into()),
            hours_text: Some("Sun-Thu 9-19".into()),
            services: vec![service.clone()],
            upcoming: vec![appt.clone()],
            customer: Some(CustomerProfile {
                name: Some("Dana".into()),
                ..Default::default()
            }),
            instructions: Some("Never discuss politics.".into()),
            ..BusinessContext::new("Salon Dana", chrono_tz::Asia::Jerusalem, now)
        };
        let state = RuleState {
            stage: Stage::Booking,
            service_id: Some(service.id),
            ..Default::default()
        };
        let p = system_prompt(&PromptInput {
            ctx: &ctx,
            language: Language::He,
            state: Some(&state),
        });
        for needle in [
            "Salon Dana",
            "Dizengoff 1",
            "Sun-Thu 9-19",
            "Asia/Jerusalem",
            "Tuesday, 2026-05-12 14:03",
            "Answer in Hebrew",
            "תספורת",
            "150.00 ₪",
            &service.id.to_string(),
            &appt.id.to_string(),
            "Thursday, 2026-05-14 15:00",
            "Dialogue stage: BOOKING",
            "name: Dana",
            "Never discuss politics",
            "confirm",
        ] {
            assert!(p.contains(needle), "missing {needle:?} in\n{p}");
        }
    }

    #[test]
    fn history_is_trimmed_to_the_last_messages() {
        let history: Vec<_> = (0..10)
            .map(|i| HistoryTurn {
                author: if i % 2 == 0 {
                    Author::Customer
                } else {
                    Author::Business
                },
                text: format!("m{i}"),
            })
            .collect();
        let msgs = build_messages("sys".into(), &history, 3);
        assert_eq!(msgs.len(), 4);
        assert_eq!(msgs[0], ChatMessage::system("sys"));
        assert_eq!(msgs[1], ChatMessage::assistant("m7"));
        assert_eq!(msgs[3], ChatMessage::assistant("m9"));
    }
}
