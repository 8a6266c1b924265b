//! Wiring of the message pipeline (`switchboard-messaging`) into the server: its context from
//! the app state, and its errors as API errors.
use switchboard_messaging::{Context, MessagingError, telegram_poll::Poller};

use crate::{
    app::AppState,
    error::{ApiError, ErrorCode},
};

/// The pipeline's view of the app state.
pub fn context(state: &AppState) -> Context {
    Context {
        store: state.store.clone(),
        secrets: state.secrets.clone(),
        outbound: state.outbound.clone(),
        public_base: state.config.public_base().into(),
    }
}

/// What Telegram polling needs.
pub fn poller(state: &AppState) -> Poller {
    Poller {
        ctx: context(state),
        worker: state.worker.clone(),
    }
}

impl From<MessagingError> for ApiError {
    fn from(e: MessagingError) -> Self {
        match e {
            MessagingError::Invalid(m) => ApiError::validation(m),
            e @ MessagingError::Blocked { .. } => {
                ApiError::Unprocessable(ErrorCode::OutboundAddressBlocked, e.to_string())
            }
            MessagingError::WrongChannelKind(m) => {
                ApiError::Unprocessable(ErrorCode::WrongChannelKind, m)
            }
            MessagingError::Provider(m) => ApiError::Unavailable(m),
            MessagingError::Store(e) => e.into(),
            MessagingError::Internal(e) => ApiError::Internal(e),
        }
    }
}
