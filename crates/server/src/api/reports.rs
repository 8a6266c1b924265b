//! `/api/v1/billing/reports/{report}`: operator earnings, platform revenue, top-ups and
//! consumption by type over a period, as JSON or CSV (`?format=csv` or `Accept: text/csv`).
use axum::{
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use switchboard_billing::reports::{self, ReportKind as Kind};

use crate::{
    api::billing::{
        MONEY, billing_tenant,
        views::{ReportRowView, TopupView, time},
    },
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

impl From<ReportKind> for Kind {
    fn from(k: ReportKind) -> Self {
        match k {
            ReportKind::OperatorEarnings => Kind::OperatorEarnings,
            ReportKind::PlatformRevenue => Kind::PlatformRevenue,
            ReportKind::Topups => Kind::Topups,
            ReportKind::Consumption => Kind::Consumption,
        }
    }
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
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Sums per group (operator id, or transfer kind); empty for `topups`.
    pub rows: Vec<ReportRowView>,
    /// The top-ups of the period (only for `topups`).
    pub topups: Vec<TopupView>,
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
    let period = reports::period(q.from, q.to)?;
    let csv_out = wants_csv(&q, &headers)?;
    let r = reports::report(&tenant.store, kind.into(), period).await?;
    if !csv_out {
        return Ok(AppJson(Report {
            report: kind,
            from: time(r.from),
            to: time(r.to),
            rows: r.rows.iter().map(Into::into).collect(),
            topups: r.topups.iter().map(Into::into).collect(),
        })
        .into_response());
    }
    let body = reports::to_csv(&r)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.csv\"", r.kind.name()),
            ),
        ],
        body,
    )
        .into_response())
}
