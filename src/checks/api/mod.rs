//! The evidence API: a scripted imitation of the provider's API that journals and judges the
//! partner's client.
//!
//! - [`profile`]: the provider's API shape the server takes (`generic`: token endpoint +
//!   paginated `GET /items`; built-in providers' shapes; any profile file).
//! - [`EvidenceApi`] runs the server in the profile's shape and is the
//!   handle for arming a scenario, following the journal live and judging.
//! - [`scenario`]: what the API does for each check id (faults only on GET).
//! - [`judges`]: pure functions from a journal to a [`CheckResult`](crate::checks::CheckResult).
//! - [`headless`]: runs a client command once per scenario (`certcockpit check api`).
//! - [`tls`]: HTTPS (`--tls`) with a leaf from a local CA kept in the user's config folder.

pub mod client_env;
mod client_output;
mod error;
pub mod headless;
pub mod journal;
pub mod judges;
pub mod profile;
pub mod reaper;
pub mod scenario;
mod server;
mod session;
pub mod tls;
pub mod tokens;
pub mod watch;

pub use error::ApiError;
pub use journal::{JournalEntry, RequestKind, TimelinePoint};
pub use judges::{RunEnd, RunOutcome, observed_client_name, trace_echo_marked};
pub use profile::Profile;
pub use scenario::{Fault, Scenario, scenario_ids};
pub(crate) use server::proxy::{is_secret_name, mask_secret_params};
pub use server::resource::item_id;
pub(crate) use session::upstream_fairness;
pub use session::{EvidenceApi, ServeOptions, check_upstream_url, exposure_warning, parse_listen};
