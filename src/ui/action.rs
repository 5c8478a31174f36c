//! What a key means: the key table (`keys.rs`) maps a key, in a mode, to one `Action`, and
//! `update` performs actions, never raw keys, so every key it handles is a key the help shows.

/// Which way the live journal scrolls (`PgUp`/`PgDn`/`Home`/`End` on the live pane).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalScroll {
    PageUp,
    PageDown,
    Oldest,
    Follow,
}

/// One thing a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    // Browsing.
    NextQuestion,
    PrevQuestion,
    /// `→`: the next section, stopping at the last.
    NextSection,
    PrevSection,
    /// `Tab`: the next section, wrapping around.
    NextSectionWrap,
    PrevSectionWrap,
    EditAnswer,
    EditNote,
    CycleStatus,
    RunChecks,
    ArmNext,
    Finish,
    Disarm,
    MarkTrace {
        found: bool,
    },
    Credentials,
    Journal(JournalScroll),
    ToggleDemo,
    Settings,
    Help,
    Quit,
    Zoom,
    Search,
    SearchStep {
        forward: bool,
    },
    /// `Esc` while browsing: the notice and the kept search go.
    Dismiss,
    // Zoomed.
    Unzoom,
    ZoomOtherPane,
    ZoomScroll {
        down: bool,
    },
    /// `PgUp`/`PgDn`: a page of the pane, or of the journal when the live pane is zoomed.
    ZoomPage {
        down: bool,
    },
    /// `Home`/`End`: the top or the end of the pane (the journal's when live).
    ZoomEdge {
        end: bool,
    },
    // The summary screen (`g`).
    Summary,
    CloseSummary,
    SummaryScroll {
        down: bool,
    },
    SummaryPage {
        down: bool,
    },
    SummaryEdge {
        end: bool,
    },
    // Editors (answer, note, setting, search query): the key goes to the text.
    Type,
    EditDone,
    // Settings.
    NextField,
    PrevField,
    EditField,
    CloseSettings,
    // Help.
    CloseHelp,
    HelpPage {
        forward: bool,
    },
    // Search.
    SearchKeep,
    SearchMove {
        down: bool,
    },
    SearchClear,
    // Credentials.
    Reveal,
    /// Any other key in the credentials popup masks the secret again.
    Mask,
    CloseCredentials,
    // Asking to send a secret.
    Consent {
        send: bool,
    },
}
