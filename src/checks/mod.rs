//! Live evidence checks: the registry of checks ([`CheckId`], one descriptor each), the shape every check's result takes,
//! and the two families of checks — `webhook` (we call the partner's listener) and `api`
//! (the partner's client calls our evidence API).
//!
//! Domain code only: nothing here (or below) imports ratatui, so the same checks run headless
//! (`certcockpit check …`) and in the TUI.

pub mod api;
pub mod interrupts;
pub mod kept;
mod progress;
pub mod registry;
mod result;
mod secret;
pub mod timeline;
pub mod webhook;

pub use kept::{JUDGE_VERSION, Kept, KeptApi, KeptWebhook};
pub use progress::{CheckEvent, NoProgress, ProgressSink};
pub use registry::{
    CheckFamily, CheckId, Descriptor, Run, UNKNOWN_CHECK, UnknownCheck, draws_timeline, family_of,
    is_known_check, is_person_judged, title_of,
};
pub use result::{CheckResult, Figure, Figures, Verdict};
pub use secret::{
    ExpandError, Secret, SecretError, credential_params, env_refs, expand_env, forbid_core_dumps,
    literal_credential, masked_url,
};
pub use timeline::RetryTimeline;
