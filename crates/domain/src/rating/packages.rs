//! Free-minute packages: seconds granted to a customer, optionally tied to one operator, that
//! calls use up before any paid time, oldest grant first.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::OperatorId;

/// A grant of free call time as the rating code sees it (the ledger owns the real rows).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FreePackage {
    pub id: Uuid,
    pub seconds_remaining: u32,
    /// When it was granted (UTC ms); older grants are used first.
    pub granted_at: i64,
    /// Unusable from this instant on (UTC ms).
    pub expires_at: i64,
    /// When set, only calls to this operator may use the package.
    pub operator: Option<OperatorId>,
}

impl FreePackage {
    /// Whether a call to `operator` starting at `now_ms` may draw on this package.
    pub fn usable(&self, now_ms: i64, operator: Option<OperatorId>) -> bool {
        self.seconds_remaining > 0
            && self.expires_at > now_ms
            && self.operator.is_none_or(|own| operator == Some(own))
    }
}

/// Seconds taken from one package by one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PackageUsage {
    pub package_id: Uuid,
    pub seconds: u32,
}

/// Total free seconds a call to `operator` starting at `now_ms` may use.
pub fn free_seconds_available(
    packages: &[FreePackage],
    now_ms: i64,
    operator: Option<OperatorId>,
) -> u32 {
    let total: u64 = packages
        .iter()
        .filter(|p| p.usable(now_ms, operator))
        .map(|p| u64::from(p.seconds_remaining))
        .sum();
    u32::try_from(total).unwrap_or(u32::MAX)
}

/// Takes `wanted` seconds from the usable packages, oldest grant first (ties: the one that
/// expires sooner, then by id so the result is deterministic). Returns one entry per package
/// touched; the caller has already capped `wanted` at what is available.
pub(crate) fn consume(
    packages: &[FreePackage],
    now_ms: i64,
    operator: Option<OperatorId>,
    wanted: u64,
) -> Vec<PackageUsage> {
    let mut usable: Vec<&FreePackage> = packages
        .iter()
        .filter(|p| p.usable(now_ms, operator))
        .collect();
    usable.sort_by_key(|p| (p.granted_at, p.expires_at, p.id));
    let mut left = wanted;
    let mut used = Vec::new();
    for p in usable {
        if left == 0 {
            break;
        }
        let take = left.min(u64::from(p.seconds_remaining));
        left -= take;
        used.push(PackageUsage {
            package_id: p.id,
            // take <= seconds_remaining, a u32.
            seconds: u32::try_from(take).unwrap_or(p.seconds_remaining),
        });
    }
    used
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(n: u128, secs: u32, granted_at: i64, expires_at: i64) -> FreePackage {
        FreePackage {
            id: Uuid::from_u128(n),
            seconds_remaining: secs,
            granted_at,
            expires_at,
            operator: None,
        }
    }

    #[test]
    fn oldest_first_skipping_expired_and_other_operators() {
        let op = OperatorId(Uuid::from_u128(7));
        let other = OperatorId(Uuid::from_u128(8));
        let mut for_other = pkg(4, 600, 0, 10_000);
        for_other.operator = Some(other);
        let mut for_op = pkg(5, 60, 50, 10_000);
        for_op.operator = Some(op);
        let packages = vec![
            pkg(1, 300, 200, 10_000), // newest
            pkg(2, 120, 100, 10_000), // oldest usable
            pkg(3, 900, 10, 1_000),   // expired at now = 1_000
            for_other,
            for_op,
        ];
        assert_eq!(free_seconds_available(&packages, 1_000, Some(op)), 480);
        assert_eq!(free_seconds_available(&packages, 1_000, None), 420);
        let used = consume(&packages, 1_000, Some(op), 400);
        assert_eq!(
            used,
            vec![
                PackageUsage {
                    package_id: Uuid::from_u128(5),
                    seconds: 60
                },
                PackageUsage {
                    package_id: Uuid::from_u128(2),
                    seconds: 120
                },
                PackageUsage {
                    package_id: Uuid::from_u128(1),
                    seconds: 220
                },
            ]
        );
        assert!(consume(&packages, 1_000, None, 0).is_empty());
    }

    #[test]
    fn huge_totals_saturate() {
        let packages: Vec<_> = (0..3).map(|n| pkg(n, u32::MAX, 0, 10)).collect();
        assert_eq!(free_seconds_available(&packages, 0, None), u32::MAX);
    }
}
