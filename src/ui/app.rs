//! The one state of the TUI. Views read it; only `update` changes it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ratatui_textarea::{TextArea, WrapMode};

use crate::checks::Secret;
use crate::checks::{CheckFamily, CheckId};
use crate::dossier::Dossier;
use crate::questionnaire::{Question, Questionnaire, Section};

use super::consent::SecretConsent;
use super::fields::Field;
use super::lifecycle::{QuitState, SaveState};
use super::live_journal::LiveJournal;

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
    /// The evidence API's credentials for the partner to copy (the only place the client
    /// secret is drawn, so a capture of the main screen never carries it). Masked unless
    /// revealed: the cockpit is shown over screen share.
    Credentials(Reveal),
    /// Asking whether to send a secret from the environment to a target the dossier named
    /// (`App::consent.pending`; see `consent.rs`).
    ConfirmSecret,
    /// One pane takes the whole body and scrolls (`z`): for reading long guidance or the
    /// retry chart over a screen share.
    Zoom(super::zoom::Zoom),
    /// Typing a search query (`/`); the matches are listed in a popup.
    Search,
    /// The summary screen (`g`, `ui/summary.rs`), scrolled this many rows.
    Summary(u16),
}

/// Whether the credentials popup shows the client secret. Presenter-safe by default: masked
/// until the reveal key, and masked again by the next key or after [`REVEAL_FOR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reveal {
    Masked,
    /// Shown until this moment (the UI clock).
    Shown {
        until: Instant,
    },
}

/// How long a revealed secret stays on screen without a key press.
pub const REVEAL_FOR: std::time::Duration = std::time::Duration::from_secs(30);

/// The key that reveals the secret in the credentials popup (named in the status line).
pub const REVEAL_KEY: char = 'v';

/// `••••••1a2b`: the last four characters only, so the partner can tell which secret it is
/// without the call seeing it.
pub fn masked(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("••••••{tail}")
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

/// A check that is running, as the evidence pane shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunningCheck {
    pub started: Instant,
    /// The latest progress line.
    pub last: String,
}

/// The evidence API of this session, as the status line and the credentials popup show it.
#[derive(Debug, Clone)]
pub struct ApiInfo {
    /// `IP:PORT`.
    pub address: String,
    pub base_url: String,
    pub token_url: String,
    pub client_id: String,
    /// Generated per session; drawn only in the credentials popup, never filed or logged.
    pub client_secret: Secret,
    /// Over HTTPS: the local CA's certificate file, for the partner's client to trust.
    pub ca_pem: Option<String>,
}

impl ApiInfo {
    /// What the cockpit shows of a running evidence API.
    pub fn from_api(api: &crate::checks::api::EvidenceApi) -> Self {
        let (client_id, secret) = api.credentials();
        Self {
            address: api.local_addr().to_string(),
            base_url: api.base_url().to_owned(),
            token_url: api.token_url(),
            client_id: client_id.to_owned(),
            client_secret: secret.clone(),
            ca_pem: api.ca_pem().map(|p| p.display().to_string()),
        }
    }
}

/// An armed evidence-API scenario, as the live pane shows it.
#[derive(Debug, Clone)]
pub struct Armed {
    pub check: CheckId,
    /// What the API does in this scenario, in one sentence.
    pub describe: String,
    /// When it was armed (the UI clock) and the journal clock at arming (µs), the origin of
    /// the times shown.
    pub started: Instant,
    pub origin_us: u64,
    /// When the fault came into force (wall clock, shown as "since HH:MM:SS").
    pub since: chrono::DateTime<chrono::Utc>,
    /// Requests since arming, oldest first (the newest
    /// [`LIVE_JOURNAL_LINES`](super::live_journal::LIVE_JOURNAL_LINES)), and how far
    /// the reviewer has scrolled back.
    pub journal: LiveJournal,
    /// Requests seen in all (the journal above may have dropped the oldest).
    pub seen: usize,
}

