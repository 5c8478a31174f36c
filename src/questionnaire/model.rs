//! The validated, span-free questionnaire the rest of the program uses.

use serde::{Deserialize, Serialize};

/// How a question is answered. The answer itself is always stored as text in the dossier;
/// the kind tells the editor what to offer and the validator what to accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// Free text (the default).
    #[default]
    Text,
    /// "yes", "no" or "partial", optionally followed by free text.
    YesNoPartial,
    /// A number, optionally with a unit or explanation after it.
    Number,
    /// One of the listed choices.
    Choice,
}

impl AnswerKind {
    pub fn label(&self) -> &'static str {
        match self {
            AnswerKind::Text => "text",
            AnswerKind::YesNoPartial => "yes / no / partial",
            AnswerKind::Number => "number",
            AnswerKind::Choice => "choice",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub guidance: String,
    pub kind: AnswerKind,
    /// For `AnswerKind::Choice`: the allowed answers.
    pub choices: Vec<String>,
    /// Ids of the live checks (see `checks::CheckId`) that give evidence for this question.
    pub checks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Questionnaire {
    pub id: String,
    pub title: String,
    pub version: String,
    /// Where the questions come from (document title and address).
    pub source: String,
    pub description: String,
    /// In display order.
    pub sections: Vec<Section>,
}

impl Questionnaire {
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    pub fn question_count(&self) -> usize {
        self.sections.iter().map(|s| s.questions.len()).sum()
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    /// The questions that a given check gives evidence for.
    pub fn questions_for_check<'a>(&'a self, check: &'a str) -> impl Iterator<Item = &'a Question> + 'a {
        self.questions().filter(move |q| q.checks.iter().any(|c| c == check))
    }
}
