//! The verification state of the evidence the cockpit opened with: each record already in the
//! dossier is verified once (`dossier::verify`: its judge run again on the observations kept in
//! the sidecar) by the runner, off the UI task, when the session starts, and handed to
//! `update` as [`crate::ui::Msg::Verified`]; the views mark what does not verify. Records filed
//! in this session come straight from the judge and are not re-verified (they have no entry).

use crate::dossier::Dossier;
use crate::dossier::verify::Checked;

/// Per record index of the dossier as opened, what verifying it found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verification {
    checked: Vec<Checked>,
}

impl Verification {
    pub fn new(checked: Vec<Checked>) -> Self {
        Self { checked }
    }

    /// What verifying the newest record of `check` found, when it does not verify (`None`:
    /// verified, never verified, or filed in this session).
    pub fn unverified_latest<'a>(&'a self, dossier: &Dossier, check: &str) -> Option<&'a Checked> {
        let index = dossier.evidence.iter().rposition(|e| e.check == check)?;
        self.checked.iter().find(|c| c.index == index).filter(|c| !c.is_verified())
    }

    /// The first of `checks` whose newest record does not verify.
    pub fn any_unverified<'a>(&'a self, dossier: &Dossier, checks: &[String]) -> Option<&'a Checked> {
        checks.iter().find_map(|c| self.unverified_latest(dossier, c))
    }

    /// Records that do not verify.
    pub fn unverified(&self) -> usize {
        self.checked.iter().filter(|c| !c.is_verified()).count()
    }
}
