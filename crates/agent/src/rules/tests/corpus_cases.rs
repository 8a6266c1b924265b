//! The corpus: conversations as customers really type them, on Tuesday 12 May 2026 at 10:00
//! (tomorrow is Wednesday the 13th), in a salon open 9:00-18:00 (Mon-Sat; Sun-Fri in Israel).
//! Hours said bare ("at 3") mean the afternoon; a weekday is its next occurrence.
use super::corpus::{Case, Want::Book, Want::Say};

pub(super) const EN: &[Case] = &[
    // Written after the rules above, not tuned for: kept as measured.
    (
        &["can i come in for a haircut around 4ish tomorrow", "yes"],
        Book(0, (5, 13), (16, 0), None),
    ),
    (
        &["haircut tomorrow at 3 o'clock", "yes"],
        Book(0, (5, 13), (15, 0), None),
    ),
    (
        &["manicure friday 11.30", "yes"],
        Book(1, (5, 15), (11, 30), None),
    ),
    (
        &["haircut for tomorrow afternoon at 2", "yes"],
        Book(0, (5, 13), (14, 0), None),
    ),
    (
        &["hair cut tomorrow at 3", "yes"],
        Book(0, (5, 13), (15, 0), None),
    ),
    (
        &["haircut on wed at 9", "yes"],
        Book(0, (5, 13), (9, 0), None),
    ),
    (
        &["yo can i get a manicure on the 22nd at 2", "yes"],
        Book(1, (5, 22), (14, 0), None),
    ),
    (
        &["haircut tomorrow at 12 noon", "yes"],
        Book(0, (5, 13), (12, 0), None),
    ),
    (
        &["haircut tomorrow at half 3", "yes"],
        Book(0, (5, 13), (15, 30), None),
    ),
    (&["do you have parking"], Say("I don't know")),
    (
        &["haircut tomorrow at 3pm", "yes"],
        Book(0, (5, 13), (15, 0), None),
    ),
    (
        &["can i book a haircut tmrw at 5 in the evening", "yes"],
        Book(0, (5, 13), (17, 0), None),
    ),
    (
        &["hiarcut tomorow at 4", "yes"],
        Book(0, (5, 13), (16, 0), None),
    ),
    (
        &["manicure on friday at quarter to four", "yes"],
        Book(1, (5, 15), (15, 45), None),
    ),
    (
        &["mani thursday half past two", "yes"],
        Book(1, (5, 14), (14, 30), None),
    ),
    (
        &["i want my nails done on the 20th at 11am", "yes"],
        Book(1, (5, 20), (11, 0), None),
    ),
    (
        &["trim on the 3rd at noon", "yes"],
        Book(0, (6, 3), (12, 0), None),
    ),
    (
        &["haircut 5/20 at 10:30", "yes"],
        Book(0, (5, 20), (10, 30), None),
    ),
    (
        &["haircut next thursday at 2", "yes"],
        Book(0, (5, 14), (14, 0), None),
    ),
    (
        &["hair colouring friday at ten in the morning", "yes"],
        Book(2, (5, 15), (10, 0), None),
    ),
    (
        &["haircut with anna tomorrow at 11", "yes"],
        Book(0, (5, 13), (11, 0), Some(0)),
    ),
    (
        &["book me with Dana for a manicure on friday at 3", "yes"],
        Book(1, (5, 15), (15, 0), Some(1)),
    ),
    (
        &["haircut tomorrow at 3 with dana", "yes"],
        Book(0, (5, 13), (15, 0), Some(1)),
    ),
    (
        &[
            "haircut tomorrow at 3",
            "actually make it a manicure",
            "yes",
        ],
        Book(1, (5, 13), (15, 0), None),
    ),
    (
        &["haircut tomorrow at 3", "no wait 4pm", "yes"],
        Book(0, (5, 13), (16, 0), None),
    ),
    (
        &["haircut at 3pm tomorrow, no, 5pm", "yes"],
        Book(0, (5, 13), (17, 0), None),
    ),
    (
        &["manicure on the 15th of may at 9:30am", "yes"],
        Book(1, (5, 15), (9, 30), None),
    ),
    (
        &["haircut on thrusday at 1pm", "yes"],
        Book(0, (5, 14), (13, 0), None),
    ),
    (
        &["HAIRCUT TOMORROW 2PM", "yes"],
        Book(0, (5, 13), (14, 0), None),
    ),
    (
        &["Can I get a haircut this friday around 12?", "yes"],
        Book(0, (5, 15), (12, 0), None),
    ),
    (
        &["haircut the day after tomorrow at 10", "yes"],
        Book(0, (5, 14), (10, 0), None),
    ),
    (
        &["haircut in 3 days at 11am", "yes"],
        Book(0, (5, 15), (11, 0), None),
    ),
    (
        &["haircut tomorrow at nine thirty am", "yes"],
        Book(0, (5, 13), (9, 30), None),
    ),
    (
        &["haircut tomorrow at four fifteen pm", "yes"],
        Book(0, (5, 13), (16, 15), None),
    ),
    (
        &["Manicure wednesday 3:45pm", "yes"],
        Book(1, (5, 13), (15, 45), None),
    ),
    (
        &["haircut tomorrow evening", "5pm", "yes"],
        Book(0, (5, 13), (17, 0), None),
    ),
    (
        &["haircut friday morning", "the first one", "yes"],
        Book(0, (5, 15), (9, 0), None),
    ),
    (
        &["hi", "i'd like a haircut", "tomorrow at 2", "yes"],
        Book(0, (5, 13), (14, 0), None),
    ),
    (
        &["i need a manicure saturday at 1 pm pls", "yep"],
        Book(1, (5, 16), (13, 0), None),
    ),
    (
        &["haircut sat at 10", "ok"],
        Book(0, (5, 16), (10, 0), None),
    ),
    (
        &[
            "could you fit me in for a haircut tomorrow at 12:30",
            "sure",
        ],
        Book(0, (5, 13), (12, 30), None),
    ),
    (
        &["color on monday at 11", "yes"],
        Book(2, (5, 18), (11, 0), None),
    ),
    (
        &["haircut on may 20 at 3", "yes"],
        Book(0, (5, 20), (15, 0), None),
    ),
    (
        &["haircut on 20 may at 3 pm", "yes"],
        Book(0, (5, 20), (15, 0), None),
    ),
    (
        &["manicure tomorrow at quarter past ten", "yes"],
        Book(1, (5, 13), (10, 15), None),
    ),
    (
        &["manicur for tomorow at 1", "yes"],
        Book(1, (5, 13), (13, 0), None),
    ),
    (&["is there wifi?"], Say("I don't know")),
    (&["can i bring my dog"], Say("I don't know")),
    (&["do you do tattoos?"], Say("we don't offer that")),
    (&["how much is a massage"], Say("we don't offer that")),
    (&["haircut on the 35th"], Say("couldn't make out the date")),
    (
        &["haircut on 31/02 at 3"],
        Say("couldn't make out the date"),
    ),
    (
        &["haircut with Olga tomorrow at 3"],
        Say("no one called Olga"),
    ),
    (
        &["what are my appointments"],
        Say("no upcoming appointments"),
    ),
    (
        &["haircut tomorrow at 3", "no"],
        Say("haven't booked anything"),
    ),
    (&["haircut and manicure tomorrow"], Say("one at a time")),
    (
        &["haircut for me and my son tomorrow at 11"],
        Say("one appointment at a time"),
    ),
];
