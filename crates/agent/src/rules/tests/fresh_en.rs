//! Fresh English texts (Tuesday 12 May 2026, 10:00; tomorrow is Wednesday the 13th; a bare
//! hour such as "at 5" is the afternoon; the customer's own haircut, where one is needed,
//! is on Thursday the 14th at 14:00).
use super::fresh::{Case, Want::*};

pub(super) const EN: &[Case] = &[
    (
        &["can i come in tmrw around 5 for a haircut", "yes please"],
        Book(0, (5, 13), (17, 0), None),
    ),
    (
        &[
            "do u have anything thurs afternoon w/ anna for a trim",
            "3 works",
            "yes",
        ],
        Book(0, (5, 14), (15, 0), Some(0)),
    ),
    (
        &["need my nails done on the 18th at 11", "yes"],
        Book(1, (5, 18), (11, 0), None),
    ),
    (
        &["haircut next tuesday at 10am", "yes"],
        Book(0, (5, 19), (10, 0), None),
    ),
    (
        &["haircut tmrw at 3", "actually make it 4", "yes"],
        Book(0, (5, 13), (16, 0), None),
    ),
    (&["cancel my thursday appt", "yes"], Cancel),
    (&["do you take credit cards"], Say("don't know")),
    (&["hello"], Say("What would you like")),
    (&["thanks!"], Say("You're welcome")),
    (
        &["mani tomorrow at 2", "no thanks"],
        Say("haven't booked anything"),
    ),
    (&["hey whats ur address"], Say("12 Main St")),
    (&["how much is a haircut"], Say("45")),
    (
        &["color on friday at 10 with dana", "yes"],
        Book(2, (5, 15), (10, 0), Some(1)),
    ),
    (
        &["can i get a haircut and a manicure tomorrow at 11", "yes"],
        Book(0, (5, 13), (11, 0), None),
    ),
    (
        &["i wanna book a trim for 5/21 at 1pm", "yes"],
        Book(0, (5, 21), (13, 0), None),
    ),
    (
        &["manicure wed around noon", "yes"],
        Book(1, (5, 13), (12, 0), None),
    ),
    (
        &["could i book hair colour sat morning at 10", "yes"],
        Book(2, (5, 16), (10, 0), None),
    ),
    (
        &["move my appointment to friday at 4", "yes"],
        Move((5, 15), (16, 0)),
    ),
    (
        &["push my thursday appt an hour later", "yes"],
        Move((5, 14), (15, 0)),
    ),
    (
        &["haircut tomorrow at 4:30pm", "yes"],
        Book(0, (5, 13), (16, 30), None),
    ),
    (
        &["haircut tomorrow at 11:15", "yes"],
        Book(0, (5, 13), (11, 15), None),
    ),
    (&["is there wifi"], Say("don't know")),
    (
        &[
            "i need a manicure on friday with anna at 10 in the morning",
            "yes pls",
        ],
        Book(1, (5, 15), (10, 0), Some(0)),
    ),
    (
        &[
            "hi can i book a haircut",
            "day after tomorrow",
            "2pm",
            "yeah",
        ],
        Book(0, (5, 14), (14, 0), None),
    ),
    (&["do you do eyelash extensions"], Say("don't offer")),
    (
        &["haircut tomorrow at 2", "hmm no, make it a manicure", "yes"],
        Book(1, (5, 13), (14, 0), None),
    ),
    (&["trim tmrw 10ish", "yes"], Book(0, (5, 13), (10, 0), None)),
    (
        &["haircut tomorrow 3", "no sorry not good"],
        Say("haven't booked anything"),
    ),
    (&["what appointments do i have"], Say("no upcoming")),
    (
        &["haircut monday at 9am w anna", "ok sounds good"],
        Book(0, (5, 18), (9, 0), Some(0)),
    ),
    // A second batch, written after the first passed: staff in questions, changes of day and
    // staff, closed days, words for quarter hours, several people, replies in pieces.
    (
        &["hey is anna free fri at 2 for a mani", "yes"],
        Book(1, (5, 15), (14, 0), Some(0)),
    ),
    (
        &["can i get a haircut on the 19th @ 3", "yes"],
        Book(0, (5, 19), (15, 0), None),
    ),
    (
        &["haircut 5/22 3:15", "yes"],
        Book(0, (5, 22), (15, 15), None),
    ),
    (
        &[
            "manicure tomorrow at 2",
            "actually can we do thursday instead",
            "yes",
        ],
        Book(1, (5, 14), (14, 0), None),
    ),
    (
        &[
            "haircut tomorrow at 2 with anna",
            "actually dana pls",
            "yes",
        ],
        Book(0, (5, 13), (14, 0), Some(1)),
    ),
    (&["book me a haircut sunday at 11"], Say("closed")),
    (&["can i come in at 7 tonight for a haircut"], Say("closed")),
    (
        &["haircut tomorrow at 2", "yes please", "thank you!"],
        Book(0, (5, 13), (14, 0), None),
    ),
    (
        &["hair cut for my daughter and me tmrw at 4"],
        Say("one appointment at a time"),
    ),
    (&["do you guys accept apple pay"], Say("don't know")),
    (
        &["manicure", "friday", "11am", "yes"],
        Book(1, (5, 15), (11, 0), None),
    ),
    (
        &["haircut at 3 on thurs", "sure thing"],
        Book(0, (5, 14), (15, 0), None),
    ),
    (
        &["haircut tomorrow at 1", "no"],
        Say("haven't booked anything"),
    ),
    (
        &["haircut thurs quarter past 11", "y"],
        Book(0, (5, 14), (11, 15), None),
    ),
    (&["i'd like to cancel", "yes"], Cancel),
    (
        &["can i move my haircut to 4pm same day", "yes"],
        Move((5, 14), (16, 0)),
    ),
    (&["what time do you close on friday"], Say("PM")),
    // A third batch: a yes that carries a change must not book the old proposal.
    (
        &["haircut tomorrow at 2", "ok but can we do 3 instead", "yes"],
        Book(0, (5, 13), (15, 0), None),
    ),
    (
        &["haircut tomorrow at 2", "yes but with dana", "yes"],
        Book(0, (5, 13), (14, 0), Some(1)),
    ),
    (
        &["haircut tomorrow at 2", "sure, actually friday", "yes"],
        Book(0, (5, 15), (14, 0), None),
    ),
    (
        &[
            "haircut tomorrow at 2",
            "yeah but make it a manicure",
            "yes",
        ],
        Book(1, (5, 13), (14, 0), None),
    ),
];
