//! Parsing and validating questionnaire TOML with located errors.
//!
//! The raw structs keep `Spanned` ids so a duplicate id or an unknown check id can be reported
//! with its line and column, like a TOML syntax error or an unknown key.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::model::{AnswerKind, Question, Questionnaire, Section};
use super::structure;
use crate::checks::is_known_check;
use crate::span::line_col;

/// One problem in a questionnaire file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based; 0 when the problem has no location.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QuestionnaireError {
    #[error("cannot read questionnaire {path}: {cause}")]
    Read { path: String, cause: crate::files::ReadError },
    #[error("{}", render(.0))]
    Invalid(Vec<Diagnostic>),
    #[error(
        "unknown questionnaire '{0}' (built-in: {1}); give a name from `certcockpit questionnaires` or a path to a .toml file"
    )]
    Unknown(String, String),
}

fn render(diags: &[Diagnostic]) -> String {
    diags.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

impl QuestionnaireError {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            QuestionnaireError::Invalid(d) => d,
            _ => &[],
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    questionnaire: RawHeader,
    #[serde(default)]
    sections: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: String,
    title: String,
    version: String,
    source: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    text: String,
    #[serde(default)]
    guidance: String,
    kind: Option<Spanned<AnswerKind>>,
    #[serde(default)]
    choices: Vec<String>,
    #[serde(default)]
    checks: Vec<Spanned<String>>,
}

struct Located<'a> {
    file: &'a str,
    src: &'a str,
    out: Vec<Diagnostic>,
}

impl Located<'_> {
    fn push(&mut self, span: Option<Range<usize>>, message: String) {
        let (line, column) = span.map_or((0, 0), |s| line_col(self.src, s.start));
        self.out.push(Diagnostic { file: self.file.to_owned(), line, column, message });
    }
}

/// Parses and validates questionnaire text. `file` names the source in diagnostics.
pub fn parse(file: &str, src: &str) -> Result<Questionnaire, QuestionnaireError> {
    let mut diag = Located { file, src, out: Vec::new() };
    let raw: RawFile = match toml::from_str(src) {
        Ok(raw) => raw,
        Err(e) => {
            diag.push(e.span(), e.message().trim().to_owned());
            // Valid TOML with structural mistakes: serde stopped at the first; name the others
            // too (the first is already there, at its exact place).
            if toml::from_str::<toml::Table>(src).is_ok() {
                let first_line = diag.out.first().map(|d| d.line);
                for (span, message) in structure::problems::<RawHeader, RawSection, RawQuestion>(src) {
                    let line = span.as_ref().map(|s| line_col(src, s.start).0);
                    if line != first_line {
                        diag.push(span, message);
                    }
                }
            }
            return Err(QuestionnaireError::Invalid(diag.out));
        }
    };
    if raw.questionnaire.id.trim().is_empty() {
        diag.push(None, "questionnaire.id is empty".into());
    }
    if raw.sections.is_empty() {
        diag.push(None, "the questionnaire has no [[sections]]".into());
    }
    let mut section_ids = HashSet::new();
    let mut question_ids = HashSet::new();
    let mut sections = Vec::new();
    for s in raw.sections {
        let sid = s.id.get_ref().trim().to_owned();
        if sid.is_empty() {
            diag.push(Some(s.id.span()), "section id is empty".into());
        } else if !section_ids.insert(sid.clone()) {
            diag.push(Some(s.id.span()), format!("duplicate section id '{sid}'"));
        }
        if s.questions.is_empty() {
            diag.push(Some(s.id.span()), format!("section '{sid}' has no questions"));
        }
        let mut questions = Vec::new();
        for q in s.questions {
            let qid = q.id.get_ref().trim().to_owned();
            if qid.is_empty() {
                diag.push(Some(q.id.span()), "question id is empty".into());
            } else if !question_ids.insert(qid.clone()) {
                diag.push(Some(q.id.span()), format!("duplicate question id '{qid}'"));
            }
            if q.text.trim().is_empty() {
                diag.push(Some(q.id.span()), format!("question '{qid}' has no text"));
            }
            let kind = q.kind.as_ref().map(|k| k.get_ref().clone()).unwrap_or_default();
            let kind_span = q.kind.as_ref().map_or_else(|| q.id.span(), Spanned::span);
            if kind == AnswerKind::Choice && q.choices.is_empty() {
                diag.push(
                    Some(kind_span.clone()),
                    format!("question '{qid}' is a choice but lists no choices"),
                );
            }
            if kind != AnswerKind::Choice && !q.choices.is_empty() {
                diag.push(
                    Some(kind_span),
                    format!("question '{qid}' lists choices but its kind is not \"choice\""),
                );
            }
            let mut checks = Vec::new();
            for c in q.checks {
                if !is_known_check(c.get_ref()) {
                    diag.push(
                        Some(c.span()),
                        format!(
                            "unknown check id '{}' in question '{qid}' (see PRODUCT.md's catalogue)",
                            c.get_ref()
                        ),
                    );
                }
                checks.push(c.into_inner());
            }
            questions.push(Question {
                id: qid,
                text: q.text.trim().to_owned(),
                guidance: q.guidance.trim().to_owned(),
                kind,
                choices: q.choices,
                checks,
            });
        }
        sections.push(Section { id: sid, title: s.title, questions });
    }
    if !diag.out.is_empty() {
        return Err(QuestionnaireError::Invalid(diag.out));
    }
    let h = raw.questionnaire;
    Ok(Questionnaire {
        id: h.id,
        title: h.title,
        version: h.version,
        source: h.source,
        description: h.description.trim().to_owned(),
        sections,
    })
}

