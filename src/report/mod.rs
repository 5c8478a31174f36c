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

use std::path::Path;

pub use model::{
    CheckEvidence, Cover, QuestionReport, Readiness, ReadinessLevel, Remediation, RemediationSource, Report,
    SectionReport, figure_pairs,
};
pub use requirement::requirement;

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
