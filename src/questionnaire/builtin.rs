//! The questionnaires embedded in the binary, so an installed `certcockpit` works from any
//! folder. Each file lives in `questionnaires/` and is validated by the test suite.

use std::path::Path;

use super::model::Questionnaire;
use super::parse::{QuestionnaireError, parse, parse_file};

/// A built-in questionnaire: its name (the file stem, used on the command line) and its text.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    pub name: &'static str,
    pub source: &'static str,
}

/// Every built-in questionnaire; the first is the default.
pub const BUILTIN: &[Builtin] = &[
    Builtin { name: "uniwise-wiseflow", source: include_str!("../../questionnaires/uniwise-wiseflow.toml") },
    Builtin { name: "okra-integration", source: include_str!("../../questionnaires/okra-integration.toml") },
    Builtin { name: "okhi-webhooks", source: include_str!("../../questionnaires/okhi-webhooks.toml") },
    Builtin { name: "cobalt-go-live", source: include_str!("../../questionnaires/cobalt-go-live.toml") },
    Builtin { name: "okendo-webhooks", source: include_str!("../../questionnaires/okendo-webhooks.toml") },
];

/// Parses a built-in questionnaire by name.
pub fn builtin(name: &str) -> Option<Result<Questionnaire, QuestionnaireError>> {
    BUILTIN
        .iter()
        .find(|b| b.name == name)
        .map(|b| parse(&format!("questionnaires/{}.toml", b.name), b.source))
}

/// Loads a questionnaire given as a built-in name or a path to a TOML file.
pub fn load(name_or_path: &str) -> Result<Questionnaire, QuestionnaireError> {
    if let Some(q) = builtin(name_or_path) {
        return q;
    }
    let path = Path::new(name_or_path);
    if path.exists() || name_or_path.ends_with(".toml") || name_or_path.contains('/') {
        return parse_file(path);
    }
    let names = BUILTIN.iter().map(|b| b.name).collect::<Vec<_>>().join(", ");
    Err(QuestionnaireError::Unknown(name_or_path.to_owned(), names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_validates_and_links_known_checks() {
        for b in BUILTIN {
            let q = match builtin(b.name) {
                Some(Ok(q)) => q,
                Some(Err(e)) => panic!("{} is invalid:\n{e}", b.name),
                None => panic!("{} missing", b.name),
            };
            assert_eq!(q.id, b.name, "questionnaire id must match its file name");
            for question in q.questions() {
                for c in &question.checks {
                    assert!(crate::checks::is_known_check(c), "{}: {c}", question.id);
                }
            }
        }
    }

    #[test]
    fn uniwise_has_eight_sections_and_26_questions() {
        let q = load("uniwise-wiseflow").expect("built in");
        assert_eq!(q.sections.len(), 8);
        assert_eq!(q.question_count(), 26);
        assert_eq!(q.sections[0].title, "Integration Overview");
        let ra = q.questions().find(|x| x.text.contains("Retry-After")).expect("Retry-After question");
        assert!(ra.checks.contains(&"ratelimit.retry_after".to_owned()));
    }

    #[test]
    fn unknown_name_is_a_clear_error() {
        let e = load("nope").expect_err("unknown");
        assert!(e.to_string().contains("uniwise-wiseflow"), "{e}");
    }
}
