day-today = сегодня
day-tomorrow = завтра
moment = { $day } в { $time }
day-and-time = { $day }, { $time }
duration-minutes = { $count } мин
money = { $minus }{ $amount } { $symbol }
money-code = { $minus }{ $amount } { $symbol }
money-tokens = { $minus }{ $amount } { $count ->
    [one] токен
    [few] токена
    [many] токенов
   *[other] токена
}
hours-days = { $first } – { $last }
hours-open = { $days }: { $from }–{ $to }
hours-closed = { $days }: выходной
