//! The timing-sensitive tests, in their own small crate: Cargo runs test crates one after
//! another, so nothing from the busy `cli` and `tui` crates (thousands of connections, proptest,
//! SIGKILLed children) competes with them for the two cores. Inside this crate they take
//! `support::serial()` so that they do not run beside each other either.
//!
//! - `journal`: the journal's gaps must match a client's own send times within milliseconds.
//! - `crash_safety`: SIGKILLs a child at random moments during saves (the child is this same
//!   test binary, re-run with `--exact crash_safety::crash_child`).

#[path = "../support/mod.rs"]
mod support;

mod crash_safety;
mod journal;
