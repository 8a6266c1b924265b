payment-link = היתרה שלך ב-{ $business } נמוכה מדי כדי לקבל תשובה. לטעינת יתרה: { $link }
receipt = התשלום התקבל: נוספו { $credited }. היתרה שלך: { $balance }. תודה!
topup-product = { $business }: טעינת יתרה של { $price }
pay-page-title = טעינת יתרה — { $business }
pay-page-intro = טעינת היתרה שלך.
pay-page-phone = מספר טלפון
pay-page-submit = לתשלום
