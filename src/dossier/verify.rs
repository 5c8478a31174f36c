//! `certcockpit verify`: each evidence record's judge run again on the observations kept in
//! the sidecar. A record is verified when its observations are there, match the digest it
//! names, and today's judge gives the verdict (and every figure it computes) the record says.
//! With reviewer keys given (`verify --key`), each record's signature is checked too
//! ([`Signature`]); without, signatures are not looked at.

use std::path::Path;

use super::model::{Dossier, Evidence};
use super::sidecar::{self, SidecarError};
use crate::checks::{CheckId, JUDGE_VERSION, Run, Verdict};
use crate::signing::{self, PublicKey};

/// What re-judging one record found.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    Verified,
    /// The observations give another verdict or figure than the record says.
    Differs {
        recorded: Verdict,
        observed: Verdict,
        detail: String,
    },
    /// The record names observations the sidecar does not have.
    Missing {
        path: String,
    },
    /// The sidecar file no longer matches the digest the record names (edited).
    DigestMismatch {
        path: String,
    },
    /// The observations could not be read (not gzip, malformed lines).
    Unreadable {
        reason: String,
    },
    /// Judged by another judge version: re-judged with today's, both verdicts shown.
    JudgeChanged {
        version: u32,
        recorded: Verdict,
        today: Verdict,
    },
    /// The record kept no observations (an older build).
    NoObservations,
    /// A record of what was served or a person's verdict: there is no judge's verdict to check.
    NothingToJudge,
}

impl State {
    /// Verified, or nothing to verify (counts as fine for `verify`'s exit status).
    pub fn is_verified(&self) -> bool {
        matches!(self, State::Verified | State::NothingToJudge)
    }

    /// One line for people: `verified`, `verdict differs: the record says pass, the observations give fail`.
    pub fn describe(&self) -> String {
        match self {
            State::Verified => "verified".into(),
            State::Differs { recorded, observed, detail } if recorded != observed => {
                format!("verdict differs: the record says {recorded}, the observations give {observed}")
            }
            State::Differs { detail, .. } => format!("figures differ: {detail}"),
            State::Missing { path } => format!("observations missing ({path})"),
            State::DigestMismatch { path } => {
                format!("observations do not match their digest ({path} was changed)")
            }
            State::Unreadable { reason } => format!("observations unreadable: {reason}"),
            State::JudgeChanged { version, recorded, today } => format!(
                "judge changed since (version {version}, today {JUDGE_VERSION}): the record says {recorded}, today's judge gives {today}"
            ),
            State::NoObservations => "no observations kept".into(),
            State::NothingToJudge => "a record or a person's verdict: nothing to re-judge".into(),
        }
    }
}

/// Re-judges one record of the dossier at `path`.
pub fn verify_record(path: &Path, e: &Evidence) -> State {
    let judged = CheckId::parse(&e.check)
        .is_some_and(|c| !c.descriptor().person_judged && !matches!(c.descriptor().run, Run::Record));
    let Some(digest) = &e.observations_sha256 else {
        return if judged { State::NoObservations } else { State::NothingToJudge };
    };
    let kept = match sidecar::read(&sidecar::folder_of(path), digest) {
        Ok(k) => k,
        Err(SidecarError::Missing { path }) => return State::Missing { path },
        Err(SidecarError::Digest { path, .. }) => return State::DigestMismatch { path },
        Err(other) => return State::Unreadable { reason: other.to_string() },
    };
    if kept.check() != e.check || CheckId::parse(&e.check).is_none() {
        return State::Unreadable {
            reason: format!("the observations are of {}, not {}", kept.check(), e.check),
        };
    }
    let today = kept.rejudge();
    let version = e.judge_version.unwrap_or(0);
    if version != JUDGE_VERSION {
        return State::JudgeChanged { version, recorded: e.verdict, today: today.verdict };
    }
    let figures: Vec<String> = today
        .figures
        .iter()
        .filter(|(name, value)| e.figures.get(*name) != Some(value))
        .map(|(name, value)| {
            let was = e.figures.get(name).map_or_else(|| "absent".to_owned(), ToString::to_string);
            format!("{name} is {was} in the record, {value} from the observations")
        })
        .collect();
    let mut figures = figures;
    // The summary is the judge's words, a pure function of the observations too: a record
    // whose words were edited ("passed" written over "failed on page 3") does not verify.
    // A headless run may have added how the client ended, from its output, which is not kept
    // (`checks::api::headless`: " (the client exited with status …)", " (… was killed …)").
    let ended = e.summary.strip_prefix(today.summary.as_str()).is_some_and(|rest| {
        rest.starts_with(" (the client exited with status ")
            || rest.starts_with(" (the client was killed after ")
    });
    if today.summary != e.summary && !ended {
        figures.push(format!(
            "the summary reads \"{}\" in the record, \"{}\" from the observations",
            crate::text::short(&e.summary),
            crate::text::short(&today.summary)
        ));
    }
    if today.verdict != e.verdict || !figures.is_empty() {
        return State::Differs { recorded: e.verdict, observed: today.verdict, detail: figures.join("; ") };
    }
    State::Verified
}