/// Reads and parses a questionnaire file: a regular file (never a FIFO or device, which a
/// dossier written by someone else may name) of at most `files::MAX_CONFIG_BYTES`.
pub fn parse_file(path: &Path) -> Result<Questionnaire, QuestionnaireError> {
    let name = path.display().to_string();
    let src = crate::files::read_regular_text(path, crate::files::MAX_CONFIG_BYTES)
        .map_err(|cause| QuestionnaireError::Read { path: name.clone(), cause })?;
    parse(&name, &src)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[questionnaire]
id = "t"
title = "T"
version = "1"
source = "test"

[[sections]]
id = "a"
title = "A"

[[sections.questions]]
id = "a.one"
text = "Do you?"
kind = "yes_no_partial"
checks = ["retry.backoff"]
"#;

    fn diags(src: &str) -> Vec<Diagnostic> {
        match parse("q.toml", src) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.diagnostics().to_vec(),
        }
    }

    #[test]
    fn parses_a_good_file() {
        let q = parse("q.toml", GOOD).expect("valid");
        assert_eq!(q.question_count(), 1);
        assert_eq!(q.sections[0].questions[0].kind, AnswerKind::YesNoPartial);
        assert_eq!(q.questions_for_check("retry.backoff").count(), 1);
    }

    #[test]
    fn unknown_key_is_located() {
        let src = GOOD.replace("kind = ", "colour = \"red\"\nkind = ");
        let d = diags(&src);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 15, "{d:?}");
        assert!(d[0].message.contains("colour"), "{}", d[0].message);
        assert!(d[0].to_string().starts_with("q.toml:15:"));
    }

    #[test]
    fn duplicate_ids_and_unknown_checks_are_located() {
        let src = format!(
            "{GOOD}\n[[sections.questions]]\nid = \"a.one\"\ntext = \"Again?\"\nchecks = [\"retry.nope\"]\n"
        );
        let d = diags(&src);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].message.contains("duplicate question id 'a.one'"));
        assert_eq!(d[0].line, 19);
        assert_eq!(d[0].column, 6);
        assert!(d[1].message.contains("unknown check id 'retry.nope'"));
        assert_eq!(d[1].line, 21);
    }

    /// serde stops at the first structural mistake; `validate` names every one, each located.
    #[test]
    fn every_structural_mistake_is_named_and_located() {
        let src = format!(
            "{}\n[[sections]]\nid = \"b\"\ntitel = \"B\"\n\n[[sections.questions]]\nid = \"b.one\"\ntext = \"Why?\"\nchecks = \"retry.backoff\"\n\n[[sections.questions]]\nid = \"b.two\"\ntext = \"How?\"\nkind = \"essay\"\n",
            GOOD.replace("source = \"test\"", "source = \"test\"\nauthor = \"me\"")
        );
        let d = diags(&src);
        let lines: Vec<usize> = d.iter().map(|d| d.line).collect();
        let line_of = |needle: &str| {
            src.lines().position(|l| l.starts_with(needle)).map(|n| n + 1).expect("in the source")
        };
        // The header's unknown key, the section's misspelt title (and so its missing title),
        // the question whose checks is not a list, the question with an unknown kind.
        for (needle, word) in [
            ("author", "author"),
            ("titel", "titel"),
            ("checks = \"retry", "checks"),
            ("kind = \"essay", "essay"),
        ] {
            let line = line_of(needle);
            assert!(
                d.iter().any(|x| x.line == line && x.message.contains(word)),
                "nothing about {word} on line {line}: {d:#?}"
            );
        }
        assert!(d.iter().all(|x| x.line > 0 && x.to_string().starts_with("q.toml:")), "{d:#?}");
        assert!(lines.len() >= 4, "{d:#?}");
        assert!(d.iter().any(|x| x.message.contains("section 'b'")), "{d:#?}");
        assert!(d.iter().any(|x| x.message.contains("question 'b.two' of section 'b'")), "{d:#?}");
    }

    #[test]
    fn syntax_error_is_located() {
        let d = diags("[questionnaire]\nid = \"x\nversion = 1\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 2, "{d:?}");
    }
}
