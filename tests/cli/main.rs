//! The command line, the checks and their servers, end to end: one test crate (one link of the
//! whole dependency tree instead of one per file), one module per topic. Shared helpers are in
//! `tests/support/mod.rs`; the Python and Node peers in `tests/peers/` (see README.md, "Run the
//! tests"). Timing- and memory-sensitive tests live in `tests/isolated` instead, where nothing else runs
//! beside them.

#[path = "../support/mod.rs"]
mod support;

// The command line: questionnaires, dossiers and reports.
mod dossier_comments;
mod dossier_comments_cli;
mod dossier_files;
mod hostile_parsing;
mod questionnaires;
mod report;
mod report_verification;
mod status;

// The API checks and the evidence API server.
mod api_profiles;
mod check_api;
mod check_api_demo_client;
mod check_api_go;
mod check_api_node;
mod check_api_tls;
mod check_api_watch;
mod client_process;
mod evidence_api_server;
mod evidence_api_session;
mod hostile_api;
mod journal_overflow;
mod network_exposure;
mod proxy_connections;

// The webhook checks.
mod webhook_cli;
mod webhook_fallback;
mod webhook_listeners;
mod webhook_signing;
mod webhook_transport;
mod webhook_verifiers;

// Across every check and output.
mod ci_gate;
mod partner_text;
mod secrets_sweep;
mod verify;
mod verify_signed;
