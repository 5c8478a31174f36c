//! The report's content, worked out once from a questionnaire and a dossier, so the Markdown and
//! HTML renderers only lay it out and can never disagree about readiness or remediation.

use std::collections::BTreeSet;

use super::requirement::requirement;
use super::verification::{RanCounts, RecordCheck, Verification};
use crate::checks::{CheckId, Verdict, title_of};
use crate::dossier::{Dossier, Evidence, ReviewStatus};
use crate::questionnaire::Questionnaire;

/// The cover: who, what, when, against which questionnaire.
#[derive(Debug, Clone, PartialEq)]
pub struct Cover {
    pub integration: String,
    pub partner: String,
    pub reviewer: String,
    pub partner_engineer: String,
    pub date: String,
    /// When the dossier was last saved (RFC 3339), empty if never.
    pub updated: String,
    pub questionnaire_title: String,
    pub questionnaire_id: String,
    /// The version of the questionnaire the report was laid out with.
    pub questionnaire_version: String,
    /// The version the dossier was started with, when it differs (answers are keyed by id, so
    /// they carry over; the reader should still know).
    pub dossier_questionnaire_version: Option<String>,
    pub source: String,
    /// Where the evidence records were run: live in the session or pre-filled (provenance).
    pub ran: RanCounts,
}

/// Overall readiness, with the counts behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    pub needs_work: usize,
    /// Distinct checks whose latest verdict is fail.
    pub failed_checks: usize,
    /// Questions still open (no answer yet).
    pub open: usize,
    /// Questions answered but not yet reviewed (ok / needs work / n.a.).
    pub awaiting_review: usize,
    /// Linked checks that were never run.
    pub checks_not_run: usize,
    /// Checks whose latest verdict is inconclusive.
    pub checks_inconclusive: usize,
    /// Checks whose latest record does not hold against its kept observations or signature
    /// (verified reports only): its verdict cannot be taken as given, so the dossier is not
    /// ready on it whatever it says (the partner may have edited it).
    pub checks_not_holding: usize,
    pub reviewed: usize,
    pub total: usize,
}

/// The three readiness outcomes, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadinessLevel {
    NotReady,
    Incomplete,
    Ready,
}

impl Readiness {
    pub fn level(&self) -> ReadinessLevel {
        if self.needs_work > 0 || self.failed_checks > 0 || self.checks_not_holding > 0 {
            ReadinessLevel::NotReady
        } else if self.open > 0 || self.awaiting_review > 0 {
            ReadinessLevel::Incomplete
        } else {
            ReadinessLevel::Ready
        }
    }

