//! The one state of the TUI. Views read it; only `update` changes it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ratatui_textarea::{TextArea, WrapMode};

use crate::dossier::Dossier;
use crate::questionnaire::{Question, Questionnaire, Section};

use super::fields::Field;

/// What the keys currently drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Moving between sections and questions.
    Browse,
    /// Keys go to the answer editor until `Esc`.
    EditAnswer,
    /// Keys go to the reviewer-note editor until `Esc`.
    EditNote,
    /// The settings popup, moving between fields.
    Settings,
    /// The settings popup, editing one field.
    EditSetting,
    /// The key help popup.
    Help,
}

/// A one-line message in the status area: info or error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Self { text: text.into(), error: false }
    }
    pub fn error(text: impl Into<String>) -> Self {
        Self { text: text.into(), error: true }
    }
}

/// The save state shown in the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    /// Everything is on disk.
    Saved,
    /// Changes wait for the debounce.
    Unsaved,
    /// A save is in flight.
    Saving,
    /// The last save failed; the text says why. Changes stay in memory and are retried.
    Failed(String),
}

/// A check that is running, as the evidence pane shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunningCheck {
    pub started: Instant,
    /// The latest progress line.
    pub last: String,
}

/// The whole state of the review TUI.
#[derive(Debug)]
pub struct App {
    pub questionnaire: Questionnaire,
    pub dossier: Dossier,
    /// The dossier's file name as shown in the header.
    pub dossier_name: String,
    /// Evidence API address, when one is listening (shown in the status line).
    pub api_address: Option<String>,
    pub section: usize,
    /// Index of the question within the selected section.
    pub question: usize,
    pub mode: Mode,
    /// The mode to return to when the help popup closes.
    pub help_return: Mode,
    /// The editor for the answer, the note or a settings field (whichever `mode` says).
    pub editor: TextArea<'static>,
    /// The selected settings field.
    pub setting: usize,
    pub notice: Option<Notice>,
    /// The clock as of the latest tick.
    pub now: Instant,
    /// First and latest unsaved change (for the debounce), `None` when nothing is pending.
    pub dirty: Option<(Instant, Instant)>,
    pub save_in_flight: bool,
    /// The last save's error, until a save succeeds.
    pub save_error: Option<String>,
    /// `q` was pressed: quit as soon as the final save is done.
    pub quitting: bool,
    /// The final save failed: a second `q` quits without saving.
    pub quit_armed: bool,
    pub running: BTreeMap<String, RunningCheck>,
}

impl App {
    /// A new app on a dossier, with the first question of the first section selected.
    /// `created` marks a dossier that is not on disk yet, so the first autosave writes it.
    pub fn new(
        questionnaire: Questionnaire,
        dossier: Dossier,
        dossier_name: impl Into<String>,
        created: bool,
    ) -> Self {
        let now = Instant::now();
        Self {
            questionnaire,
            dossier,
            dossier_name: dossier_name.into(),
            api_address: None,
            section: 0,
            question: 0,
            mode: Mode::Browse,
            help_return: Mode::Browse,
            editor: TextArea::default(),
            setting: 0,
            notice: None,
            now,
            dirty: created.then_some((now, now)),
            save_in_flight: false,
            save_error: None,
            quitting: false,
            quit_armed: false,
            running: BTreeMap::new(),
        }
    }

    pub fn current_section(&self) -> Option<&Section> {
        self.questionnaire.sections.get(self.section)
    }

    pub fn current_question(&self) -> Option<&Question> {
        self.current_section().and_then(|s| s.questions.get(self.question))
    }

    pub fn current_field(&self) -> Field {
        Field::ALL.get(self.setting).copied().unwrap_or(Field::Integration)
    }

    /// (done, total) for a section: questions not open count as done.
    pub fn progress(&self, section: &Section) -> (usize, usize) {
        let done = section.questions.iter().filter(|q| self.dossier.status(&q.id).is_done()).count();
        (done, section.questions.len())
    }

    pub fn save_state(&self) -> SaveState {
        if self.save_in_flight {
            SaveState::Saving
        } else if let Some(e) = &self.save_error {
            SaveState::Failed(e.clone())
        } else if self.dirty.is_some() {
            SaveState::Unsaved
        } else {
            SaveState::Saved
        }
    }

    /// Time since a running check started, as of the latest tick.
    pub fn elapsed(&self, check: &RunningCheck) -> Duration {
        self.now.saturating_duration_since(check.started)
    }

    /// A fresh editor holding `text`, wrapping at words (answers are prose).
    pub(crate) fn editor_with(text: &str) -> TextArea<'static> {
        let mut t = TextArea::new(text.split('\n').map(str::to_owned).collect());
        t.set_wrap_mode(WrapMode::WordOrGlyph);
        t.move_cursor(ratatui_textarea::CursorMove::Bottom);
        t.move_cursor(ratatui_textarea::CursorMove::End);
        t
    }
}
