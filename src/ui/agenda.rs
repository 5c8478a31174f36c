//! The agenda: a session clock (time since the review opened) and the time spent on each
//! section, so the reviewer can keep an hour's call to the hour.
//!
//! Time arrives only with `Msg::Tick` (update reads no clock). Each tick's interval goes to the
//! section that was selected during it, into the dossier's `[agenda]` (whole seconds; the
//! fraction waits here). The dossier is marked changed — and so autosaved — only at moments
//! that matter, not every second: when the reviewer leaves a section, once a minute of time is
//! unsaved, and before quitting, so the header does not flicker "unsaved" all call long.

use std::time::{Duration, Instant};

use super::app::App;

/// A gap between ticks longer than this is not counted: the machine slept or the process was
/// stopped, and nobody was reviewing meanwhile. (Ticks come every 100 ms.)
pub const MAX_TICK_GAP: Duration = Duration::from_secs(5);

/// Unsaved agenda time that is worth a save of its own.
pub const SAVE_EVERY: Duration = Duration::from_secs(60);

/// The session's clock and what of its time the dossier has not been told yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agenda {
    /// When the review opened (the UI clock at `App::new`).
    pub opened: Instant,
    /// The latest tick counted.
    last: Instant,
    /// The section selected at the latest tick (its id), which the next interval goes to.
    section: Option<String>,
    /// Under a second not yet added to the dossier.
    carry: Duration,
    /// Time added to the dossier since it was last marked changed for the agenda.
    unsaved: Duration,
}

impl Agenda {
    pub fn new(now: Instant) -> Self {
        Self { opened: now, last: now, section: None, carry: Duration::ZERO, unsaved: Duration::ZERO }
    }
}

/// Time since the review opened, as of the latest tick.
pub fn session(app: &App) -> Duration {
    app.now.saturating_duration_since(app.agenda.opened)
}

/// Seconds spent on a section so far: over every session, this one included.
pub fn spent(app: &App, section_id: &str) -> u64 {
    app.dossier.agenda.spent(section_id)
}

/// Counts the interval since the previous tick (`app.now` is already the new tick). Returns
/// whether the dossier should be marked changed (the section changed, or a minute is unsaved).
pub fn tick(app: &mut App) -> bool {
    let now = app.now;
    let gap = now.saturating_duration_since(app.agenda.last);
    app.agenda.last = now;
    let current = app.current_section().map(|s| s.id.clone());
    let previous = std::mem::replace(&mut app.agenda.section, current.clone());
    if let Some(id) = &previous
        && gap <= MAX_TICK_GAP
    {
        let total = app.agenda.carry + gap;
        let whole = total.as_secs();
        app.agenda.carry = total - Duration::from_secs(whole);
        if whole > 0 {
            *app.dossier.agenda.seconds.entry(id.clone()).or_default() += whole;
            app.agenda.unsaved += Duration::from_secs(whole);
        }
    }
    let left = previous.is_some() && previous != current;
    (left || app.agenda.unsaved >= SAVE_EVERY) && settle(app)
}

/// Before a save that matters (quitting): whether agenda time waits to be saved. Forgets it as
/// unsaved, since the caller marks the dossier changed.
pub fn settle(app: &mut App) -> bool {
    let pending = !app.agenda.unsaved.is_zero();
    app.agenda.unsaved = Duration::ZERO;
    pending
}

