//! The texts of prepaid billing: the payment link sent when a balance is too low, the receipt
//! after a top-up, the provider's line item and the words of the public pay page.
use switchboard_domain::{Language, Money};

use crate::format::money_of;
use crate::{args, text};

/// "Your balance with Salon is too low for a reply. Top up here: <link>".
pub fn payment_link(lang: Language, business: &str, link: &str) -> String {
    let a = args([("business", business.into()), ("link", link.into())]);
    text(lang, "payment-link", Some(&a))
}

/// "Payment received: $20.00 added. Your balance is $25.00. Thank you!".
pub fn receipt(lang: Language, credited: Money, balance: Money) -> String {
    let a = args([
        ("credited", money_of(credited, lang).into()),
        ("balance", money_of(balance, lang).into()),
    ]);
    text(lang, "receipt", Some(&a))
}

/// The line item of a top-up on the provider's payment page.
pub fn topup_product(lang: Language, business: &str, price: Money) -> String {
    let a = args([
        ("business", business.into()),
        ("price", money_of(price, lang).into()),
    ]);
    text(lang, "topup-product", Some(&a))
}

/// The words of the public pay page, in one language (not HTML-escaped).
pub struct PayPage {
    pub title: String,
    pub intro: String,
    pub phone: String,
    pub submit: String,
}

pub fn pay_page(lang: Language, business: &str) -> PayPage {
    let title = args([("business", business.into())]);
    PayPage {
        title: text(lang, "pay-page-title", Some(&title)),
        intro: text(lang, "pay-page-intro", None),
        phone: text(lang, "pay-page-phone", None),
        submit: text(lang, "pay-page-submit", None),
    }
}

#[cfg(test)]
mod tests {
    use switchboard_domain::Currency;

    use super::*;
    use crate::{LANGUAGES, message_ids_in, try_text};

    #[test]
    fn receipts_are_in_the_customers_language_and_money_style() {
        let (credited, balance) = (
            Money::new(5_000, Currency::Rub),
            Money::new(125_000, Currency::Rub),
        );
        assert_eq!(
            receipt(Language::Ru, credited, balance),
            "Оплата получена: зачислено 50,00 ₽. Ваш баланс: 1\u{a0}250,00 ₽. Спасибо!"
        );
        let (credited, balance) = (
            Money::new(5_000, Currency::Ils),
            Money::new(7_500, Currency::Ils),
        );
        assert_eq!(
            receipt(Language::He, credited, balance),
            "התשלום התקבל: נוספו 50.00 ₪. היתרה שלך: 75.00 ₪. תודה!"
        );
        assert_eq!(
            receipt(
                Language::En,
                Money::new(2_000, Currency::Usd),
                Money::new(2_500, Currency::Usd)
            ),
            "Payment received: $20.00 added. Your balance is $25.00. Thank you!"
        );
    }

    #[test]
    fn payment_links_are_in_the_customers_language() {
        let link = "https://sb.example/pay/1";
        assert_eq!(
            payment_link(Language::He, "Salon", link),
            format!("היתרה שלך ב-Salon נמוכה מדי כדי לקבל תשובה. לטעינת יתרה: {link}")
        );
        assert!(payment_link(Language::Ru, "Salon", link).starts_with("Недостаточно средств"));
    }

    #[test]
    fn every_billing_message_formats_with_its_arguments_in_every_language() {
        let a = args([
            ("business", "Salon".into()),
            ("link", "https://sb.example/pay/1".into()),
            ("credited", "$1.00".into()),
            ("balance", "$2.00".into()),
            ("price", "$3.00".into()),
        ]);
        for lang in LANGUAGES {
            for id in message_ids_in(lang, "billing.ftl") {
                let out =
                    try_text(lang, id, Some(&a)).unwrap_or_else(|e| panic!("{}: {e}", lang.code()));
                assert!(!out.contains('{'), "{id} in {}: {out}", lang.code());
            }
        }
    }
}
