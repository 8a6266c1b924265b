payment-link = Недостаточно средств на балансе в { $business } для ответа. Пополните баланс: { $link }
receipt = Оплата получена: зачислено { $credited }. Ваш баланс: { $balance }. Спасибо!
topup-product = { $business }: пополнение баланса на { $price }
pay-page-title = Пополнение баланса — { $business }
pay-page-intro = Пополните баланс.
pay-page-phone = Номер телефона
pay-page-submit = Оплатить
