//! Times said in words, rewritten into digits before the date and time patterns run:
//! "at seven in the evening" reads as "at 7 in the evening", "quarter to four" as "3:45",
//! "в полседьмого" as "в 6:30", "בשבע וחצי" as "ב7:30". Only the copy used for dates and times
//! is rewritten, so "the second one" still picks from a list.

/// Hours 1 to 12 in words: English, Russian (nominative), Hebrew (the feminine forms used for
/// the clock).
const HOURS: [(u32, &[&str]); 12] = [
    (1, &["one", "час", "один", "אחת"]),
    (2, &["two", "два", "שתיים", "שתים"]),
    (3, &["three", "три", "שלוש"]),
    (4, &["four", "четыре", "ארבע"]),
    (5, &["five", "пять", "חמש"]),
    (6, &["six", "шесть", "שש"]),
    (7, &["seven", "семь", "שבע"]),
    (8, &["eight", "восемь", "שמונה"]),
    (9, &["nine", "девять", "תשע"]),
    (10, &["ten", "десять", "עשר"]),
    (11, &["eleven", "одиннадцать", "одинадцать"]),
    (12, &["twelve", "двенадцать"]),
];

/// Russian genitive ordinals: "половина седьмого" is half past six, "пятнадцатого" the
/// fifteenth (of the month).
const RU_GENITIVE: [(u32, &str); 31] = [
    (1, "первого"),
    (2, "второго"),
    (3, "третьего"),
    (4, "четвертого"),
    (5, "пятого"),
    (6, "шестого"),
    (7, "седьмого"),
    (8, "восьмого"),
    (9, "девятого"),
    (10, "десятого"),
    (11, "одиннадцатого"),
    (12, "двенадцатого"),
    (13, "тринадцатого"),
    (14, "четырнадцатого"),
    (15, "пятнадцатого"),
    (16, "шестнадцатого"),
    (17, "семнадцатого"),
    (18, "восемнадцатого"),
    (19, "девятнадцатого"),
    (20, "двадцатого"),
    (21, "двадцать первого"),
    (22, "двадцать второго"),
    (23, "двадцать третьего"),
    (24, "двадцать четвертого"),
    (25, "двадцать пятого"),
    (26, "двадцать шестого"),
    (27, "двадцать седьмого"),
    (28, "двадцать восьмого"),
    (29, "двадцать девятого"),
    (30, "тридцатого"),
    (31, "тридцать первого"),
];

/// Minutes said after an hour: "seven thirty", "семь тридцать".
const MINUTES: [(u32, &[&str]); 4] = [
    (15, &["fifteen", "пятнадцать"]),
    (30, &["thirty", "тридцать"]),
    (45, &["forty-five", "fortyfive", "сорок пять"]),
    (5, &["oh five", "ноль пять"]),
];

const HE_PREFIXES: [&str; 4] = ["וב", "ב", "ל", "ו"];

fn hour_word(w: &str) -> Option<u32> {
    HOURS
        .iter()
        .find(|(_, words)| words.contains(&w))
        .map(|(h, _)| *h)
}

/// A Hebrew hour behind a prefix ("בשבע" is "ב" + 7).
fn he_hour(w: &str) -> Option<(&'static str, u32)> {
    HE_PREFIXES.iter().find_map(|p| {
        let rest = w.strip_prefix(p)?;
        hour_word(rest)
            .filter(|_| rest.chars().all(crate::rules::text::is_hebrew))
            .map(|h| (*p, h))
    })
}

fn ru_genitive(words: &[&str], i: usize) -> Option<(u32, usize)> {
    RU_GENITIVE.iter().rev().find_map(|(n, phrase)| {
        let parts: Vec<&str> = phrase.split(' ').collect();
        let all = parts
            .iter()
            .enumerate()
            .all(|(k, p)| words.get(i + k) == Some(p));
        all.then_some((*n, parts.len()))
    })
}

fn prev_hour(h: u32) -> u32 {
    if h == 1 { 12 } else { h - 1 }
}

/// Minutes said as words right after an hour, and how many words they took.
fn minutes_after(words: &[&str], i: usize) -> Option<(u32, usize)> {
    MINUTES.iter().find_map(|(m, phrases)| {
        phrases.iter().find_map(|phrase| {
            let parts: Vec<&str> = phrase.split(' ').collect();
            let all = parts
                .iter()
                .enumerate()
                .all(|(k, p)| words.get(i + k) == Some(p));
            all.then_some((*m, parts.len()))
        })
    })
}

/// The message with clock times in words replaced by digits (words joined by single spaces;
/// punctuation between words is kept as a space).
pub(super) fn spell_times(norm: &str) -> String {
    // Hyphens inside "forty-five" or "15-го" stay with their word.
    let tokens: Vec<String> = norm
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '!' | '?' | ';'))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
        // "4ish" is about 4.
        .map(|w| match w.strip_suffix("ish") {
            Some(n) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => n.to_string(),
            _ => w.to_string(),
        })
        .collect();
    let words: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = words.get(i).copied().unwrap_or_default();
        let next = words.get(i + 1).copied();
        let (said, used) = read_time(&words, i, w, next);
        match said {
            Some(s) => out.push(s),
            None => out.push(w.to_string()),
        }
        i += used.max(1);
    }
    out.join(" ")
}

