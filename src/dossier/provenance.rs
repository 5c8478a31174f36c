//! Provenance of an evidence record: which build ran it (version and commit), on which host,
//! and whether it ran live in a review session (the cockpit with a reviewer set) or before it
//! (headless `check`, or the cockpit with no reviewer: pre-filling). The time is the record's
//! `at`. A record from before provenance was kept has none and reads as "unknown".

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The environment variable that names the host in records instead of the machine's name (a
/// reviewer's laptop called `localhost`, a CI runner with a random name).
pub const HOST_ENV: &str = "CERTCOCKPIT_HOST";

/// Where a record was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ran {
    /// In the cockpit, in a review session (a reviewer is set).
    Live,
    /// Before the session: headless, or the cockpit with no reviewer set.
    PreFilled,
}

impl Ran {
    pub fn label(self) -> &'static str {
        match self {
            Ran::Live => "run live in the session",
            Ran::PreFilled => "pre-filled",
        }
    }
}

/// `certcockpit 0.1.0 (commit 1a2b3c4d5e6f)`: the version, and the commit `build.rs` found (or
/// `CERTCOCKPIT_COMMIT` at build time; "commit unknown" outside a git checkout).
pub fn build() -> String {
    let commit = option_env!("CERTCOCKPIT_COMMIT").filter(|c| !c.is_empty());
    format!(
        "certcockpit {} ({})",
        env!("CARGO_PKG_VERSION"),
        commit.map_or_else(|| "commit unknown".to_owned(), |c| format!("commit {c}"))
    )
}

/// The host records name: [`HOST_ENV`] if set, else the machine's host name (read once).
pub fn host() -> String {
    static HOST: OnceLock<String> = OnceLock::new();
    HOST.get_or_init(|| {
        let named = std::env::var(HOST_ENV).ok().map(|h| h.trim().to_owned()).filter(|h| !h.is_empty());
        named.or_else(machine_name).unwrap_or_else(|| "unknown host".to_owned())
    })
    .clone()
}

fn machine_name() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that much.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    let name = String::from_utf8_lossy(&buf[..end]).trim().to_owned();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{CheckResult, Verdict};
    use crate::dossier::{Evidence, parse};

    #[test]
    fn records_say_which_build_ran_them_where_and_how() {
        assert!(
            build().starts_with(&format!("certcockpit {} (commit ", env!("CARGO_PKG_VERSION"))),
            "{}",
            build()
        );
        let e = Evidence::filed(
            CheckResult::new("retry.limit", Verdict::Pass, "gave up"),
            chrono::Utc::now(),
            Ran::Live,
        );
        assert_eq!((e.build, e.host, e.ran), (Some(build()), Some(host()), Some(Ran::Live)));
        let text = toml::to_string(&Evidence::from_result(
            CheckResult::new("retry.limit", Verdict::Pass, "x"),
            chrono::Utc::now(),
        ))
        .expect("toml");
        assert!(text.contains("ran = \"pre-filled\""), "{text}");
    }

    #[test]
    fn an_old_record_has_no_provenance_and_no_kept_observations() {
        let old = "[dossier]\nquestionnaire = 'uniwise'\n\n[[evidence]]\ncheck = 'retry.limit'\nat = '2025-01-01T00:00:00Z'\nverdict = 'pass'\nsummary = 'ok'\n";
        let d = parse(std::path::Path::new("old.toml"), old).expect("an old dossier loads");
        let e = &d.evidence[0];
        assert_eq!((&e.build, &e.host, e.ran, &e.observations_sha256), (&None, &None, None, &None));
    }
}
