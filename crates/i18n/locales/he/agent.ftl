# A date takes the prefix ב ("ביום שלישי"), "today" and "tomorrow" do not.
greeting = שלום! כאן { $business }. אפשר לקבוע, להזיז או לבטל תור, ולשאול על מחירים, שעות פתיחה וכתובת. במה אפשר לעזור?
services =
    השירותים שלנו:
    { $items }
ask-service =
    לאיזה שירות לקבוע?
    { $items }
    אפשר לענות במספר או בשם.
offer-slots =
    שעות פנויות ({ $service }):
    { $slots }
    אפשר לענות במספר או בשעה.
offer-slots-day =
    שעות פנויות ל{ $day } ({ $service }):
    { $slots }
    אפשר לענות במספר או בשעה.
taken =
    מצטערים, השעה שביקשת ({ $requested }) כבר תפוסה. השעות הפנויות הקרובות:
    { $slots }
    מה מתאים לך?
none-on-day =
    אין שעות פנויות { $day-kind ->
        [date] ב{ $day }
       *[other] { $day }
    }. השעות הפנויות הבאות:
    { $slots }
    מה מתאים לך?
closed =
    מצטערים, אנחנו סגורים { $day-kind ->
        [date] ב{ $day }
       *[other] { $day }
    }. הזמנים הפנויים הקרובים בשעות הפתיחה:
    { $slots }
    מה מתאים לך?
nothing-free = מצטערים, אין שעות פנויות ל{ $service } בשבועיים הקרובים. לבקש מנציג לחזור אליך?
just-taken =
    מצטערים, השעה הזאת נתפסה הרגע. השעות הפנויות הקרובות:
    { $slots }
    מה מתאים לך?
confirm-booking = { $service }, { $when }, { $price }. לקבוע? (כן/לא)
confirm-booking-staff = { $service } אצל { $staff }, { $when }, { $price }. לקבוע? (כן/לא)
booked = מעולה! נקבע לך תור: { $service }, { $when }. נתראה!
booked-staff = מעולה! נקבע לך תור: { $service } אצל { $staff }, { $when }. נתראה!
confirm-cancel = לבטל את התור: { $service }, { $when }? (כן/לא)
cancelled = התור בוטל: { $service }, { $when }.
confirm-reschedule = להזיז את התור ({ $service }) מ{ $from } ל{ $to }? (כן/לא)
rescheduled = מעולה! התור הוזז: { $service }, { $when }.
ask-new-time = התור שלך: { $service }, { $current }. לאיזה יום ושעה להזיז?
choose-appointment =
    איזה תור { $purpose ->
        [cancel] לבטל
       *[reschedule] להזיז
    }?
    { $items }
    אפשר לענות במספר.
no-appointments = אין לך תורים קרובים.
my-appointments =
    התורים הקרובים שלך:
    { $items }
not-booked = בסדר, לא קבעתי כלום. לחפש יום או שעה אחרים?
unchanged = בסדר, התור נשאר כמו שהוא.
ask-other-time = בסדר. איזה יום או שעה אחרים מתאימים לך?
hours =
    שעות הפתיחה שלנו:
    { $hours }
hours-unknown = אין לי כרגע את שעות הפתיחה, נציג יוכל לעזור.
address = הכתובת של { $business }: { $address }.
address-unknown = אין לי כרגע את הכתובת, נציג יוכל לעזור.
handover = העברתי את הפנייה לנציג, יחזרו אליך כאן בקרוב.
thanks = בשמחה! יום נעים.
repeat = סליחה, לא הבנתי. { $question }
pick-from-list = אפשר לענות במספר בין 1 ל-{ $count }, או לבקש יום או שעה אחרים.
tool-failed = מצטערים, משהו השתבש אצלנו. אפשר לנסות שוב בעוד רגע או לבקש נציג.
fallback = אפשר לקבוע, להזיז או לבטל תור, ולשאול על מחירים, שעות פתיחה וכתובת. למשל: "תספורת מחר בשעה 15:00".
change-done = בוצע! התור שלך עודכן. אפשר לעזור במשהו נוסף?
confirm-reschedule-staff = להזיז את התור ({ $service }) מ{ $from } ל{ $to } אצל { $staff }? (כן/לא)
dont-know = מצטערים, אין לי את המידע הזה.
dont-know-pass-on = מצטערים, אין לי את המידע הזה. להעביר את השאלה לנציג? (כן/לא)
not-offered =
    מצטערים, אנחנו לא מציעים את זה. השירותים שלנו:
    { $items }
not-offered-pass-on =
    מצטערים, אנחנו לא מציעים את זה. השירותים שלנו:
    { $items }
    להעביר את השאלה לנציג? (כן/לא)
staff-unknown = אין אצלנו מישהו בשם { $name }. הצוות שלנו: { $team }. אצל מי לקבוע, או לחפש את הזמן הפנוי הקרוב אצל כל אחד?
anything-else = בסדר. אפשר לעזור במשהו נוסף?
staff-busy =
    { $staff } לא פנוי/ה בזמן הזה. השעות הפנויות הקרובות אצל { $staff }:
    { $slots }
    מה מתאים לך?
staff-nothing-free = מצטערים, אין ל{ $staff } זמן פנוי לשירות הזה בשבועיים הקרובים. להציע מישהו אחר?
ask-date = סליחה, לא הבנתי את התאריך. לאיזה יום לקבוע? למשל: מחר, ביום שישי או 15.05.
one-at-a-time = נקבע אחד אחרי השני: { $items }. נתחיל עם { $first }.
one-person-at-a-time = נקבע תור אחד בכל פעם: קודם הראשון, ואז נקבע לאדם הבא.
