//! What the report says about its evidence beyond the verdicts: where each record was run
//! (its provenance: live in the review session, or pre-filled before it) and whether it
//! verifies against the observations kept in the sidecar (`dossier::verify`).
//!
//! Verifying reads the sidecar, so the caller runs `dossier::verify` and hands the states in
//! ([`Verification::new`]); building the report stays a pure function of its inputs. A report
//! built without states ([`super::Report::build`]) says nothing about verification.

use crate::checks::Verdict;
use crate::dossier::verify::Checked;
use crate::dossier::verify::State;
use crate::dossier::{Dossier, Ran};

/// How many of the dossier's evidence records ran live in the session, how many before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RanCounts {
    pub live: usize,
    pub pre_filled: usize,
    /// Records from a build that kept no provenance.
    pub unknown: usize,
}

impl RanCounts {
    pub fn of(d: &Dossier) -> Self {
        let mut n = Self::default();
        for e in &d.evidence {
            match e.ran {
                Some(Ran::Live) => n.live += 1,
                Some(Ran::PreFilled) => n.pre_filled += 1,
                None => n.unknown += 1,
            }
        }
        n
    }

    /// One line for the cover: `14 records: 9 run live in the session, 5 pre-filled`.
    pub fn line(&self) -> String {
        let total = self.live + self.pre_filled + self.unknown;
        if total == 0 {
            return "no evidence records".to_owned();
        }
        let mut line = format!(
            "{}: {} {}, {} {}",
            plural(total, "record", "records"),
            self.live,
            Ran::Live.label(),
            self.pre_filled,
            Ran::PreFilled.label()
        );
        if self.unknown > 0 {
            line.push_str(&format!(", {} of unknown provenance (filed by an older build)", self.unknown));
        }
        line
    }
}

/// Where a record ran, in words (`unknown` for a record without provenance).
pub fn ran_label(ran: Option<Ran>) -> &'static str {
    ran.map_or("provenance unknown", Ran::label)
}

/// One evidence record and its verification state.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordCheck {
    /// The record's place in the dossier, from 1 (as `certcockpit verify` numbers them).
    pub number: usize,
    pub check: String,
    pub at: String,
    pub verdict: Verdict,
    pub ran: Option<Ran>,
    /// The re-judging's state and the signature's ([`crate::dossier::verify::Signature::NotChecked`] unless verified
    /// with keys).
    pub checked: Checked,
    /// Both in words (the signature only when checked), sidecar paths relative to the
    /// dossier's folder.
    pub describe: String,
}

impl RecordCheck {
    /// Whether the re-judging and (when checked) the signature hold.
    pub fn is_verified(&self) -> bool {
        self.checked.is_verified()
    }

    /// The record's symbol ([`Checked::mark`]).
    pub fn mark(&self) -> &'static str {
        self.checked.mark()
    }
}

/// Every record's verification state, in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Verification {
    pub records: Vec<RecordCheck>,
}

impl Verification {
    /// From `dossier::verify`'s results for `d`; `folder` (the dossier's folder as the states'
    /// paths name it) is left out of the descriptions, so the report names `NAME.evidence/…`.
    pub fn new(d: &Dossier, checked: &[Checked], folder: &str) -> Self {
        let prefix = format!("{}/", folder.trim_end_matches('/'));
        let records = checked
            .iter()
            .filter_map(|c| {
                let e = d.evidence.get(c.index)?;
                let describe = c.describe();
                Some(RecordCheck {
                    number: c.index + 1,
                    check: e.check.clone(),
                    at: e.at.clone(),
                    verdict: e.verdict,
                    ran: e.ran,
                    checked: c.clone(),
                    describe: if prefix.len() > 1 { describe.replace(&prefix, "") } else { describe },
                })
            })
            .collect();
        Self { records }
    }

