//! Long replies cut to each channel's size limit, at the most natural boundary that fits:
//! paragraph, then line, then sentence, then word, and only as a last resort between two
//! grapheme clusters (never inside a character, an emoji sequence or an accented letter).
//!
//! Limits are counted in UTF-16 code units, which is how Telegram counts, and at least as
//! strict as Twilio (which counts an emoji as two) and Meta; a limit met in UTF-16 is met in
//! characters too.
use switchboard_domain::message::{Button, ChannelKind, OutboundContent};
use unicode_segmentation::UnicodeSegmentation;

/// Twilio's `Body` limit, for SMS and WhatsApp alike (error 21617 beyond it).
pub const TWILIO_BODY_LIMIT: usize = 1600;
/// Meta Cloud `text.body`.
pub const WHATSAPP_TEXT_LIMIT: usize = 4096;
/// Telegram `sendMessage` text.
pub const TELEGRAM_TEXT_LIMIT: usize = 4096;
/// Telegram photo/document captions, Meta media captions and interactive message bodies.
pub const CAPTION_LIMIT: usize = 1024;

/// The text limit of one message on a channel. The WhatsApp Web bridge has no hard limit; we
/// keep WhatsApp's 4096 so a reply reads the same on every WhatsApp channel.
pub fn text_limit(kind: ChannelKind) -> usize {
    match kind {
        ChannelKind::TwilioSms | ChannelKind::TwilioWhatsapp => TWILIO_BODY_LIMIT,
        ChannelKind::MetaWhatsapp | ChannelKind::WhatsappWeb => WHATSAPP_TEXT_LIMIT,
        ChannelKind::Telegram => TELEGRAM_TEXT_LIMIT,
        ChannelKind::Api => usize::MAX,
    }
}

/// Caption limit for media on a channel (Twilio sends the caption as the `Body`).
pub fn caption_limit(kind: ChannelKind) -> usize {
    match kind {
        ChannelKind::TwilioSms | ChannelKind::TwilioWhatsapp => TWILIO_BODY_LIMIT,
        ChannelKind::Api => usize::MAX,
        _ => CAPTION_LIMIT,
    }
}

/// Length as the providers count it.
pub fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Cuts `text` into parts of at most `limit` UTF-16 units each. Whitespace at the cuts is
/// dropped; nothing else is. An empty text gives no parts.
pub fn split_text(text: &str, limit: usize) -> Vec<String> {
    let limit = limit.max(2); // room for any one character
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if utf16_len(rest) <= limit {
            parts.push(rest.to_string());
            break;
        }
        let window_end = fit(rest, limit);
        let cut = best_cut(&rest[..window_end], limit);
        let (head, tail) = rest.split_at(cut);
        let head = head.trim_end();
        if !head.is_empty() {
            parts.push(head.to_string());
        }
        rest = tail.trim_start();
    }
    parts
}

/// Byte length of the longest prefix of `s` that fits in `limit` units and ends between
/// grapheme clusters; between characters if even one cluster is too long (combining-mark
/// abuse), so the loop always moves forward.
fn fit(s: &str, limit: usize) -> usize {
    let mut used = 0;
    let mut end = 0;
    for (i, g) in s.grapheme_indices(true) {
        let n = utf16_len(g);
        if used + n > limit {
            break;
        }
        used += n;
        end = i + g.len();
    }
    if end > 0 {
        return end;
    }
    let mut used = 0;
    for (i, c) in s.char_indices() {
        if used + c.len_utf16() > limit {
            // `limit >= 2` lets any single character through, so `i > 0` here.
            return if i == 0 { c.len_utf8() } else { i };
        }
        used += c.len_utf16();
    }
    s.len()
}

/// Where to cut inside `window` (which already fits). Natural boundaries are only taken when
/// they keep the part reasonably full, so a paragraph break near the start does not produce
/// a one-line message.
fn best_cut(window: &str, limit: usize) -> usize {
    let min_units = limit / 3;
    let far_enough = |byte: usize| utf16_len(&window[..byte]) >= min_units;
    let last = |found: Option<usize>| found.filter(|&b| b > 0 && far_enough(b));

    if let Some(b) = last(window.rfind("\n\n")) {
        return b;
    }
    if let Some(b) = last(window.rfind('\n')) {
        return b;
    }
    if let Some(b) = last(last_sentence_end(window)) {
        return b;
    }
    if let Some(b) = last(window.rfind(char::is_whitespace)) {
        return b;
    }
    window.len()
}

