//! Questionnaires: the questions a certification review walks, one TOML file per provider.
//!
//! Sections and questions carry stable ids: answers in a dossier are keyed by question id,
//! never by position, so a revised questionnaire keeps old answers.

mod builtin;
mod model;
mod parse;
mod structure;

pub use builtin::{BUILTIN, Builtin, builtin, load};
pub use model::{AnswerKind, Question, Questionnaire, Section};
pub use parse::{Diagnostic, QuestionnaireError, parse, parse_file};
