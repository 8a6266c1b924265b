//! The operator/platform revenue split, in exact integers.
use serde::{Deserialize, Serialize};

/// The operator's share of call and text revenue unless a tariff says otherwise.
pub const DEFAULT_OPERATOR_SHARE_PERCENT: u8 = 80;

/// How one charge divides between the operator who served it and the platform.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Split {
    /// Minor units credited to the operator's earnings.
    pub operator: i64,
    /// Minor units credited to platform revenue.
    pub platform: i64,
}

/// Splits `amount` so the operator gets `floor(amount * pct / 100)` and the platform the
/// remainder; the two always sum to `amount` exactly. Percentages above 100 count as 100.
///
/// The platform keeps the rounding remainder because it is the party that can absorb a
/// fraction of a cent across many calls; an operator's statement then always shows whole
/// percentages of what customers paid, never more.
///
/// Reversing a charge must negate its original split rather than split the negative amount,
/// because floor rounding is not symmetric around zero.
pub fn split(amount: i64, operator_share_percent: u8) -> Split {
    let pct = i128::from(operator_share_percent.min(100));
    // |amount * pct / 100| <= |amount|, so the result always fits back into i64.
    let operator = i64::try_from((i128::from(amount) * pct).div_euclid(100)).unwrap_or(0);
    Split {
        operator,
        platform: amount - operator,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn eighty_twenty_of_a_paid_minute() {
        assert_eq!(
            split(299, 80),
            Split {
                operator: 239,
                platform: 60
            }
        );
        assert_eq!(split(0, 80), Split::default());
        assert_eq!(
            split(1, 80),
            Split {
                operator: 0,
                platform: 1
            }
        );
        assert_eq!(
            split(100, 100),
            Split {
                operator: 100,
                platform: 0
            }
        );
        assert_eq!(
            split(100, 250),
            Split {
                operator: 100,
                platform: 0
            }
        );
    }

    proptest! {
        #[test]
        fn splits_sum_exactly(amount in any::<i64>(), pct in 0u8..=255) {
            let s = split(amount, pct);
            prop_assert_eq!(i128::from(s.operator) + i128::from(s.platform), i128::from(amount));
            if amount >= 0 {
                prop_assert!(s.operator >= 0 && s.platform >= 0);
                // The operator never gets more than their percentage.
                prop_assert!(i128::from(s.operator) * 100 <= i128::from(amount) * i128::from(pct.min(100)));
            }
        }
    }
}