/// Byte index just after the last sentence-ending punctuation that is followed by whitespace.
fn last_sentence_end(window: &str) -> Option<usize> {
    let mut found = None;
    let mut prev: Option<(usize, char)> = None;
    for (i, c) in window.char_indices() {
        if let Some((pi, pc)) = prev
            && matches!(pc, '.' | '!' | '?' | '…' | '。' | '！' | '？')
            && c.is_whitespace()
        {
            found = Some(pi + pc.len_utf8());
        }
        prev = Some((i, c));
    }
    found
}

/// Cuts one outbound message into messages that each fit the channel, in sending order. The
/// outbox should call this when it enqueues a reply and give every part its own row and
/// idempotency key, so a retry never resends parts that already went out.
///
/// - Text is split at natural boundaries.
/// - A keyboard keeps its buttons on the last part; where the channel has no buttons (or
///   Meta's reply buttons cannot show them) it becomes numbered text first.
/// - A caption too long for its media is sent as text after the media.
/// - Templates are sent as they are.
pub fn prepare(kind: ChannelKind, content: &OutboundContent) -> Vec<OutboundContent> {
    match content {
        OutboundContent::Text { body } => texts(&split_text(body, text_limit(kind))),
        OutboundContent::Template { .. } => vec![content.clone()],
        OutboundContent::Media {
            url,
            caption,
            content_type,
        } => match caption {
            Some(c) if utf16_len(c) > caption_limit(kind) => {
                let mut out = vec![OutboundContent::Media {
                    url: url.clone(),
                    caption: None,
                    content_type: content_type.clone(),
                }];
                out.extend(texts(&split_text(c, text_limit(kind))));
                out
            }
            _ => vec![content.clone()],
        },
        OutboundContent::Keyboard { text, buttons } => {
            let native = match kind {
                ChannelKind::Telegram => Some(TELEGRAM_TEXT_LIMIT),
                ChannelKind::MetaWhatsapp if crate::meta::reply_buttons_fit(buttons) => {
                    Some(CAPTION_LIMIT)
                }
                _ => None,
            };
            match native {
                Some(limit) => keyboard_parts(text, buttons, limit),
                None => match content.as_plain_text() {
                    Some(plain) => texts(&split_text(&plain, text_limit(kind))),
                    None => Vec::new(),
                },
            }
        }
    }
}

fn texts(parts: &[String]) -> Vec<OutboundContent> {
    parts.iter().map(OutboundContent::text).collect()
}

