//! The tests that measure the clock or a process's memory, in their own small crate: Cargo runs
//! test crates one after another, so nothing from the busy `cli` and `tui` crates (thousands of
//! connections, proptest, big buffers) competes with them for the two cores or inflates this
//! process. Inside this crate each test takes `support::serial()`, so they do not run beside
//! each other either.
//!
//! - `journal`: the journal's gaps must match a client's own send times within milliseconds.
//! - `crash_safety`: SIGKILLs a child at random moments during saves (the child is this same
//!   test binary, re-run with `--exact crash_safety::crash_child`).
//! - `hostile_webhook`: hostile listeners fail within the deadline; the CLI's peak memory,
//!   read with `wait4`, stays small. On Linux a child's peak RSS in that figure starts at the
//!   spawning process's (fork and `posix_spawn` alike, measured), so the spawner must be small.

#[path = "../support/mod.rs"]
mod support;

mod connection_starvation;
mod crash_safety;
mod hostile_webhook;
mod journal;
