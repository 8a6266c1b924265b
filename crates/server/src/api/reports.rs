//! `/api/v1/billing/reports/{report}`: operator earnings, platform revenue, top-ups and
//! consumption by type over a period, as JSON or CSV (`?format=csv` or `Accept: text/csv`).
use axum::{
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use switchboard_domain::time::now_ms;
use switchboard_store::billing::{history::ReportRow, topups::TopupRow};

use crate::{
    api::billing::{MONEY, billing_tenant},
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody, ErrorCode},
    extract::{AppJson, AppPath, AppQuery},
};

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    OperatorEarnings,
    PlatformRevenue,
    Topups,
    Consumption,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Period start, UTC epoch milliseconds (default: 30 days ago).
    pub from: Option<i64>,
    /// Period end (exclusive), UTC epoch milliseconds (default: now).
    pub to: Option<i64>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub report: ReportKind,
    pub from: i64,
    pub to: i64,
    /// Sums per group (operator id, or transfer kind); empty for `topups`.
    pub rows: Vec<ReportRow>,
    /// The top-ups of the period (only for `topups`).
    pub topups: Vec<TopupRow>,
}

fn csv_field(s: &str) -> String {
    // Also defuses spreadsheet formulas: a leading = + - @ is quoted with a '.
    let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<i64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv(header_row: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = header_row.join(",");
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

fn wants_csv(q: &ReportQuery, headers: &HeaderMap) -> ApiResult<bool> {
    match q.format.as_deref() {
        Some("csv") => Ok(true),
        Some("json") => Ok(false),
        Some(other) => Err(ApiError::bad_request(
            ErrorCode::InvalidFormat,
            format!("format `{other}` is not json or csv"),
        )),
        None => Ok(headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/csv"))),
    }
}

/// A billing report over a period.
#[utoipa::path(get, path = "/api/v1/billing/reports/{report}", tag = "billing",
    params(("report" = ReportKind, Path, description = "operator-earnings, platform-revenue, topups or consumption"), ReportQuery),
    responses((status = 200, body = Report), (status = 200, description = "CSV", content_type = "text/csv"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn report(
    tenant: Tenant,
    headers: HeaderMap,
    AppPath(kind): AppPath<ReportKind>,
    AppQuery(q): AppQuery<ReportQuery>,
) -> ApiResult<Response> {
    billing_tenant(&tenant, MONEY)?;
    let to = q.to.unwrap_or_else(now_ms);
    let from = q.from.unwrap_or(to - 30 * 86_400_000);
    if from > to {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidPeriod,
            "`from` is after `to`",
        ));
    }
    let csv_out = wants_csv(&q, &headers)?;
    let s = &tenant.store;
    let (rows, topups) = match kind {
        ReportKind::OperatorEarnings => (s.report_operator_earnings(from, to).await?, vec![]),
        ReportKind::PlatformRevenue => (s.report_platform_revenue(from, to).await?, vec![]),
        ReportKind::Consumption => (s.report_consumption(from, to).await?, vec![]),
        ReportKind::Topups => (vec![], s.list_topups(from, to, 10_000).await?),
    };
    if !csv_out {
        return Ok(AppJson(Report {
            report: kind,
            from,
            to,
            rows,
            topups,
        })
        .into_response());
    }
    let key_name = match kind {
        ReportKind::OperatorEarnings => "operator_id",
        _ => "type",
    };
    let body = if kind == ReportKind::Topups {
        csv(
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
            topups.iter().map(|t| {
                vec![
                    t.id.clone(),
                    t.customer_id.clone().unwrap_or_default(),
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
        )
    } else {
        csv(
            &[key_name, "currency", "count", "amount"],
            rows.iter().map(|r| {
                vec![
                    r.key.clone(),
                    r.currency.clone(),
                    r.count.to_string(),
                    r.amount.to_string(),
                ]
            }),
        )
    };
    let name = serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_field("-5"), "-5");
    }
}
