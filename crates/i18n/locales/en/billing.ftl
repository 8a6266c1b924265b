# Texts of prepaid billing: the payment link, the receipt, the pay page.
payment-link = Your balance with { $business } is too low for a reply. Top up here: { $link }
receipt = Payment received: { $credited } added. Your balance is { $balance }. Thank you!
# The provider's checkout line item.
topup-product = { $business } balance top-up { $price }
pay-page-title = Top up — { $business }
pay-page-intro = Top up your balance.
pay-page-phone = Phone number
pay-page-submit = Pay