/// The whole state of the review TUI.
#[derive(Debug)]
pub struct App {
    pub questionnaire: Questionnaire,
    pub dossier: Dossier,
    /// The dossier's file name as shown in the header.
    pub dossier_name: String,
    pub section: usize,
    /// Index of the question within the selected section.
    pub question: usize,
    pub mode: Mode,
    /// The mode to return to when the help popup closes.
    pub help_return: Mode,
    /// The help popup's page (`←`/`→`; the view wraps it to the pages that fit).
    pub help_page: usize,
    /// The editor for the answer, the note or a settings field (whichever `mode` says).
    pub editor: TextArea<'static>,
    /// The selected settings field.
    pub setting: usize,
    pub notice: Option<Notice>,
    /// The clock as of the latest tick.
    pub now: Instant,
    /// Whether the dossier in memory is on disk (clean, dirty, saving, failed).
    pub save: SaveState,
    /// Whether the reviewer is leaving (staying, after the final save, armed to quit unsaved).
    pub quit: QuitState,
    pub running: BTreeMap<String, RunningCheck>,
    /// The evidence API, when one runs for this session.
    pub api: Option<ApiInfo>,
    /// The armed scenario, if any (one at a time).
    pub armed: Option<Armed>,
    /// The `X-Trace-Id` served most recently (for `trace.echo`).
    pub last_trace_id: Option<String>,
    /// In `certcockpit demo`: whether the demo peers are flawed (`None` outside the demo).
    pub demo_flawed: Option<bool>,
    /// Rows the live journal had at the latest draw (0: not shown or not drawn yet). Set by
    /// the runner from the layout, so the scroll keys page by what the reviewer sees.
    pub live_rows: u16,
    /// Which (webhook target, secret variable) pairs the reviewer allowed or refused in this
    /// session, and the question on screen.
    pub consent: SecretConsent,
    /// How far the zoomed pane can scroll at the latest draw (set by the runner, like
    /// `live_rows`), so the scroll keys stop at the last line.
    pub zoom_max_scroll: u16,
    /// The search query, kept after `Enter` so `]` / `[` step through its matches.
    pub search: super::search::Search,
    /// What verifying the evidence the session opened with found (set by the runner).
    pub verification: super::verification::Verification,
    /// When armed faults begin (the session's delay) and the scenario armed but not in force.
    pub faults: super::faults::Faults,
    /// The session clock and the time per section not yet in the dossier (`ui/agenda.rs`).
    pub agenda: super::agenda::Agenda,
    /// The colours (`--theme`, `NO_COLOR`), applied to each finished frame.
    pub theme: super::view::Theme,
    /// Where the latest frame put things (set by the runner after each draw, like
    /// `live_rows`), so a click hits what the reviewer saw (`ui/layout.rs`, `ui/mouse.rs`).
    pub layout: super::layout::FrameLayout,
    /// How far the mouse wheel scrolled the guidance and the evidence of the selected question.
    pub pane_scroll: super::pane_scroll::PaneScroll,
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
            section: 0,
            question: 0,
            mode: Mode::Browse,
            help_return: Mode::Browse,
            help_page: 0,
            editor: TextArea::default(),
            setting: 0,
            notice: None,
            now,
            save: SaveState::new(created, now),
            quit: QuitState::Staying,
            running: BTreeMap::new(),
            api: None,
            armed: None,
            last_trace_id: None,
            demo_flawed: None,
            live_rows: 0,
            consent: SecretConsent::default(),
            zoom_max_scroll: 0,
            search: super::search::Search::default(),
            verification: Default::default(),
            faults: super::faults::Faults::default(),
            agenda: super::agenda::Agenda::new(now),
            theme: super::view::Theme::default(),
            layout: Default::default(),
            pane_scroll: Default::default(),
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

    /// Records a change to the dossier, as of the latest tick: the autosave picks it up.
    pub fn mark_changed(&mut self) {
        self.save.changed(self.now);
    }

    /// `certcockpit demo`: the header shows the peers (good or `flawed`), `d` switches them,
    /// the webhook target `url` gets the demo's in-memory secret `var` without asking, and the
    /// dossier's demo settings are saved soon. A notice says what to do unless one is up.
    pub fn enter_demo(&mut self, flawed: bool, url: &str, var: &str) {
        self.demo_flawed = Some(flawed);
        self.consent.remember(url, var, true);
        self.mark_changed();
        if self.notice.is_none() {
            self.notice = Some(Notice::info(
                "demo: r on a question runs its checks against the built-in peers; d switches them good/flawed",
            ));
        }
    }

    /// Sets the session's evidence API (shown in the status line and the credentials popup).
    pub fn with_api(mut self, api: ApiInfo) -> Self {
        self.api = Some(api);
        self
    }

    /// Sets how long after arming a fault begins (`FaultDelay::IMMEDIATE`: at the keypress).
    pub fn with_fault_delay(mut self, delay: super::faults::FaultDelay) -> Self {
        self.faults.delay = delay;
        self
    }

    /// The scenario armed whose fault has not begun, when it belongs to the selected question.
    pub fn pending_here(&self) -> Option<&super::faults::PendingFault> {
        self.faults.pending.as_ref().filter(|p| self.api_checks().contains(&p.check))
    }

    /// Time since the armed scenario was armed, as of the latest tick.
    pub fn armed_elapsed(&self) -> Option<Duration> {
        self.armed.as_ref().map(|a| self.now.saturating_duration_since(a.started))
    }

    /// The evidence-API checks linked to the selected question that have a scenario to arm,
    /// in questionnaire order (`api.endpoints` is a record of the headless run, not armed).
    pub fn api_checks(&self) -> Vec<CheckId> {
        self.current_question()
            .map(|q| {
                q.checks
                    .iter()
                    .filter_map(|c| CheckId::parse(c))
                    .filter(|c| c.family() == CheckFamily::Api)
                    .filter(|c| crate::checks::api::Scenario::for_check(c.as_str()).is_some())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The armed scenario when it belongs to the selected question (the live pane shows then).
    pub fn armed_here(&self) -> Option<&Armed> {
        self.armed.as_ref().filter(|a| self.api_checks().contains(&a.check))
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
