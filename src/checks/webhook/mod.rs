//! Webhook checks: the cockpit delivers signed (and deliberately mis-signed) events to the
//! partner's listener and judges how it answers.
//!
//! Layers, one concern each: [`Scheme`] and [`signing`] (what a provider sends), [`events`]
//! (realistic sample bodies), [`WebhookTarget`] (validated settings), `send` (the HTTP I/O,
//! bounded by the deadline), [`judge`] (pure verdicts from [`Observation`]s) and
//! [`run_checks`] (plans, sends, reports progress, judges).

pub mod events;
pub mod fallback;
mod fallback_run;
pub mod judge;
mod log;
mod observe;
mod run;
mod scheme;
mod send;
pub mod signing;
mod target;
mod tls_probe;
pub mod transport;
mod trust;

pub use events::{Event, EventError, SampleEvent};
pub use fallback::{BadWindow, DEFAULT_WINDOW, KeptFallback, MAX_WINDOW, window_from_secs};
pub use fallback_run::{FallbackRun, in_proxy_mode, run_fallback, wait_for_listener};
pub use log::{Delivery, DeliveryLog, REDACTED};
pub use observe::{Case, Observation, Outcome, Treatment};
pub use run::{
    UnknownWebhookCheck, WebhookPlan, judge_deliveries, run_checks, run_checks_logged, select_checks,
    webhook_check_ids, webhook_checks, worst_case,
};
pub use scheme::{BadDeadline, DEFAULT_DEADLINE, MAX_DEADLINE, Scheme, UnknownScheme, deadline_from_secs};
pub use send::{MAX_BODY, MAX_DRAIN, Sender};
pub use signing::{Signer, SigningError};
pub use target::{
    DEFAULT_DELIVERIES, DEFAULT_TOLERANCE, MAX_TOLERANCE, TargetError, WebhookTarget, observer_url,
    tolerance_from_secs,
};
pub use transport::TransportFacts;
pub use trust::{BadCa, TrustedCa};
