# What the rule-based agent says: one message per `Say` variant (crates/agent/src/rules/replies).
# Days and moments come formatted; each has a `-kind` argument ("today", "tomorrow" or "date")
# for the languages that put a preposition before a date but not before "today".
greeting = Hi! This is { $business }. I can book, move or cancel an appointment, and tell you our prices, hours and address. What would you like?
services =
    Our services:
    { $items }
ask-service =
    Which service would you like?
    { $items }
    Reply with a number or the name.
offer-slots =
    Free times for { $service }:
    { $slots }
    Reply with a number or a time.
offer-slots-day =
    Free times for { $service } { $day-kind ->
        [date] on { $day }
       *[other] { $day }
    }:
    { $slots }
    Reply with a number or a time.
taken =
    Sorry, the time you asked for ({ $requested }) is already taken. The nearest free times:
    { $slots }
    Which one suits you?
none-on-day =
    There is nothing free { $day-kind ->
        [date] on { $day }
       *[other] { $day }
    }. The next free times:
    { $slots }
    Which one suits you?
closed =
    Sorry, we're closed { $day-kind ->
        [date] on { $day }
       *[other] { $day }
    }. The nearest times when we're open and free:
    { $slots }
    Which one suits you?
nothing-free = I'm sorry, there are no free times for { $service } in the next two weeks. Shall I ask a colleague to contact you?
just-taken =
    Sorry, that time was taken a moment ago. The nearest free times:
    { $slots }
    Which one suits you?
confirm-booking = { $service } { $when-kind ->
        [date] on { $when }
       *[other] { $when }
    }, { $price }. Shall I book it? (yes/no)
confirm-booking-staff = { $service } with { $staff } { $when-kind ->
        [date] on { $when }
       *[other] { $when }
    }, { $price }. Shall I book it? (yes/no)
booked = Done! You're booked for { $service } { $when-kind ->
        [date] on { $when }
       *[other] { $when }
    }. See you then!
booked-staff = Done! You're booked for { $service } with { $staff } { $when-kind ->
        [date] on { $when }
       *[other] { $when }
    }. See you then!
confirm-cancel = Cancel your { $service } { $when-kind ->
        [date] on { $when }
       *[other] { $when }
    }? (yes/no)
cancelled = Your { $service } { $when-kind ->
        [date] on { $when }
       *[other] { $when }
    } is cancelled.
confirm-reschedule = Move your { $service } from { $from } to { $to }? (yes/no)
rescheduled = Done! Your { $service } is now { $when-kind ->
        [date] on { $when }
       *[other] { $when }
    }.
ask-new-time = Your { $service } is { $current-kind ->
        [date] on { $current }
       *[other] { $current }
    }. What day and time would suit you instead?
choose-appointment =
    Which appointment would you like to { $purpose ->
        [cancel] cancel
       *[reschedule] move
    }?
    { $items }
    Reply with a number.
no-appointments = You have no upcoming appointments.
my-appointments =
    Your upcoming appointments:
    { $items }
not-booked = OK, I haven't booked anything. Would another day or time suit you?
unchanged = OK, your appointment stays as it is.
ask-other-time = OK. Which other day or time would suit you?
hours =
    Our opening hours:
    { $hours }
hours-unknown = I don't have our opening hours at hand; a colleague can tell you.
address = { $business } is at { $address }.
address-unknown = I don't have the address at hand; a colleague can tell you.
handover = I've asked a colleague to take over; they will reply here shortly.
thanks = You're welcome! Have a great day.
repeat = Sorry, I didn't catch that. { $question }
pick-from-list = Please reply with a number from 1 to { $count }, or name another day or time.
tool-failed = Sorry, something went wrong on our side. Please try again in a moment, or ask for a person.
fallback = I can help you book, move or cancel an appointment, and tell you our prices, hours and address. For example: "haircut tomorrow at 3pm".
# Off the script, staff asked for, and several requests (the rule agent's honesty).
confirm-reschedule-staff = Move your { $service } from { $from } to { $to } with { $staff }? (yes/no)
dont-know = I'm sorry, I don't know that.
dont-know-pass-on = I'm sorry, I don't know that. Shall I pass your question to a colleague? (yes/no)
not-offered =
    Sorry, we don't offer that. Our services:
    { $items }
not-offered-pass-on =
    Sorry, we don't offer that. Our services:
    { $items }
    Shall I pass your question to a colleague? (yes/no)
staff-unknown = We have no one called { $name }. Our team: { $team }. Who would you like, or shall I find the nearest free time with anyone?
anything-else = OK. Anything else I can help with?
staff-busy =
    { $staff } is not available then. { $staff }'s nearest free times:
    { $slots }
    Which one suits you?
staff-nothing-free = I'm sorry, { $staff } has no free time for this in the next two weeks. Would someone else suit you?
ask-date = Sorry, I couldn't make out the date. Which day would you like? For example: tomorrow, Friday or May 15.
one-at-a-time = I'll book them one at a time: { $items }. Let's start with { $first }.
one-person-at-a-time = I'll book one appointment at a time: first one, then we'll do the next person's.
# Said when the model made the confirmed change but failed before wording its answer.
change-done = Done! Your booking is updated. Anything else I can help with?