/// `1:05:09` past the hour, `12:34` under it.
pub fn clock(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// A section's time in a narrow column: `45s`, `12m`, `1h05`; empty when none was spent.
pub fn short(seconds: u64) -> String {
    match seconds {
        0 => String::new(),
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s => format!("{}h{:02}", s / 3600, s / 60 % 60),
    }
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::dossier::Dossier;
    use crate::ui::{Effect, Msg, update};

    fn app() -> App {
        let q = crate::questionnaire::load("uniwise-wiseflow").expect("builtin");
        let d = Dossier::new(&q);
        App::new(q, d, "d.toml", false)
    }

    /// Ticks every 100 ms for `secs` seconds, as the runner does; returns the effects.
    fn run_for(app: &mut App, secs: u64) -> Vec<Effect> {
        let mut fx = Vec::new();
        for _ in 0..secs * 10 {
            let now = app.now + Duration::from_millis(100);
            fx.extend(update(app, Msg::Tick(now)));
        }
        fx
    }

    fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
        update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    fn saves(fx: &[Effect]) -> usize {
        fx.iter().filter(|e| matches!(e, Effect::Save(_))).count()
    }

    #[test]
    fn the_clock_runs_on_ticks_and_time_goes_to_the_selected_section() {
        let mut a = app();
        assert_eq!(session(&a), Duration::ZERO);
        let fx = run_for(&mut a, 30);
        assert_eq!(session(&a), Duration::from_secs(30));
        // The first tick starts the count (nothing before it was on screen).
        assert_eq!(spent(&a, "overview"), 29);
        assert_eq!(saves(&fx), 0, "half a minute of time alone is not worth a save");
        assert!(!a.save.unsaved(), "the header does not flicker unsaved every second");

        press(&mut a, KeyCode::Char('l'));
        let fx = run_for(&mut a, 12);
        assert_eq!(saves(&fx), 1, "leaving a section saves its time");
        let Some(Effect::Save(saved)) = fx.iter().find(|e| matches!(e, Effect::Save(_))) else {
            unreachable!()
        };
        assert_eq!(saved.agenda.spent("overview"), 30);
        assert_eq!(spent(&a, "auth"), 11);
        assert_eq!(spent(&a, "overview"), 30, "the old section's time stops");
    }

    #[test]
    fn a_minute_unsaved_is_saved_and_a_long_gap_is_not_counted() {
        let mut a = app();
        let fx = run_for(&mut a, 61);
        assert_eq!(saves(&fx), 1, "a minute of time is saved on its own");
        update(&mut a, Msg::Saved(Ok(())));
        // The laptop slept for an hour: nobody reviewed meanwhile.
        let before = spent(&a, "overview");
        let later = a.now + Duration::from_secs(3600);
        update(&mut a, Msg::Tick(later));
        assert_eq!(spent(&a, "overview"), before);
        assert_eq!(session(&a), Duration::from_secs(3661), "the session clock is the wall clock");
    }

    #[test]
    fn quitting_saves_the_time_first() {
        let mut a = app();
        run_for(&mut a, 5);
        assert!(!a.save.unsaved());
        let fx = press(&mut a, KeyCode::Char('q'));
        assert_eq!(saves(&fx), 1, "{fx:?}");
        let Some(Effect::Save(saved)) = fx.first() else { unreachable!() };
        assert_eq!(saved.agenda.spent("overview"), 4);
        assert!(!fx.iter().any(|e| matches!(e, Effect::Quit)), "quits once saved");
        let fx = update(&mut a, Msg::Saved(Ok(())));
        assert!(fx.iter().any(|e| matches!(e, Effect::Quit)), "{fx:?}");
    }

    #[test]
    fn time_recorded_in_earlier_sessions_adds_up() {
        let mut a = app();
        a.dossier.agenda.seconds.insert("overview".into(), 600);
        run_for(&mut a, 3);
        assert_eq!(spent(&a, "overview"), 602);
    }

    #[test]
    fn clocks_read_at_a_glance() {
        assert_eq!(clock(Duration::from_secs(0)), "0:00");
        assert_eq!(clock(Duration::from_secs(754)), "12:34");
        assert_eq!(clock(Duration::from_secs(3909)), "1:05:09");
        assert_eq!(short(0), "");
        assert_eq!(short(45), "45s");
        assert_eq!(short(754), "12m");
        assert_eq!(short(3909), "1h05");
    }
}
