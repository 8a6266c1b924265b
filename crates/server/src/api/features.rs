//! Feature guards as layers: each feature's route group carries one layer that resolves the
//! tenant and answers 403 `feature_disabled` when the business has the feature switched off,
//! so no handler repeats the check. The tenant is cached in the request's extensions, so the
//! handler's `Tenant` extractor does not look it up again.
use axum::{
    extract::{FromRequestParts, Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use utoipa_axum::router::OpenApiRouter;

use switchboard_domain::Feature;

use crate::{app::AppState, auth::Tenant, error::ApiError};

/// Puts `feature`'s guard on every route of `routes`.
pub fn guarded(
    routes: OpenApiRouter<AppState>,
    state: &AppState,
    feature: Feature,
) -> OpenApiRouter<AppState> {
    routes.route_layer(axum::middleware::from_fn_with_state(
        (state.clone(), feature),
        guard,
    ))
}

async fn guard(
    State((state, feature)): State<(AppState, Feature)>,
    req: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    match Tenant::from_request_parts(&mut parts, &state).await {
        Err(e) => e.into_response(),
        Ok(t) if !t.business.feature_enabled(feature) => {
            ApiError::FeatureDisabled(feature.as_str().to_string()).into_response()
        }
        Ok(_) => next.run(Request::from_parts(parts, body)).await,
    }
}

#[cfg(test)]
mod tests {
    const GROUPS: [&str; 5] = ["Messaging", "Agent", "Calendar", "Billing", "FEATURE"];

    /// Route-group features are checked by the layer only: no handler repeats the check.
    #[test]
    fn no_handler_checks_a_group_feature() {
        let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if !path.ends_with("features.rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (i, _) in text.match_indices(concat!("require_feature", "(")) {
                        let arg = text[i..].split(')').next().unwrap_or("");
                        for group in GROUPS {
                            assert!(!arg.contains(group), "{} checks {arg}", path.display());
                        }
                    }
                }
            }
        }
    }
}
