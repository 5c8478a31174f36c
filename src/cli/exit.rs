//! The process exit codes, one type for every subcommand, so a CI pipeline can tell "your
//! integration failed" from "the environment failed" from "nothing could be judged".
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | every judged check passed (warnings allowed) |
//! | 1 | a check failed (the partner's integration) |
//! | 2 | usage or input error (flags, a bad dossier, questionnaire or profile) |
//! | 3 | environment: the target or upstream unreachable, TLS failure, the dossier locked |
//! | 4 | nothing could be judged (every selected check inconclusive) |
//! | 130 | interrupted |
//!
//! When several apply to one run, the first in this order wins: usage (2), interrupted
//! (130), a failed check (1), environment (3), nothing judged (4), pass (0). A failure is
//! reported before an environment error because it is definite: the partner has something to
//! fix whatever else went wrong.

use std::process::ExitCode;

/// One exit code of the documented table (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Exit {
    /// 0: every judged check passed.
    Pass,
    /// 1: a check failed.
    Fail,
    /// 2: usage or input error.
    Usage,
    /// 3: the environment failed (unreachable target or upstream, TLS, a locked dossier).
    Environment,
    /// 4: nothing could be judged.
    NothingJudged,
    /// 130: interrupted (Ctrl-C).
    Interrupted,
}

impl Exit {
    /// The numeric code.
    pub const fn code(self) -> u8 {
        match self {
            Exit::Pass => 0,
            Exit::Fail => 1,
            Exit::Usage => 2,
            Exit::Environment => 3,
            Exit::NothingJudged => 4,
            Exit::Interrupted => 130,
        }
    }

    /// How strongly this code claims a run that several apply to (higher wins).
    const fn rank(self) -> u8 {
        match self {
            Exit::Pass => 0,
            Exit::NothingJudged => 1,
            Exit::Environment => 2,
            Exit::Fail => 3,
            Exit::Interrupted => 4,
            Exit::Usage => 5,
        }
    }

    /// The code of a run that both `self` and `other` apply to (see the module doc's order).
    #[must_use]
    pub fn combine(self, other: Exit) -> Exit {
        if other.rank() > self.rank() { other } else { self }
    }

    /// The table for `--help` and error messages.
    pub const HELP: &'static str = "Exit codes:\n  0    every judged check passed (warnings allowed)\n  1    a check failed (the partner's integration)\n  2    usage or input error (flags, a bad dossier, questionnaire or profile)\n  3    environment: the target or upstream unreachable, TLS failure, the dossier locked\n  4    nothing could be judged (every selected check inconclusive)\n  130  interrupted";
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_precedence() {
        let all =
            [Exit::Pass, Exit::Fail, Exit::Usage, Exit::Environment, Exit::NothingJudged, Exit::Interrupted];
        let codes: Vec<u8> = all.iter().map(|e| e.code()).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 130]);
        assert_eq!(Exit::Pass.combine(Exit::NothingJudged), Exit::NothingJudged);
        assert_eq!(Exit::Environment.combine(Exit::Fail), Exit::Fail);
        assert_eq!(Exit::Fail.combine(Exit::Environment), Exit::Fail);
        assert_eq!(Exit::NothingJudged.combine(Exit::Environment), Exit::Environment);
        assert_eq!(Exit::Fail.combine(Exit::Usage), Exit::Usage);
        for e in all {
            assert!(Exit::HELP.contains(&format!("  {} ", e.code())), "{e:?} missing from HELP");
        }
    }
}
