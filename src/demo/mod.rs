//! The built-in sample integration behind `certcockpit demo`: a webhook listener and an API
//! client, each with a well-behaved and a flawed personality, switchable at run time. They let
//! every live check be shown on a fresh machine with nothing else running, and they are honest
//! peers: the listener verifies signatures with the independent `standardwebhooks` crate, and
//! the client speaks plain HTTP to whatever evidence API it is pointed at.

pub mod client;
pub mod listener;

use std::sync::Arc;

use base64::Engine;

use crate::checks::Secret;
use std::sync::atomic::{AtomicBool, Ordering};

/// Which personality a demo peer shows. Shared between the peer and whoever toggles it.
#[derive(Debug, Clone, Default)]
pub struct Behaviour(Arc<AtomicBool>);

impl Behaviour {
    /// A switch starting well-behaved (`flawed == false`) or flawed.
    pub fn new(flawed: bool) -> Self {
        Self(Arc::new(AtomicBool::new(flawed)))
    }

    pub fn is_flawed(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub fn set_flawed(&self, flawed: bool) {
        self.0.store(flawed, Ordering::Relaxed);
    }

    /// Flips the personality and returns the new one (`true` = flawed).
    pub fn toggle(&self) -> bool {
        !self.0.fetch_xor(true, Ordering::Relaxed)
    }

    pub fn label(&self) -> &'static str {
        if self.is_flawed() { "flawed" } else { "good" }
    }
}

/// The env var name the demo's settings refer to for its webhook secret. The secret itself is
/// generated per run and held in-process (`LiveChecks::with_secret`); nothing is exported.
pub const WEBHOOK_SECRET_VAR: &str = "CERTCOCKPIT_DEMO_WEBHOOK_SECRET";

/// A fresh Standard Webhooks secret (`whsec_` + base64 of 24 random bytes), for one run.
pub fn generate_secret() -> Secret {
    let bytes: [u8; 24] = rand::random();
    Secret::new(format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
}
