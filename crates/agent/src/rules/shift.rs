//! A move said as an offset from the appointment's own time: "an hour later", "30 min
//! earlier", «на час позже», «на полчаса пораньше», "שעה מאוחר יותר", "להקדים בחצי שעה".
//! Without this the offset was read as no time at all, and the customer was asked again.
use std::sync::LazyLock;

use regex::Regex;

use super::text::Text;

/// Amount, then direction (or, in Hebrew, a verb of direction before "by an hour").
static SHIFT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:^|[^\p{L}\d])(?:на\s+|ב-?)?",
        r"(half\s+an?\s+hour|an?\s+hour|one\s+hour|two\s+hours|(\d{1,3})\s*(?:hours?|hrs?|h|minutes?|mins?|m|час\p{L}*|мин\p{L}*|דקות|שעות)",
        r"|полчаса|час|два\s+часа|חצי\s+שעה|שעה|שעתיים)",
        r"\s+(later|earlier|sooner|позже|попозже|раньше|пораньше|מאוחר\s+יותר|מוקדם\s+יותר|אחרי|אח\s*כך|קודם)",
    ))
    .ok()
});

/// "לדחות בשעה" (postpone by an hour), "להקדים בחצי שעה" (bring forward by half an hour).
static HE_VERB_SHIFT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(לדחות|תדח\p{L}*|להקדים|תקדימ\p{L}*)\s+(?:את\s+התור\s+)?ב-?(חצי\s+שעה|שעה|שעתיים|(\d{1,3})\s*(?:דקות|שעות))").ok()
});

/// Minutes to move by, later positive, when the message says an offset.
pub(super) fn shift_minutes(text: &Text) -> Option<i64> {
    let s = text.norm.as_str();
    if let Some(c) = SHIFT.as_ref().and_then(|re| re.captures(s)) {
        let amount = amount(c.get(1)?.as_str(), c.get(2).map(|m| m.as_str()))?;
        let dir = c.get(3)?.as_str();
        let earlier = ["earlier", "sooner", "раньше", "пораньше", "מוקדם", "קודם"]
            .iter()
            .any(|w| dir.starts_with(w));
        return Some(if earlier { -amount } else { amount });
    }
    let c = HE_VERB_SHIFT.as_ref().and_then(|re| re.captures(s))?;
    let amount = amount(c.get(2)?.as_str(), c.get(3).map(|m| m.as_str()))?;
    let earlier = c.get(1)?.as_str().contains("קדימ") || c.get(1)?.as_str().contains("קדים");
    Some(if earlier { -amount } else { amount })
}

fn amount(said: &str, digits: Option<&str>) -> Option<i64> {
    if let Some(d) = digits {
        let n: i64 = d.parse().ok()?;
        let minutes = ["m", "мин", "דקות"].iter().any(|u| {
            said.trim_start_matches(|c: char| c.is_ascii_digit() || c.is_whitespace())
                .starts_with(u)
        });
        return Some(if minutes { n } else { n * 60 });
    }
    let half = ["half", "пол", "חצי"].iter().any(|w| said.starts_with(w));
    let two = ["two", "два", "שעתיים"].iter().any(|w| said.starts_with(w));
    Some(if half {
        30
    } else if two {
        120
    } else {
        60
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_read_in_every_language() {
        for (said, want) in [
            ("push my thursday appt an hour later", Some(60)),
            ("can we do 30 min earlier", Some(-30)),
            ("half an hour later pls", Some(30)),
            ("2 hours later", Some(120)),
            ("перенесите мою запись на час позже", Some(60)),
            ("на полчаса пораньше", Some(-30)),
            ("תזיזי לי את התור שעה מאוחר יותר", Some(60)),
            ("אפשר להקדים בחצי שעה", Some(-30)),
            ("לדחות את התור בשעה", Some(60)),
            ("haircut tomorrow at 3", None),
            ("в час дня", None),
        ] {
            assert_eq!(shift_minutes(&Text::new(said)), want, "{said}");
        }
    }
}