fn keyboard_parts(text: &str, buttons: &[Button], limit: usize) -> Vec<OutboundContent> {
    let mut parts = split_text(text, limit);
    let last = parts.pop().unwrap_or_default();
    let mut out = texts(&parts);
    out.push(OutboundContent::Keyboard {
        text: last,
        buttons: buttons.to_vec(),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn squeeze(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn short_text_is_one_part() {
        assert_eq!(split_text("  hello  ", 10), vec!["hello"]);
        assert!(split_text("   ", 10).is_empty());
    }

    #[test]
    fn prefers_paragraphs_then_sentences_then_words() {
        let text = "First paragraph here.\n\nSecond one is here.";
        assert_eq!(
            split_text(text, 30),
            vec!["First paragraph here.", "Second one is here."]
        );
        let text = "One sentence. Another sentence. Third";
        assert_eq!(
            split_text(text, 33),
            vec!["One sentence. Another sentence.", "Third"]
        );
        let text = "alpha beta gamma delta";
        assert_eq!(split_text(text, 12), vec!["alpha beta", "gamma delta"]);
    }

    #[test]
    fn a_paragraph_break_too_early_is_not_taken() {
        let text = format!("Hi\n\n{}", "word ".repeat(10));
        let parts = split_text(&text, 30);
        assert!(parts[0].starts_with("Hi\n\nword"), "{parts:?}");
    }

    #[test]
    fn never_splits_emoji_or_cyrillic() {
        // A family emoji is 11 UTF-16 units in one grapheme cluster.
        let family = "👨‍👩‍👧‍👦";
        let text = family.repeat(5);
        let parts = split_text(&text, 24);
        assert!(parts.iter().all(|p| p.graphemes(true).all(|g| g == family)));
        assert_eq!(parts.concat(), text);
        let ru = "приветмир".repeat(10);
        let parts = split_text(&ru, 7);
        assert!(parts.iter().all(|p| utf16_len(p) <= 7));
        assert_eq!(parts.concat(), ru);
    }

    #[test]
    fn hard_cut_inside_an_oversized_grapheme_still_progresses() {
        let zalgo = format!("a{}", "\u{0301}".repeat(50));
        let parts = split_text(&zalgo, 8);
        assert!(parts.iter().all(|p| utf16_len(p) <= 8));
        assert_eq!(parts.concat(), zalgo);
    }

    #[test]
    fn channel_limits() {
        let long = "word ".repeat(1000);
        let sms = prepare(ChannelKind::TwilioSms, &OutboundContent::text(long.clone()));
        assert_eq!(sms.len(), 4);
        let tg = prepare(ChannelKind::Telegram, &OutboundContent::text(long.clone()));
        assert_eq!(tg.len(), 2);
        assert_eq!(
            prepare(ChannelKind::Api, &OutboundContent::text(long)).len(),
            1
        );
    }

    #[test]
    fn keyboards_keep_buttons_on_the_last_part() {
        let buttons = vec![Button {
            label: "10:00".into(),
            data: "slot:1".into(),
        }];
        let kb = OutboundContent::Keyboard {
            text: "word ".repeat(1000),
            buttons: buttons.clone(),
        };
        let parts = prepare(ChannelKind::Telegram, &kb);
        assert_eq!(parts.len(), 2);
        assert!(matches!(&parts[0], OutboundContent::Text { .. }));
        assert!(matches!(&parts[1], OutboundContent::Keyboard { buttons: b, .. } if *b == buttons));
        let sms = prepare(ChannelKind::TwilioSms, &kb);
        assert!(
            sms.iter()
                .all(|p| matches!(p, OutboundContent::Text { .. }))
        );
        match sms.last() {
            Some(OutboundContent::Text { body }) => assert!(body.ends_with("1. 10:00")),
            other => panic!("{other:?}"),
        }
        // Meta reply buttons carry at most 1024 units of body text.
        let meta = prepare(ChannelKind::MetaWhatsapp, &kb);
        assert_eq!(meta.len(), 5);
    }

    #[test]
    fn long_captions_follow_the_media() {
        let m = OutboundContent::Media {
            url: "https://x.example/a.jpg".into(),
            caption: Some("c ".repeat(800)),
            content_type: None,
        };
        let parts = prepare(ChannelKind::Telegram, &m);
        assert!(matches!(
            &parts[0],
            OutboundContent::Media { caption: None, .. }
        ));
        assert_eq!(parts.len(), 2);
        assert_eq!(prepare(ChannelKind::TwilioSms, &m), vec![m]);
    }

    proptest! {
        #[test]
        fn parts_fit_and_lose_nothing_but_whitespace(s in "\\PC{0,400}", limit in 2usize..60) {
            let parts = split_text(&s, limit);
            for p in &parts {
                prop_assert!(utf16_len(p) <= limit);
                prop_assert!(!p.is_empty());
            }
            prop_assert_eq!(squeeze(&parts.concat()), squeeze(&s));
        }

        #[test]
        fn words_are_kept_whole_when_they_fit(words in proptest::collection::vec("[a-z]{1,8}", 1..60)) {
            let text = words.join(" ");
            let parts = split_text(&text, 20);
            let rejoined: Vec<String> = parts.iter().flat_map(|p| p.split(' ').map(String::from)).collect();
            prop_assert_eq!(rejoined, words);
        }
    }
}
