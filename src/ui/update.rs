//! The update function: `Msg` in, state changes and `Effect`s out. No I/O and no clock reads —
//! time arrives with `Msg::Tick`, so every rule here (debounce, quit-saves) is unit-testable.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui_textarea::TextArea;

use crate::checks::CheckEvent;
use crate::dossier::ReviewStatus;

use super::app::{App, Mode, Notice, RunningCheck};
use super::fields::Field;
use super::msg::{Effect, Msg};

/// Quiet time after the latest change before autosaving.
pub const DEBOUNCE: Duration = Duration::from_millis(400);
/// Longest a change waits while the user keeps typing, so it is on disk within about a second.
pub const MAX_UNSAVED: Duration = Duration::from_millis(900);

/// Applies one message to the app and returns what the runner must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Press => on_key(app, key, &mut fx),
        Msg::Key(_) | Msg::Resize(..) => {}
        Msg::Tick(now) => {
            app.now = now;
            autosave(app, &mut fx);
        }
        Msg::Saved(result) => on_saved(app, result, &mut fx),
        Msg::Check { event, at } => on_check(app, event, at),
        Msg::Notice(n) => app.notice = Some(n),
    }
    fx
}

fn mark_changed(app: &mut App) {
    let first = app.dirty.map_or(app.now, |(first, _)| first);
    app.dirty = Some((first, app.now));
}

fn start_save(app: &mut App, fx: &mut Vec<Effect>) {
    fx.push(Effect::Save(Box::new(app.dossier.clone())));
    app.save_in_flight = true;
    app.dirty = None;
}

/// At most one save in flight; a change during a save is picked up by a later tick.
fn autosave(app: &mut App, fx: &mut Vec<Effect>) {
    if app.save_in_flight {
        return;
    }
    if let Some((first, last)) = app.dirty {
        let quiet = app.now.saturating_duration_since(last) >= DEBOUNCE;
        let overdue = app.now.saturating_duration_since(first) >= MAX_UNSAVED;
        if quiet || overdue {
            start_save(app, fx);
        }
    }
}

fn on_saved(app: &mut App, result: Result<(), String>, fx: &mut Vec<Effect>) {
    app.save_in_flight = false;
    match result {
        Ok(()) => {
            app.save_error = None;
            if app.quitting {
                if app.dirty.is_some() { start_save(app, fx) } else { fx.push(Effect::Quit) }
            }
        }
        Err(e) => {
            if app.quitting {
                app.quitting = false;
                app.quit_armed = true;
                app.notice = Some(Notice::error(
                    "could not save on quit (see above): press q again to quit WITHOUT saving, or keep working",
                ));
            }
            app.save_error = Some(e);
        }
    }
}

fn request_quit(app: &mut App, fx: &mut Vec<Effect>) {
    if app.quit_armed {
        fx.push(Effect::Quit);
        return;
    }
    app.quitting = true;
    if matches!(app.mode, Mode::EditAnswer | Mode::EditNote) {
        app.mode = Mode::Browse;
    }
    if app.save_in_flight {
        app.notice = Some(Notice::info("saving before quitting…"));
    } else if app.dirty.is_some() || app.save_error.is_some() {
        app.notice = Some(Notice::info("saving before quitting…"));
        start_save(app, fx);
    } else {
        fx.push(Effect::Quit);
    }
}

fn is_ctrl_c(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c' | 'C'))
}

fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    if is_ctrl_c(&key) {
        if app.mode == Mode::EditSetting {
            commit_setting(app);
        }
        request_quit(app, fx);
        return;
    }
    if !app.quit_armed && app.notice.as_ref().is_some_and(|n| !n.error) {
        app.notice = None;
    }
    match app.mode {
        Mode::Browse => browse_key(app, key, fx),
        Mode::EditAnswer | Mode::EditNote => edit_key(app, key),
        Mode::Settings => settings_key(app, key, fx),
        Mode::EditSetting => edit_setting_key(app, key),
        Mode::Help => {
            if matches!(key.code, KeyCode::Esc | KeyCode::Char('?' | 'q')) {
                app.mode = app.help_return;
            }
        }
    }
}

fn browse_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => next_question(app),
        KeyCode::Up | KeyCode::Char('k') => prev_question(app),
        KeyCode::Right | KeyCode::Char('l') => select_section(app, (app.section + 1).min(last_section(app))),
        KeyCode::Left | KeyCode::Char('h') => select_section(app, app.section.saturating_sub(1)),
        KeyCode::Tab => {
            let n = app.questionnaire.sections.len().max(1);
            select_section(app, (app.section + 1) % n);
        }
        KeyCode::BackTab => {
            let n = app.questionnaire.sections.len().max(1);
            select_section(app, (app.section + n - 1) % n);
        }
        KeyCode::Enter => start_edit(app, Mode::EditAnswer),
        KeyCode::Char('n') => start_edit(app, Mode::EditNote),
        KeyCode::Char('s') => cycle_status(app),
        KeyCode::Char('r') => run_checks(app, fx),
        KeyCode::Char(',' | 'S') => app.mode = Mode::Settings,
        KeyCode::Char('?') => open_help(app),
        KeyCode::Char('q') => request_quit(app, fx),
        KeyCode::Esc => app.notice = None,
        _ => {}
    }
}

