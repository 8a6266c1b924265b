//! Typed request helpers: one method per API call the tests make again and again, so a test
//! reads as what it does (`app.post_text(..)`, `app.create_service(..)`) and a changed path
//! or body shape is fixed in one place.
use reqwest::Response;
use serde::Serialize;
use serde_json::{Value, json};

use super::TestApp;

impl TestApp {
    /// `POST /api/v1/messages` with any body (templates, idempotency keys, bad input).
    pub async fn post_message(&self, token: &str, body: Value) -> Response {
        self.post("/api/v1/messages", token, body).await
    }

    /// `POST /api/v1/messages`: a plain text to a conversation.
    pub async fn post_text(
        &self,
        token: &str,
        conversation: impl Serialize,
        text: impl Serialize,
    ) -> Response {
        let body =
            json!({"conversation_id": conversation, "content": {"type": "text", "body": text}});
        self.post_message(token, body).await
    }

    /// `POST /api/v1/messages/inbound`: a customer's message through the API channel.
    pub async fn post_inbound(&self, token: &str, body: Value) -> Response {
        self.post("/api/v1/messages/inbound", token, body).await
    }

    /// `POST /api/v1/services`.
    pub async fn create_service(&self, token: &str, body: Value) -> Response {
        self.post("/api/v1/services", token, body).await
    }

    /// `POST /api/v1/staff`.
    pub async fn create_staff(&self, token: &str, body: Value) -> Response {
        self.post("/api/v1/staff", token, body).await
    }

    /// `POST /api/v1/channels`.
    pub async fn create_channel(&self, token: &str, body: Value) -> Response {
        self.post("/api/v1/channels", token, body).await
    }

    /// `POST /api/v1/appointments`.
    pub async fn book(&self, token: &str, body: Value) -> Response {
        self.post("/api/v1/appointments", token, body).await
    }

    /// `GET /api/v1/users`.
    pub async fn list_users(&self, token: &str) -> Response {
        self.get("/api/v1/users", token).await
    }
}
