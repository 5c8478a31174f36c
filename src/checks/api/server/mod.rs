//! The evidence API's HTTP server: a token endpoint and a paginated collection, behind a
//! middleware that stamps a fresh `X-Trace-Id` on every response and journals every request.

mod arm;
mod items;
mod json;
mod listener;
mod middleware;
mod token_endpoint;

pub use arm::{ArmState, RetryAfter};
pub(crate) use listener::serve;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use super::journal::Journal;
use super::tokens::{Credentials, TokenStore};

/// Largest request body accepted (a token request is a few hundred bytes).
const MAX_BODY_BYTES: usize = 16 * 1024;

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct ServerState {
    pub creds: Credentials,
    pub journal: Journal,
    pub tokens: Mutex<TokenStore>,
    pub arm: Mutex<ArmState>,
    /// Base of the absolute `next` links when a request carries no usable `Host`.
    pub base_url: String,
    /// The last `Host` found usable for `next` links (see `items::usable_host`).
    pub link_host: Mutex<Option<String>>,
}

impl ServerState {
    pub fn new(creds: Credentials, base_url: String) -> Self {
        Self {
            creds,
            journal: Journal::new(),
            tokens: Mutex::new(TokenStore::default()),
            arm: Mutex::new(ArmState::idle(0)),
            base_url,
            link_host: Mutex::new(None),
        }
    }

    /// The arm state. A panic elsewhere while holding the lock leaves plain data behind, so a
    /// poisoned lock is still usable.
    pub fn arm(&self) -> MutexGuard<'_, ArmState> {
        self.arm.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn tokens(&self) -> MutexGuard<'_, TokenStore> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        // Only the token endpoint reads a body, so only its route carries the size limit and
        // the time limit (a layer over every route cost an extension insert and a timer on
        // every `GET /items`).
        .route(
            "/oauth/token",
            post(token_endpoint::token)
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
                .layer(axum::middleware::from_fn(middleware::bounded)),
        )
        .route("/items", get(items::items))
        .fallback(items::not_found)
        .with_state(state)
}