    /// The record at `index` (0-based, as in `Dossier::evidence`).
    pub fn record(&self, index: usize) -> Option<&RecordCheck> {
        self.records.iter().find(|r| r.number == index + 1)
    }

    /// Records with a judge's verdict or a signature to check (all but an unsigned person's
    /// verdict or record).
    fn judged(&self) -> impl Iterator<Item = &RecordCheck> {
        self.records
            .iter()
            .filter(|r| r.checked.state != State::NothingToJudge || !r.checked.signature.is_verified())
    }

    /// Records that do not verify.
    pub fn unverified(&self) -> usize {
        self.records.iter().filter(|r| !r.is_verified()).count()
    }

    /// `✔` all verify, `✘` one fails to (differs, missing, edited), `◐` only old or re-judged ones.
    pub fn mark(&self) -> &'static str {
        if self.records.iter().any(|r| r.mark() == "✘") {
            "✘"
        } else if self.unverified() > 0 {
            "◐"
        } else {
            "✔"
        }
    }

    /// One line for the cover: `12 of 13 judged records verified against their kept
    /// observations; 1 not (listed under "Verification of each record")`.
    pub fn headline(&self) -> String {
        let judged = self.judged().count();
        let nothing = self.records.len() - judged;
        let mut line = if judged == 0 {
            "no judged evidence to verify".to_owned()
        } else {
            format!(
                "{} of {judged} judged {} verified against their kept observations",
                judged - self.unverified(),
                if judged == 1 { "record" } else { "records" }
            )
        };
        if self.unverified() > 0 {
            line.push_str(&format!("; {} not (see \"Verification of each record\")", self.unverified()));
        }
        if nothing > 0 {
            line.push_str(&format!("; {} with nothing to re-judge", plural(nothing, "record", "records")));
        }
        line
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::CheckResult;
    use crate::dossier::verify::Signature;

    #[test]
    fn the_cover_counts_live_against_pre_filled_and_names_what_does_not_verify() {
        let q = crate::questionnaire::load("uniwise-wiseflow").expect("builtin");
        let mut d = Dossier::new(&q);
        let at = chrono::Utc::now();
        for (check, ran) in
            [("retry.backoff", Ran::Live), ("retry.limit", Ran::PreFilled), ("trace.echo", Ran::Live)]
        {
            d.evidence.push(crate::dossier::Evidence::filed(
                CheckResult::new(check, Verdict::Pass, "ok"),
                at,
                ran,
            ));
        }
        d.evidence[2].ran = None;
        assert_eq!(
            RanCounts::of(&d).line(),
            "3 records: 1 run live in the session, 1 pre-filled, 1 of unknown provenance (filed by an older build)"
        );
        let checked = |index, state| Checked { index, state, signature: Signature::NotChecked };
        let states = vec![
            checked(0, State::Verified),
            checked(1, State::Missing { path: "/home/dana/acme.evidence/ab.jsonl.gz".into() }),
            checked(2, State::NothingToJudge),
        ];
        let v = Verification::new(&d, &states, "/home/dana");
        assert_eq!(
            v.record(1).map(|r| r.describe.as_str()),
            Some("observations missing (acme.evidence/ab.jsonl.gz)")
        );
        assert_eq!(v.mark(), "✘");
        assert_eq!(
            v.headline(),
            "1 of 2 judged records verified against their kept observations; 1 not (see \"Verification of each record\"); 1 record with nothing to re-judge"
        );
        let old = Verification::new(&d, &[checked(0, State::NoObservations)], "");
        assert_eq!(
            (old.mark(), old.headline().as_str()),
            (
                "◐",
                "0 of 1 judged record verified against their kept observations; 1 not (see \"Verification of each record\")"
            )
        );
        let unsigned = Checked { index: 0, state: State::Verified, signature: Signature::Unsigned };
        let v = Verification::new(&d, &[unsigned], "");
        assert_eq!((v.mark(), v.records[0].describe.as_str()), ("✘", "verified; unsigned"));
    }
}
