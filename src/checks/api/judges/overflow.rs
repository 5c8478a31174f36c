//! A verdict on part of the record is no verdict. The journal keeps the newest
//! [`MAX_ENTRIES`] requests; a client that floods it within a window (a failure, then 20,000
//! junk requests, then one clean pass) would otherwise be judged on the clean tail alone.
//! Fairness rule: when the requests a judge reads lost any entry, a pass *and* a fail become
//! inconclusive (the dropped requests could hold the failure a pass missed, or the page a fail
//! says never came); the summary says how many were dropped and what the partial record would
//! have read, and the `journal_dropped` figure files the count. Not applicable stays so.

use crate::checks::api::journal::MAX_ENTRIES;
use crate::checks::{CheckResult, Verdict};

/// `result`, inconclusive when `dropped` requests of what it was judged on were lost.
pub fn judged_on_part(mut result: CheckResult, dropped: u64) -> CheckResult {
    if dropped == 0 || result.verdict == Verdict::NotApplicable {
        return result;
    }
    result.verdict = Verdict::Inconclusive;
    result.summary = format!(
        "inconclusive: the journal overflowed ({dropped} requests dropped; it keeps the newest {MAX_ENTRIES}), so the client is not judged on part of its record (the part kept reads: {})",
        result.summary
    );
    result.figure("journal_dropped", dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_or_a_fail_on_part_of_the_record_is_inconclusive() {
        let pass = CheckResult::new("pagination.complete", Verdict::Pass, "all 3 pages");
        assert_eq!(judged_on_part(pass.clone(), 0).verdict, Verdict::Pass);
        let r = judged_on_part(pass, 501);
        assert_eq!(r.verdict, Verdict::Inconclusive);
        assert!(
            r.summary.starts_with("inconclusive: the journal overflowed (501 requests dropped"),
            "{}",
            r.summary
        );
        let fail = CheckResult::new("pagination.complete", Verdict::Fail, "page 2 never asked");
        assert_eq!(judged_on_part(fail, 1).verdict, Verdict::Inconclusive);
        let na = CheckResult::new("auth.refresh", Verdict::NotApplicable, "no tokens");
        assert_eq!(judged_on_part(na, 9).verdict, Verdict::NotApplicable);
    }
}
