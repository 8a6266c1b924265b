//! Billing reports over a period: operator earnings, platform revenue, consumption by type
//! (sums per group) and the top-ups themselves, as data or as CSV for spreadsheets.
use switchboard_domain::time::now_ms;
use switchboard_store::{
    TenantStore,
    billing::{history::ReportRow, topups::TopupRow},
};

use crate::{BillingError, error::BillingResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportKind {
    OperatorEarnings,
    PlatformRevenue,
    Topups,
    Consumption,
}

impl ReportKind {
    /// The report's name in URLs and file names.
    pub fn name(self) -> &'static str {
        match self {
            ReportKind::OperatorEarnings => "operator-earnings",
            ReportKind::PlatformRevenue => "platform-revenue",
            ReportKind::Topups => "topups",
            ReportKind::Consumption => "consumption",
        }
    }
}

/// One report over `[from, to)` (epoch milliseconds, UTC).
#[derive(Clone, Debug)]
pub struct Report {
    pub kind: ReportKind,
    pub from: i64,
    pub to: i64,
    /// Sums per group (operator id, or transfer kind); empty for `topups`.
    pub rows: Vec<ReportRow>,
    /// The top-ups of the period (only for `topups`).
    pub topups: Vec<TopupRow>,
}

/// The period a caller asked for: `to` defaults to now, `from` to 30 days before `to`.
pub fn period(from: Option<i64>, to: Option<i64>) -> BillingResult<(i64, i64)> {
    let to = to.unwrap_or_else(now_ms);
    let from = from.unwrap_or(to - 30 * 86_400_000);
    if from > to {
        return Err(BillingError::InvalidPeriod);
    }
    Ok((from, to))
}

/// Reads a report over `[from, to)` (see [`period`]).
pub async fn report(
    tenant: &TenantStore,
    kind: ReportKind,
    (from, to): (i64, i64),
) -> BillingResult<Report> {
    let s = tenant;
    let (rows, topups) = match kind {
        ReportKind::OperatorEarnings => (s.report_operator_earnings(from, to).await?, vec![]),
        ReportKind::PlatformRevenue => (s.report_platform_revenue(from, to).await?, vec![]),
        ReportKind::Consumption => (s.report_consumption(from, to).await?, vec![]),
        ReportKind::Topups => (vec![], s.list_topups(from, to, 10_000).await?),
    };
    Ok(Report {
        kind,
        from,
        to,
        rows,
        topups,
    })
}

/// Defuses spreadsheet formulas: a text starting with = + - @ (other than a number) gets a
/// leading `'`. Quoting is the `csv` writer's.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) && s.parse::<i64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn write_csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> BillingResult<String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let csv_err = |e: csv::Error| BillingError::corrupt(e);
    w.write_record(header).map_err(csv_err)?;
    for r in rows {
        w.write_record(r.iter().map(|f| cell(f))).map_err(csv_err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| BillingError::corrupt(e.error()))?;
    String::from_utf8(bytes).map_err(BillingError::corrupt)
}

/// The report as CSV: the top-ups one per line, or the sums per group.
pub fn to_csv(report: &Report) -> BillingResult<String> {
    if report.kind == ReportKind::Topups {
        return write_csv(
            &[
                "id",
                "customer_id",
                "phone",
                "provider",
                "amount",
                "currency",
                "credit_amount",
                "credit_currency",
                "status",
                "created_at",
                "paid_at",
            ],
            report.topups.iter().map(|t| {
                vec![
                    t.id.to_string(),
                    t.customer_id.map(|c| c.to_string()).unwrap_or_default(),
                    t.phone.clone().unwrap_or_default(),
                    t.provider.clone(),
                    t.amount.to_string(),
                    t.currency.clone(),
                    t.credit_amount.to_string(),
                    t.credit_currency.clone(),
                    t.status.clone(),
                    t.created_at.to_string(),
                    t.paid_at.map(|p| p.to_string()).unwrap_or_default(),
                ]
            }),
        );
    }
    let key_name = match report.kind {
        ReportKind::OperatorEarnings => "operator_id",
        _ => "type",
    };
    write_csv(
        &[key_name, "currency", "count", "amount"],
        report.rows.iter().map(|r| {
            vec![
                r.key.clone(),
                r.currency.clone(),
                r.count.to_string(),
                r.amount.to_string(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_row(key: &str) -> String {
        let report = Report {
            kind: ReportKind::Consumption,
            from: 0,
            to: 1,
            rows: vec![ReportRow {
                key: key.into(),
                currency: "USD".into(),
                count: 1,
                amount: -5,
            }],
            topups: vec![],
        };
        to_csv(&report).unwrap_or_default()
    }

    #[test]
    fn csv_has_a_header_and_crlf_lines() {
        assert_eq!(
            one_row("ai_reply"),
            "type,currency,count,amount\r\nai_reply,USD,1,-5\r\n"
        );
    }

    #[test]
    fn csv_quotes_separators_and_quotes() {
        assert!(one_row("a,b").contains("\r\n\"a,b\",USD"));
        assert!(one_row("say \"hi\"").contains("\r\n\"say \"\"hi\"\"\",USD"));
    }

    #[test]
    fn csv_defuses_formulas_but_not_numbers() {
        assert!(one_row("=SUM(A1)").contains("\r\n'=SUM(A1),USD"));
        assert!(one_row("-5").contains("\r\n-5,USD"));
    }
}