    /// A symbol for the level, so it reads without colour.
    pub fn symbol(&self) -> &'static str {
        match self.level() {
            ReadinessLevel::NotReady => "✘",
            ReadinessLevel::Incomplete => "◐",
            ReadinessLevel::Ready => "✔",
        }
    }

    /// One line: "ready", "not ready: 2 items need work, 1 check failed", "incomplete: 3
    /// questions open".
    pub fn headline(&self) -> String {
        match self.level() {
            ReadinessLevel::NotReady => {
                let mut parts = Vec::new();
                if self.needs_work > 0 {
                    parts.push(plural(self.needs_work, "item needs work", "items need work"));
                }
                if self.failed_checks > 0 {
                    parts.push(plural(self.failed_checks, "check failed", "checks failed"));
                }
                if self.checks_not_holding > 0 {
                    parts.push(plural(
                        self.checks_not_holding,
                        "check's evidence does not verify",
                        "checks' evidence does not verify",
                    ));
                }
                format!("not ready: {}", parts.join(", "))
            }
            ReadinessLevel::Incomplete => {
                let mut parts = Vec::new();
                if self.open > 0 {
                    parts.push(plural(self.open, "question open", "questions open"));
                }
                if self.awaiting_review > 0 {
                    parts.push(plural(
                        self.awaiting_review,
                        "answer awaiting review",
                        "answers awaiting review",
                    ));
                }
                format!("incomplete: {}", parts.join(", "))
            }
            // Ready is the reviewer's call; unrun checks are said, not held against it.
            ReadinessLevel::Ready if self.checks_not_run > 0 => {
                format!("ready ({} never run)", plural(self.checks_not_run, "linked check", "linked checks"))
            }
            ReadinessLevel::Ready => "ready".to_owned(),
        }
    }

    /// The counts behind the headline, one sentence.
    pub fn progress(&self) -> String {
        format!(
            "{} of {} questions reviewed; {} open, {} awaiting review; {} never run, {} inconclusive.",
            self.reviewed,
            self.total,
            self.open,
            self.awaiting_review,
            plural(self.checks_not_run, "linked check", "linked checks"),
            self.checks_inconclusive
        )
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What is known about one linked check.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckEvidence {
    pub check: String,
    /// The catalogue title, or the id for a check this version does not know.
    pub title: String,
    /// The newest evidence record; `None` when the check was never run.
    pub latest: Option<Evidence>,
    /// How many times it was run in all.
    pub runs: usize,
    /// The newest record's verification state, when the report was built with them.
    pub verification: Option<RecordCheck>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuestionReport {
    pub id: String,
    pub text: String,
    pub answer: String,
    pub status: ReviewStatus,
    pub note: String,
    pub evidence: Vec<CheckEvidence>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionReport {
    pub id: String,
    pub title: String,
    pub questions: Vec<QuestionReport>,
}

/// Why an item is on the remediation list.
#[derive(Debug, Clone, PartialEq)]
pub enum RemediationSource {
    /// The reviewer marked the question needs work.
    Question { id: String, section: String, text: String, answer: String, note: String },
    /// The check's latest verdict is fail; `questions` are the ids of the questions it backs.
    /// Boxed: a record (with its provenance and signature) is much larger than a question.
    Check { evidence: Box<Evidence>, title: String, questions: Vec<String> },
}

/// One item of the remediation list: a requirement and the evidence of the gap.
#[derive(Debug, Clone, PartialEq)]
pub struct Remediation {
    pub requirement: String,
    pub source: RemediationSource,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub cover: Cover,
    pub description: String,
    pub readiness: Readiness,
    pub sections: Vec<SectionReport>,
    /// Evidence for checks no question links to (latest per check), in catalogue order.
    pub other_evidence: Vec<CheckEvidence>,
    /// Answers filed under ids this questionnaire version does not have.
    pub orphan_answers: Vec<(String, String)>,
    pub remediation: Vec<Remediation>,
    /// Every record's verification state; `None` when built without them ([`Report::build`]).
    pub verification: Option<Verification>,
}

fn check_evidence(dossier: &Dossier, check: &str, v: Option<&Verification>) -> CheckEvidence {
    let latest = dossier.evidence.iter().rposition(|e| e.check == check);
    CheckEvidence {
        check: check.to_owned(),
        title: title_of(check).to_owned(),
        latest: latest.map(|i| dossier.evidence[i].clone()),
        runs: dossier.evidence.iter().filter(|e| e.check == check).count(),
        verification: latest.zip(v).and_then(|(i, v)| v.record(i).cloned()),
    }
}

/// Every check id with evidence in the dossier: registry order first, then unknown ids by name.
fn checks_with_evidence(dossier: &Dossier) -> Vec<String> {
    let present: BTreeSet<&str> = dossier.evidence.iter().map(|e| e.check.as_str()).collect();
    let mut ids: Vec<String> =
        CheckId::ALL.iter().filter(|c| present.contains(c.as_str())).map(|c| c.as_str().to_owned()).collect();
    ids.extend(present.iter().filter(|id| CheckId::parse(id).is_none()).map(|id| (*id).to_owned()));
    ids
}

impl Report {
    /// Works the report out, saying nothing about verification. Pure: the same inputs give
    /// the same report.
    pub fn build(q: &Questionnaire, d: &Dossier) -> Self {
        Self::build_with(q, d, None)
    }

    /// Works the report out with each record's verification state (`dossier::verify`'s
    /// result for `d`, see [`Verification::new`]).
    pub fn verified(q: &Questionnaire, d: &Dossier, verification: Verification) -> Self {
        Self::build_with(q, d, Some(verification))
    }

    fn build_with(q: &Questionnaire, d: &Dossier, verification: Option<Verification>) -> Self {
        let v = verification.as_ref();
        let meta = &d.dossier;
        let cover = Cover {
            integration: meta.integration.clone(),
            partner: meta.partner.clone(),
            reviewer: meta.reviewer.clone(),
            partner_engineer: meta.partner_engineer.clone(),
            date: meta.date.clone(),
            updated: meta.updated.clone(),
            questionnaire_title: q.title.clone(),
            questionnaire_id: q.id.clone(),
            questionnaire_version: q.version.clone(),
            dossier_questionnaire_version: (!meta.questionnaire_version.is_empty()
                && meta.questionnaire_version != q.version)
                .then(|| meta.questionnaire_version.clone()),
            source: q.source.clone(),
            ran: RanCounts::of(d),
        };

        let mut remediation = Vec::new();
        let mut linked = BTreeSet::new();
        let mut sections = Vec::new();
        for s in &q.sections {
            let mut questions = Vec::new();
            for question in &s.questions {
                let a = d.answer(&question.id).cloned().unwrap_or_default();
                linked.extend(question.checks.iter().cloned());
                if a.status == ReviewStatus::NeedsWork {
                    remediation.push(Remediation {
                        requirement: question_requirement(&a.note),
                        source: RemediationSource::Question {
                            id: question.id.clone(),
                            section: s.title.clone(),
                            text: question.text.clone(),
                            answer: a.answer.clone(),
                            note: a.note.clone(),
                        },
                    });
                }
                questions.push(QuestionReport {
                    id: question.id.clone(),
                    text: question.text.clone(),
                    answer: a.answer,
                    status: a.status,
                    note: a.note,
                    evidence: question.checks.iter().map(|c| check_evidence(d, c, v)).collect(),
                });
            }
            sections.push(SectionReport { id: s.id.clone(), title: s.title.clone(), questions });
        }

        let mut failed_checks = 0;
        let mut checks_inconclusive = 0;
        let mut checks_not_holding = 0;
        for check in checks_with_evidence(d) {
            let Some(latest) = d.latest_evidence(&check) else { continue };
            let index = d.evidence.iter().rposition(|e| e.check == check);
            if index.zip(v).and_then(|(i, v)| v.record(i)).is_some_and(|r| r.checked.does_not_hold()) {
                checks_not_holding += 1;
            }
            if latest.verdict == Verdict::Inconclusive {
                checks_inconclusive += 1;
            }
            if latest.verdict != Verdict::Fail {
                continue;
            }
            failed_checks += 1;
            let questions = q.questions_for_check(&check).map(|x| x.id.clone()).collect();
            remediation.push(Remediation {
                requirement: requirement(&check),
                source: RemediationSource::Check {
                    evidence: Box::new(latest.clone()),
                    title: title_of(&check).to_owned(),
                    questions,
                },
            });
        }

        let other_evidence = checks_with_evidence(d)
            .iter()
            .filter(|c| !linked.contains(*c))
            .map(|c| check_evidence(d, c, v))
            .collect();
        let orphan_answers = d
            .answers
            .iter()
            .filter(|(id, a)| q.question(id).is_none() && !a.is_empty())
            .map(|(id, a)| (id.clone(), a.answer.clone()))
            .collect();

        let statuses: Vec<ReviewStatus> = q.questions().map(|x| d.status(&x.id)).collect();
        let count = |s: ReviewStatus| statuses.iter().filter(|x| **x == s).count();
        let readiness = Readiness {
            needs_work: count(ReviewStatus::NeedsWork),
            failed_checks,
            open: count(ReviewStatus::Open),
            awaiting_review: count(ReviewStatus::Answered),
            checks_not_run: linked.iter().filter(|c| d.latest_evidence(c).is_none()).count(),
            checks_inconclusive,
            checks_not_holding,
            reviewed: statuses
                .iter()
                .filter(|s| {
                    matches!(s, ReviewStatus::Ok | ReviewStatus::NeedsWork | ReviewStatus::NotApplicable)
                })
                .count(),
            total: statuses.len(),
        };

        Self {
            cover,
            description: q.description.clone(),
            readiness,
            sections,
            other_evidence,
            orphan_answers,
            remediation,
            verification,
        }
    }
}

/// A question marked needs work: the reviewer's note is the requirement when there is one
/// (reviewers write "must retry with backoff"); otherwise a generic one.
fn question_requirement(note: &str) -> String {
    let note = note.trim();
    if note.is_empty() {
        "This item must be reworked and reviewed again before production access.".to_owned()
    } else {
        note.to_owned()
    }
}

/// Figures as `name = value` pairs, in name order.
pub fn figure_pairs(e: &Evidence) -> Vec<String> {
    e.figures.iter().map(|(k, v)| format!("{k} = {v}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::CheckResult;
    use crate::questionnaire;

    fn at() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").expect("time").to_utc()
    }

    /// A pass that does not hold against what was kept (the partner edited the verdict, or the
    /// observations) is not taken as given: the dossier is not ready on it.
    #[test]
    fn evidence_that_does_not_hold_is_not_ready() {
        use crate::dossier::verify::{Checked, Signature, State};
        let q = questionnaire::load("okendo-webhooks").expect("builtin");
        let mut d = Dossier::new(&q);
        for question in q.questions() {
            d.answer_mut(&question.id).status = ReviewStatus::Ok;
        }
        d.file_evidence(CheckResult::new("webhook.replay", Verdict::Fail, "stale accepted"), at());
        d.file_evidence(CheckResult::new("webhook.replay", Verdict::Pass, "window held"), at());
        d.file_evidence(CheckResult::new("webhook.signature", Verdict::Pass, "forgeries refused"), at());
        let checked = |index, state| Checked { index, state, signature: Signature::NotChecked };
        let states = [
            // The older fail no longer counts; only the latest record of a check does.
            checked(0, State::Missing { path: "d.evidence/x.jsonl.gz".into() }),
            checked(
                1,
                State::Differs { recorded: Verdict::Pass, observed: Verdict::Fail, detail: String::new() },
            ),
            checked(2, State::NoObservations),
        ];
        let r = Report::verified(&q, &d, Verification::new(&d, &states, ""));
        assert_eq!(r.readiness.checks_not_holding, 1);
        assert_eq!(r.readiness.level(), ReadinessLevel::NotReady);
        assert_eq!(r.readiness.headline(), "not ready: 1 check's evidence does not verify");
        // Without verification the same dossier reads ready, as before.
        assert_eq!(Report::build(&q, &d).readiness.level(), ReadinessLevel::Ready);
    }

    #[test]
    fn readiness_reads_in_plain_words() {
        let q = questionnaire::load("okendo-webhooks").expect("builtin");
        let mut d = Dossier::new(&q);
        let r = Report::build(&q, &d);
        assert_eq!(r.readiness.headline(), "incomplete: 9 questions open");
        assert_eq!(r.readiness.checks_not_run, 8);
        for question in q.questions() {
            d.answer_mut(&question.id).status = ReviewStatus::Ok;
        }
        assert_eq!(Report::build(&q, &d).readiness.headline(), "ready (8 linked checks never run)");
        for c in [
            "webhook.delivery",
            "webhook.rotation",
            "webhook.ordering",
            "webhook.duplicate",
            "webhook.deadline",
            "webhook.transport",
            "webhook.signature",
        ] {
            d.file_evidence(CheckResult::new(c, Verdict::Pass, "fine"), at());
        }
        d.file_evidence(CheckResult::new("webhook.replay", Verdict::Inconclusive, "no answer"), at());
        let r = Report::build(&q, &d);
        assert_eq!(r.readiness.headline(), "ready");
        assert_eq!(
            r.readiness.progress(),
            "9 of 9 questions reviewed; 0 open, 0 awaiting review; 0 linked checks never run, 1 inconclusive."
        );
        d.answer_mut("verify.library").status = ReviewStatus::Answered;
        assert_eq!(Report::build(&q, &d).readiness.headline(), "incomplete: 1 answer awaiting review");
        d.answer_mut("verify.signature").status = ReviewStatus::NeedsWork;
        d.file_evidence(CheckResult::new("webhook.replay", Verdict::Fail, "stale accepted"), at());
        d.file_evidence(CheckResult::new("webhook.ordering", Verdict::Fail, "500 on old"), at());
        let r = Report::build(&q, &d);
        assert_eq!(r.readiness.headline(), "not ready: 1 item needs work, 2 checks failed");
        assert_eq!(r.readiness.level(), ReadinessLevel::NotReady);
        assert_eq!(r.remediation.len(), 3);
    }

    #[test]
    fn only_the_latest_verdict_counts() {
        let q = questionnaire::load("okendo-webhooks").expect("builtin");
        let mut d = Dossier::new(&q);
        d.file_evidence(CheckResult::new("webhook.signature", Verdict::Fail, "forged accepted"), at());
        d.file_evidence(CheckResult::new("webhook.signature", Verdict::Pass, "all rejected"), at());
        d.file_evidence(CheckResult::new("retry.limit", Verdict::Fail, "never gives up"), at());
        let r = Report::build(&q, &d);
        assert_eq!(r.readiness.failed_checks, 1);
        let ev = &r.sections[3].questions[0].evidence[0];
        assert_eq!(ev.check, "webhook.signature");
        assert_eq!(ev.runs, 2);
        assert_eq!(ev.latest.as_ref().map(|e| e.verdict), Some(Verdict::Pass));
        // retry.limit backs no Okendo question: it still shows, and still needs remediation.
        assert_eq!(r.other_evidence.len(), 1);
        assert_eq!(r.other_evidence[0].check, "retry.limit");
        match &r.remediation[0].source {
            RemediationSource::Check { evidence, questions, .. } => {
                assert_eq!(evidence.check, "retry.limit");
                assert!(questions.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reviewer_note_is_the_requirement() {
        let q = questionnaire::load("okendo-webhooks").expect("builtin");
        let mut d = Dossier::new(&q);
        let a = d.answer_mut("response.async");
        a.status = ReviewStatus::NeedsWork;
        a.note = "Processing must move to a queue.".into();
        d.answer_mut("gone.question").answer = "old answer".into();
        let r = Report::build(&q, &d);
        assert_eq!(r.remediation[0].requirement, "Processing must move to a queue.");
        assert_eq!(r.orphan_answers, vec![("gone.question".to_owned(), "old answer".to_owned())]);
    }
}