fn last_section(app: &App) -> usize {
    app.questionnaire.sections.len().saturating_sub(1)
}

fn select_section(app: &mut App, section: usize) {
    app.section = section;
    app.question = 0;
}

fn next_question(app: &mut App) {
    let len = app.current_section().map_or(0, |s| s.questions.len());
    if app.question + 1 < len {
        app.question += 1;
    } else if app.section < last_section(app) {
        select_section(app, app.section + 1);
    }
}

fn prev_question(app: &mut App) {
    if app.question > 0 {
        app.question -= 1;
    } else if app.section > 0 {
        app.section -= 1;
        app.question = app.current_section().map_or(0, |s| s.questions.len().saturating_sub(1));
    }
}

fn open_help(app: &mut App) {
    app.help_return = app.mode;
    app.mode = Mode::Help;
}

fn start_edit(app: &mut App, mode: Mode) {
    let Some(q) = app.current_question() else { return };
    let a = app.dossier.answer(&q.id);
    let text = match mode {
        Mode::EditNote => a.map(|a| a.note.clone()),
        _ => a.map(|a| a.answer.clone()),
    };
    app.editor = App::editor_with(&text.unwrap_or_default());
    app.mode = mode;
}

fn cycle_status(app: &mut App) {
    let Some(id) = app.current_question().map(|q| q.id.clone()) else { return };
    let a = app.dossier.answer_mut(&id);
    a.status = a.status.next();
    mark_changed(app);
}

fn run_checks(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(q) = app.current_question() else { return };
    if q.checks.is_empty() {
        app.notice = Some(Notice::info("no live check gives evidence for this question"));
        return;
    }
    let ids: Vec<String> = q.checks.iter().filter(|c| !app.running.contains_key(*c)).cloned().collect();
    if ids.is_empty() {
        app.notice = Some(Notice::info("its checks are already running"));
        return;
    }
    fx.push(Effect::RunChecks { ids, settings: Box::new(app.dossier.settings.clone()) });
}

/// Keys go to the textarea only; `Esc` leaves it, keeping the text (already in the dossier).
fn edit_key(app: &mut App, key: KeyEvent) {
    if key.code == KeyCode::Esc {
        app.mode = Mode::Browse;
        return;
    }
    if !app.editor.input(key) {
        return;
    }
    let Some(id) = app.current_question().map(|q| q.id.clone()) else { return };
    let text = app.editor.lines().join("\n");
    let a = app.dossier.answer_mut(&id);
    if app.mode == Mode::EditNote {
        a.note = text;
    } else {
        // Typing on an open question answers it; clearing an answered one reopens it.
        let has_text = !text.trim().is_empty();
        a.answer = text;
        match a.status {
            ReviewStatus::Open if has_text => a.status = ReviewStatus::Answered,
            ReviewStatus::Answered if !has_text => a.status = ReviewStatus::Open,
            _ => {}
        }
    }
    mark_changed(app);
}

fn settings_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let n = Field::ALL.len();
    match key.code {
        KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => app.setting = (app.setting + 1) % n,
        KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => app.setting = (app.setting + n - 1) % n,
        KeyCode::Enter => {
            let field = app.current_field();
            if field.is_cycled() {
                field.cycle(&mut app.dossier);
                mark_changed(app);
            } else {
                let mut t = TextArea::new(vec![field.get(&app.dossier)]);
                t.move_cursor(ratatui_textarea::CursorMove::End);
                app.editor = t;
                app.mode = Mode::EditSetting;
            }
        }
        KeyCode::Esc | KeyCode::Char(',' | 'S') => app.mode = Mode::Browse,
        KeyCode::Char('?') => open_help(app),
        KeyCode::Char('q') => request_quit(app, fx),
        _ => {}
    }
}

/// Stores the edited field; returns whether it was accepted.
fn commit_setting(app: &mut App) -> bool {
    let field = app.current_field();
    let value = app.editor.lines().join(" ");
    if field.get(&app.dossier) == value.trim() {
        return true;
    }
    match field.set(&mut app.dossier, &value) {
        Ok(()) => {
            mark_changed(app);
            true
        }
        Err(e) => {
            app.notice = Some(Notice::error(e));
            false
        }
    }
}

fn edit_setting_key(app: &mut App, key: KeyEvent) {
    match key.code {
        KeyCode::Enter | KeyCode::Esc => {
            if commit_setting(app) {
                app.mode = Mode::Settings;
            }
        }
        _ => {
            app.editor.input(key);
        }
    }
}

fn on_check(app: &mut App, event: CheckEvent, at: chrono::DateTime<chrono::Utc>) {
    match event {
        CheckEvent::Started { id } => {
            app.running.insert(id, RunningCheck { started: app.now, last: "started".into() });
        }
        CheckEvent::Progress { id, message } => {
            let now = app.now;
            app.running
                .entry(id)
                .or_insert_with(|| RunningCheck { started: now, last: String::new() })
                .last = message;
        }
        CheckEvent::Finished(result) => {
            app.running.remove(&result.id);
            app.notice = Some(Notice::info(format!(
                "{} {} {}: {}",
                result.verdict.symbol(),
                result.id,
                result.verdict,
                result.summary
            )));
            app.dossier.file_evidence(result, at);
            mark_changed(app);
        }
    }
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;
