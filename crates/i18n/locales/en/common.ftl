# Building blocks of other texts: days, times, money, durations, opening hours.
day-today = today
day-tomorrow = tomorrow
# A day and a time in a sentence: "tomorrow at 3:00 PM".
moment = { $day } at { $time }
# A day and a time in a list: "tomorrow, 3:00 PM".
day-and-time = { $day }, { $time }
duration-minutes = { $count } min
# $amount is already formatted for the language; $minus is "-" or empty.
money = { $minus }{ $symbol }{ $amount }
money-code = { $minus }{ $amount } { $symbol }
money-tokens = { $minus }{ $amount } { $count ->
    [one] token
   *[other] tokens
}
# Opening hours, one line per run of days with the same hours.
hours-days = { $first }–{ $last }
hours-open = { $days }: { $from } – { $to }
hours-closed = { $days }: closed