/// One time phrase starting at word `i`: its digits and how many words it took.
fn read_time(words: &[&str], i: usize, w: &str, next: Option<&str>) -> (Option<String>, usize) {
    let after = |k: usize| words.get(i + k).copied();
    // English: quarter to / past, half past.
    if w == "quarter"
        && let (Some(rel), Some(h)) = (next, after(2).and_then(hour_or_digit))
    {
        match rel {
            "to" | "till" | "before" => return (Some(format!("{}:45", prev_hour(h))), 3),
            "past" | "after" => return (Some(format!("{h}:15")), 3),
            _ => {}
        }
    }
    if w == "half" {
        if next == Some("past")
            && let Some(h) = after(2).and_then(hour_or_digit)
        {
            return (Some(format!("{h}:30")), 3);
        }
        if let Some(h) = next.and_then(hour_or_digit) {
            return (Some(format!("{h}:30")), 2);
        }
    }
    // Russian: без четверти четыре, четверть пятого, половина седьмого, полседьмого.
    if w == "без"
        && matches!(next, Some("четверти" | "пятнадцати"))
        && let Some(h) = after(2).and_then(hour_or_digit)
    {
        return (Some(format!("{}:45", prev_hour(h))), 3);
    }
    if w == "четверть"
        && let Some((h, n)) = ru_genitive(words, i + 1).filter(|(h, _)| *h <= 12)
    {
        return (Some(format!("{}:15", prev_hour(h))), 1 + n);
    }
    if matches!(w, "половина" | "половине" | "пол")
        && let Some((h, n)) = ru_genitive(words, i + 1).filter(|(h, _)| *h <= 12)
    {
        return (Some(format!("{}:30", prev_hour(h))), 1 + n);
    }
    if let Some(rest) = w.strip_prefix("пол").filter(|r| !r.is_empty())
        && let Some((h, 1)) = ru_genitive(&[rest], 0).filter(|(h, _)| *h <= 12)
    {
        return (Some(format!("{}:30", prev_hour(h))), 1);
    }
    // Hebrew: רבע לחמש, (ב)חמש וחצי / ורבע.
    let he_prefix = if w == "ברבע" { "ב" } else { "" };
    if (w == "רבע" || w == "ברבע")
        && let Some(n) = next
    {
        let target = n.strip_prefix('ל').and_then(hour_word).or_else(|| {
            (n == "ל")
                .then(|| after(2).and_then(hour_or_digit))
                .flatten()
        });
        if let Some(h) = target {
            let used = if n == "ל" { 3 } else { 2 };
            return (Some(format!("{he_prefix}{}:45", prev_hour(h))), used);
        }
        // "רבע אחרי 11": a quarter past.
        if n == "אחרי"
            && let Some(h) = after(2).and_then(hour_or_digit)
        {
            return (Some(format!("{he_prefix}{h}:15")), 3);
        }
    }
    // "ב 11 וחצי": digits with the Hebrew half or quarter.
    if let Some(h) = w.parse::<u32>().ok().filter(|h| (1..=23).contains(h)) {
        match next {
            Some("וחצי") => return (Some(format!("{h}:30")), 2),
            Some("ורבע") => return (Some(format!("{h}:15")), 2),
            _ => {}
        }
    }
    let (prefix, hour) = match (hour_word(w), he_hour(w)) {
        (Some(h), _) => ("", Some(h)),
        (None, Some((p, h))) => (p, Some(h)),
        _ => ("", None),
    };
    let Some(h) = hour else {
        return (None, 1);
    };
    match next {
        Some("וחצי") => return (Some(format!("{prefix}{h}:30")), 2),
        Some("ורבע") => return (Some(format!("{prefix}{h}:15")), 2),
        _ => {}
    }
    if let Some((m, n)) = minutes_after(words, i + 1) {
        return (Some(format!("{prefix}{h}:{m:02}")), 1 + n);
    }
    (Some(format!("{prefix}{h}")), 1)
}

fn hour_or_digit(w: &str) -> Option<u32> {
    hour_word(w).or_else(|| w.parse().ok().filter(|h| (1..=12).contains(h)))
}

/// The day of the month said as a Russian genitive ordinal ("пятнадцатого (числа)"), as
/// digits followed by "числа", for the date patterns.
pub(super) fn spell_ru_days(s: &str) -> String {
    let words: Vec<&str> = s.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        if let Some((n, used)) = ru_genitive(&words, i) {
            out.push(format!("{n}-го"));
            i += used;
        } else {
            out.push(words.get(i).copied().unwrap_or_default().to_string());
            i += 1;
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_words_become_digits() {
        for (said, digits) in [
            ("at seven in the evening", "at 7 in the evening"),
            ("quarter to four", "3:45"),
            ("quarter past 4", "4:15"),
            ("half past six", "6:30"),
            ("seven thirty pm", "7:30 pm"),
            ("в семь вечера", "в 7 вечера"),
            ("без четверти четыре", "3:45"),
            ("в полседьмого", "в 6:30"),
            ("в половине восьмого", "в 7:30"),
            ("בשבע בערב", "ב7 בערב"),
            ("בחמש וחצי", "ב5:30"),
            ("רבע לארבע", "3:45"),
            ("ב 11 וחצי", "ב 11:30"),
            ("around 4ish", "around 4"),
            ("at half 3", "at 3:30"),
            ("ברבע לארבע", "ב3:45"),
            ("ברבע אחרי 11", "ב11:15"),
        ] {
            assert_eq!(spell_times(said), digits, "{said}");
        }
    }
}
