//! Errors of the evidence API library.

/// Why the evidence API could not start or do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the listen address {0:?} is not an IP address with a port (e.g. 127.0.0.1:8080 or 127.0.0.1:0)")]
    BadAddress(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error("{0:?} is not an evidence API check (one of: {ids})", ids = super::scenario_ids().join(", "))]
    UnknownCheck(String),
    #[error("cannot start the evidence API's server thread: {0}")]
    Thread(std::io::Error),
    #[error("no check is armed: arm one before finishing it")]
    NotArmed,
    #[error("--upstream: {0}")]
    BadUpstream(String),
    #[error("cannot run the client command: {0}")]
    Spawn(std::io::Error),
    #[error("cannot catch Ctrl-C and SIGTERM (needed to stop the client's processes): {0}")]
    Signals(std::io::Error),
    #[error("interrupted by {0}: the client's processes were stopped, nothing was judged or filed")]
    Interrupted(&'static str),
}
