//! The readable report of a dossier, in Markdown or self-contained HTML, ending with the
//! remediation list for the follow-up email.
//!
//! [`Report::build`] works out the content once (cover, readiness, sections with answers and
//! evidence, remediation); [`markdown::render`] and [`html::render`] only lay it out.

pub mod html;
pub mod markdown;
mod model;
mod requirement;
mod svg;
mod verification;

use std::path::Path;

pub use model::{
    CheckEvidence, Cover, QuestionReport, Readiness, ReadinessLevel, Remediation, RemediationSource, Report,
    SectionReport, figure_pairs,
};
pub use requirement::requirement;
pub use verification::{RanCounts, RecordCheck, Verification, ran_label};

use crate::dossier::{self, Dossier, DossierError};
use crate::questionnaire::{self, BUILTIN, Questionnaire, QuestionnaireError};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Dossier(#[from] DossierError),
    #[error(transparent)]
    Questionnaire(#[from] QuestionnaireError),
    #[error(
        "{path} names questionnaire '{id}', which is not built in (built-in: {builtin}); pass --questionnaire PATH to use a custom questionnaire file"
    )]
    UnknownQuestionnaire { path: String, id: String, builtin: String },
}

/// The report of the dossier at `path` with each record's verification state: every record's
/// judge run again on the observations kept beside it (`dossier::verify`, which reads the
/// sidecar), then [`Report::verified`].
pub fn verified(path: &Path, q: &Questionnaire, d: &Dossier) -> Report {
    verified_signed(path, q, d, None)
}

/// [`verified`], with each record's signature checked against `keys` when given (as
/// `verify --key` does): a record signed by another key, unsigned or with a signature that
/// does not hold is shown `✘` and makes the dossier not ready.
pub fn verified_signed(
    path: &Path,
    q: &Questionnaire,
    d: &Dossier,
    keys: Option<&[crate::signing::PublicKey]>,
) -> Report {
    let states = dossier::verify::verify_signed(path, d, keys);
    let folder = path.parent().map(|p| p.display().to_string()).unwrap_or_default();
    Report::verified(q, d, Verification::new(d, &states, &folder))
}

/// Loads a dossier (read-only, no lock) and its questionnaire: `questionnaire` (a built-in name
/// or a path) when given, otherwise the built-in the dossier names.
pub fn load(path: &Path, questionnaire: Option<&str>) -> Result<(Questionnaire, Dossier), ReportError> {
    let d = dossier::load(path)?;
    let q = match questionnaire {
        Some(name_or_path) => questionnaire::load(name_or_path)?,
        None => match questionnaire::builtin(&d.dossier.questionnaire) {
            Some(q) => q?,
            None => {
                return Err(ReportError::UnknownQuestionnaire {
                    path: path.display().to_string(),
                    id: d.dossier.questionnaire.clone(),
                    builtin: BUILTIN.iter().map(|b| b.name).collect::<Vec<_>>().join(", "),
                });
            }
        },
    };
    Ok((q, d))
}