/// Whether a record's signature holds (`crate::signing`), checked against the public keys
/// given to `verify --key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signature {
    /// No key was given: the signature (if any) was not checked.
    NotChecked,
    /// Signed by one of the keys given, and every signed byte is as signed.
    Valid { fingerprint: String },
    /// Signed by a key that is not one of those given (fingerprint as the record says).
    UnknownKey { fingerprint: String },
    /// Signed by a key given, but the signature does not hold: a signed byte changed (or the
    /// signature itself is malformed; `why` says which).
    Invalid { fingerprint: String, why: String },
    /// The record carries no signature.
    Unsigned,
}

impl Signature {
    /// Valid, or not asked for (counts as fine for `verify`'s exit status).
    pub fn is_verified(&self) -> bool {
        matches!(self, Signature::NotChecked | Signature::Valid { .. })
    }

    /// One line for people: `signed by 1a2b…, valid`, `unsigned`.
    pub fn describe(&self) -> String {
        match self {
            Signature::NotChecked => "signature not checked (no --key)".into(),
            Signature::Valid { fingerprint } => format!("signed by {fingerprint}, valid"),
            Signature::UnknownKey { fingerprint } => {
                format!("signed by an unknown key {fingerprint} (not one given with --key)")
            }
            Signature::Invalid { fingerprint, why } => {
                format!("signature by {fingerprint} invalid: {why}")
            }
            Signature::Unsigned => "unsigned".into(),
        }
    }
}

/// What `verify` found for one record: its re-judging and its signature.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The record's position in the dossier's `[[evidence]]` list.
    pub index: usize,
    pub state: State,
    pub signature: Signature,
}

impl Checked {
    /// Both the re-judging and the signature hold.
    pub fn is_verified(&self) -> bool {
        self.state.is_verified() && self.signature.is_verified()
    }
}

/// Every record of `dossier` (loaded from `path`) with its state, in file order; signatures
/// are not checked ([`Signature::NotChecked`]).
pub fn verify(path: &Path, dossier: &Dossier) -> Vec<Checked> {
    verify_signed(path, dossier, None)
}

/// Like [`verify`], and with `keys` given each record's signature is checked against them
/// (`None`: not checked; `Some(&[])` would list every signed record as by an unknown key).
pub fn verify_signed(path: &Path, dossier: &Dossier, keys: Option<&[PublicKey]>) -> Vec<Checked> {
    dossier
        .evidence
        .iter()
        .enumerate()
        .map(|(index, e)| Checked {
            index,
            state: verify_record(path, e),
            signature: keys.map_or(Signature::NotChecked, |k| signing::check_record(e, k)),
        })
        .collect()
}

impl State {
    /// A symbol for the state, so it reads without colour (report, screen): `✔` verified, `–`
    /// nothing to re-judge, `○` no observations kept, `◐` judge changed since, `✘` anything
    /// that does not hold (a verdict or figure differs, observations missing, edited or
    /// unreadable).
    pub fn mark(&self) -> &'static str {
        match self {
            State::Verified => "✔",
            State::NothingToJudge => "–",
            State::NoObservations => "○",
            State::JudgeChanged { .. } => "◐",
            _ => "✘",
        }
    }
}

impl Checked {
    /// Whether the record is contradicted by what is kept: a verdict, figure or summary
    /// that differs, observations missing, edited or unreadable, or a signature that does not
    /// hold (`✘`). Old records without observations and re-judged ones are not contradicted.
    pub fn does_not_hold(&self) -> bool {
        !self.signature.is_verified()
            || matches!(
                self.state,
                State::Differs { .. }
                    | State::Missing { .. }
                    | State::DigestMismatch { .. }
                    | State::Unreadable { .. }
            )
    }

    /// [`State::mark`]; `✘` whatever the state when the signature does not hold.
    pub fn mark(&self) -> &'static str {
        if self.signature.is_verified() { self.state.mark() } else { "✘" }
    }

    /// The state in words, and the signature's when it was checked.
    pub fn describe(&self) -> String {
        match self.signature {
            Signature::NotChecked => self.state.describe(),
            _ => format!("{}; {}", self.state.describe(), self.signature.describe()),
        }
    }
}
