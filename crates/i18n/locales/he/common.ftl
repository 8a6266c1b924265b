day-today = היום
day-tomorrow = מחר
moment = { $day } בשעה { $time }
day-and-time = { $day }, { $time }
duration-minutes = { $count } דק׳
money = { $minus }{ $amount } { $symbol }
money-code = { $minus }{ $amount } { $symbol }
money-tokens = { $minus }{ $amount } { $count ->
    [one] טוקן
   *[other] טוקנים
}
hours-days = { $first }–{ $last }
hours-open = { $days }: { $from }–{ $to }
hours-closed = { $days }: סגור
