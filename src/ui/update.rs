//! The update function: `Msg` in, state changes and `Effect`s out. No I/O and no clock reads —
//! time arrives with `Msg::Tick`, so every rule here (debounce, quit-saves) is unit-testable.

use std::time::Duration;

use ratatui::crossterm::event::{KeyEvent, KeyEventKind};
use ratatui_textarea::TextArea;

use crate::checks::api::observed_client_name;
use crate::checks::api::{JournalEntry, trace_echo_marked};
use crate::checks::{CheckEvent, CheckFamily, CheckId, CheckResult, Verdict, family_of, is_person_judged};
use crate::dossier::ReviewStatus;
use crate::text;

use super::action::{Action, JournalScroll};
use super::app::{App, Armed, Mode, Notice, REVEAL_FOR, Reveal, RunningCheck};
use super::consent::PendingSecret;
use super::fields::Field;
use super::keys;
use super::lifecycle::QuitState;
use super::live_journal::{LiveJournal, page};
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
        Msg::Mouse(input) => super::mouse::on_mouse(app, input),
        Msg::Tick(now) => {
            app.now = now;
            if let Mode::Credentials(Reveal::Shown { until }) = app.mode
                && now >= until
            {
                app.mode = Mode::Credentials(Reveal::Masked);
            }
            if super::agenda::tick(app) {
                app.mark_changed();
            }
            autosave(app, &mut fx);
        }
        Msg::Saved(result) => on_saved(app, result, &mut fx),
        Msg::Check { event, at } => on_check(app, event, at),
        Msg::Armed { check, describe, origin_us, at } => {
            // A confirmation that a disarm or another arming overtook: the API is idle again.
            let was_pending = app.faults.pending.is_some();
            if !app.faults.confirm(check) {
                return fx;
            }
            let how = if was_pending {
                format!("fault in force since {} UTC", at.format("%H:%M:%S"))
            } else if app.demo_flawed.is_some() {
                "the demo client runs now".to_owned()
            } else {
                "the partner runs their job now (c: credentials)".to_owned()
            };
            app.notice = Some(Notice::info(format!("armed {check}: {how}")));
            app.armed = Some(Armed {
                check,
                describe,
                started: app.now,
                origin_us,
                since: at,
                journal: LiveJournal::default(),
                seen: 0,
            });
        }
        Msg::Journal { check, entry } => on_journal(app, check, *entry),
        Msg::JournalLagged(n) => {
            if let Some(armed) = app.armed.as_mut() {
                armed.journal.skipped(n);
            }
        }
        Msg::Notice(n) => app.notice = Some(n),
        Msg::Verified(checked) => {
            app.verification = super::verification::Verification::new(checked);
            let n = app.verification.unverified();
            if n > 0 {
                app.notice = Some(Notice::error(format!(
                    "{n} evidence record{} of this dossier do{} not verify (marked !; certcockpit verify lists them)",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "es" } else { "" }
                )));
            }
        }
        Msg::FaultDue { epoch } => app.faults.due(epoch, &mut fx),
    }
    fx
}

fn start_save(app: &mut App, fx: &mut Vec<Effect>) {
    fx.push(Effect::Save(Box::new(app.dossier.clone())));
    app.save.begin();
}

/// At most one save in flight; a change during a save is picked up by a later tick.
fn autosave(app: &mut App, fx: &mut Vec<Effect>) {
    if app.save.waiting().is_some_and(|c| c.due(app.now, DEBOUNCE, MAX_UNSAVED)) {
        start_save(app, fx);
    }
}

fn on_saved(app: &mut App, result: Result<(), String>, fx: &mut Vec<Effect>) {
    let ok = result.is_ok();
    app.save.finished(result);
    match (ok, app.quit) {
        (true, QuitState::AfterSave) => {
            if app.save.unsaved() {
                start_save(app, fx)
            } else {
                fx.push(Effect::Quit)
            }
        }
        // Saved after all: the next `q` saves again rather than dropping newer changes.
        (true, QuitState::Armed) => app.quit = QuitState::Staying,
        (false, QuitState::AfterSave) => {
            app.quit = QuitState::Armed;
            app.notice = Some(Notice::error(
                "could not save on quit (see above): press q again to quit WITHOUT saving, or keep working",
            ));
        }
        (true | false, _) => {}
    }
}

fn request_quit(app: &mut App, fx: &mut Vec<Effect>) {
    if app.quit == QuitState::Armed {
        fx.push(Effect::Quit);
        return;
    }
    // The time on the agenda since the last save goes with the final one.
    if super::agenda::settle(app) {
        app.mark_changed();
    }
    app.quit = QuitState::AfterSave;
    if matches!(app.mode, Mode::EditAnswer | Mode::EditNote) {
        app.mode = Mode::Browse;
    }
    if app.save.in_flight() {
        app.notice = Some(Notice::info("saving before quitting…"));
    } else if app.save.unsaved() {
        app.notice = Some(Notice::info("saving before quitting…"));
        start_save(app, fx);
    } else {
        fx.push(Effect::Quit);
    }
}

/// Dispatch goes through the key table (`keys.rs`): the action bound to the key in this mode.
fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(action) = keys::action(app.mode, &key) else { return };
    if action == Action::Quit {
        if app.mode == Mode::EditSetting {
            commit_setting(app);
        }
        request_quit(app, fx);
        return;
    }
    if app.quit != QuitState::Armed && app.notice.as_ref().is_some_and(|n| !n.error) {
        app.notice = None;
    }
    if let Mode::Zoom(zoom) = app.mode
        && super::zoom::act(app, zoom, action)
    {
        return;
    }
    if let Mode::Summary(scroll) = app.mode {
        super::summary::act(app, scroll, action);
        return;
    }
    perform(app, action, key, fx);
}

/// Performs one action of the key table (`key` is the press, for the editors that take it).
fn perform(app: &mut App, action: Action, key: KeyEvent, fx: &mut Vec<Effect>) {
    match action {
        Action::NextQuestion => next_question(app),
        Action::PrevQuestion => prev_question(app),
        Action::NextSection => select_section(app, (app.section + 1).min(last_section(app))),
        Action::PrevSection => select_section(app, app.section.saturating_sub(1)),
        Action::NextSectionWrap => {
            let n = app.questionnaire.sections.len().max(1);
            select_section(app, (app.section + 1) % n);
        }
        Action::PrevSectionWrap => {
            let n = app.questionnaire.sections.len().max(1);
            select_section(app, (app.section + n - 1) % n);
        }
        Action::EditAnswer => start_edit(app, Mode::EditAnswer),
        Action::EditNote => start_edit(app, Mode::EditNote),
        Action::CycleStatus => cycle_status(app),
        Action::RunChecks => run_checks(app, fx),
        Action::ArmNext => arm_next(app, fx),
        Action::Finish => finish_armed(app, fx),
        Action::Disarm => disarm(app, fx),
        Action::MarkTrace { found } => mark_trace(app, found, fx),
        Action::Credentials => {
            if app.api.is_some() {
                app.mode = Mode::Credentials(Reveal::Masked);
            } else {
                app.notice = Some(Notice::info("the evidence API is not running in this session"));
            }
        }
        Action::Journal(how) => scroll_journal(app, how),
        Action::ToggleDemo => toggle_demo(app, fx),
        Action::Settings => app.mode = Mode::Settings,
        Action::Help => open_help(app),
        Action::Quit => request_quit(app, fx),
        Action::Zoom => app.mode = Mode::Zoom(super::zoom::Zoom::open(app)),
        Action::Summary => app.mode = Mode::Summary(0),
        Action::Search => {
            app.search = super::search::Search::default();
            app.mode = Mode::Search;
        }
        Action::SearchStep { forward } => {
            if !super::search::step(app, forward) {
                app.notice =
                    Some(Notice::info("no search kept: / searches, then ] and [ step through the matches"));
            }
        }
        Action::Dismiss => {
            app.notice = None;
            app.search = super::search::Search::default();
        }
        // Zoom actions outside the zoom (none are bound there) do nothing.
        Action::Unzoom
        | Action::ZoomOtherPane
        | Action::ZoomScroll { .. }
        | Action::ZoomPage { .. }
        | Action::ZoomEdge { .. } => {}
        // Likewise the summary's own actions (`summary::act` performs them).
        Action::CloseSummary
        | Action::SummaryScroll { .. }
        | Action::SummaryPage { .. }
        | Action::SummaryEdge { .. } => {}
        Action::Type => match app.mode {
            Mode::EditAnswer | Mode::EditNote => edit_key(app, key),
            Mode::EditSetting => {
                app.editor.input(key);
            }
            Mode::Search => super::search::typing_key(app, key),
            _ => {}
        },
        Action::EditDone => match app.mode {
            Mode::EditSetting => {
                if commit_setting(app) {
                    app.mode = Mode::Settings;
                }
            }
            // The text is already in the dossier.
            _ => app.mode = Mode::Browse,
        },
        Action::NextField => app.setting = (app.setting + 1) % Field::ALL.len(),
        Action::PrevField => app.setting = (app.setting + Field::ALL.len() - 1) % Field::ALL.len(),
        Action::EditField => edit_field(app),
        Action::CloseSettings => app.mode = Mode::Browse,
        Action::CloseHelp => app.mode = app.help_return,
        Action::HelpPage { forward } => {
            app.help_page =
                if forward { app.help_page.wrapping_add(1) } else { app.help_page.wrapping_sub(1) }
        }
        Action::SearchKeep => app.mode = Mode::Browse,
        Action::SearchMove { down } => super::search::move_selection(app, down),
        Action::SearchClear => {
            app.search = super::search::Search::default();
            app.mode = Mode::Browse;
        }
        Action::Reveal => {
            // The reveal key again masks it.
            app.mode = match app.mode {
                Mode::Credentials(Reveal::Masked) => {
                    Mode::Credentials(Reveal::Shown { until: app.now + REVEAL_FOR })
                }
                _ => Mode::Credentials(Reveal::Masked),
            }
        }
        Action::Mask => app.mode = Mode::Credentials(Reveal::Masked),
        Action::CloseCredentials => app.mode = Mode::Browse,
        Action::Consent { send } => confirm_secret(app, send, fx),
    }
}

fn last_section(app: &App) -> usize {
    app.questionnaire.sections.len().saturating_sub(1)
}

pub(super) fn select_section(app: &mut App, section: usize) {
    app.section = section;
    app.question = 0;
}

pub(super) fn next_question(app: &mut App) {
    let len = app.current_section().map_or(0, |s| s.questions.len());
    if app.question + 1 < len {
        app.question += 1;
    } else if app.section < last_section(app) {
        select_section(app, app.section + 1);
    }
}

pub(super) fn prev_question(app: &mut App) {
    if app.question > 0 {
        app.question -= 1;
    } else if app.section > 0 {
        app.section -= 1;
        app.question = app.current_section().map_or(0, |s| s.questions.len().saturating_sub(1));
    }
}

fn open_help(app: &mut App) {
    app.help_return = app.mode;
    app.help_page = 0;
    app.mode = Mode::Help;
}

pub(super) fn start_edit(app: &mut App, mode: Mode) {
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
    app.mark_changed();
}

fn run_checks(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(q) = app.current_question() else { return };
    if q.checks.is_empty() {
        app.notice = Some(Notice::info("no live check gives evidence for this question"));
        return;
    }
    let is_api = |c: &String| family_of(c) == Some(CheckFamily::Api);
    let others: Vec<String> = q.checks.iter().filter(|c| !is_api(c)).cloned().collect();
    let api = app.api_checks();
    let ids: Vec<String> = others.into_iter().filter(|c| !app.running.contains_key(c)).collect();
    if ids.is_empty() && api.is_empty() {
        app.notice = Some(Notice::info("its checks are already running"));
        return;
    }
    if !ids.is_empty() {
        run_with_consent(app, ids, fx);
    }
    // One scenario at a time: the first linked API check that has not passed yet (or the one
    // armed here, restarted); `a` moves on to the next.
    let here = app.armed_here().map(|a| &a.check).or(app.pending_here().map(|p| &p.check));
    let pick = match here {
        Some(check) => Some(*check),
        None => api
            .iter()
            .find(|c| app.dossier.latest_evidence(c.as_str()).is_none_or(|e| e.verdict != Verdict::Pass))
            .or(api.first())
            .copied(),
    };
    if let Some(check) = pick {
        arm(app, check, fx);
    }
}

/// Webhook checks send the secret from the environment to the target in the settings: only to
/// a target the reviewer confirmed in this session (see `consent.rs`). Asks otherwise.
fn run_with_consent(app: &mut App, ids: Vec<String>, fx: &mut Vec<Effect>) {
    let settings = Box::new(app.dossier.settings.clone());
    if !ids.iter().any(|id| family_of(id) == Some(CheckFamily::Webhook)) {
        fx.push(Effect::RunChecks { ids, settings });
        return;
    }
    // A target that does not validate gets nothing: the launcher says what is wrong with it.
    if settings.webhook.target().is_err() {
        fx.push(Effect::RunChecks { ids, settings });
        return;
    }
    let (url, var) = (settings.webhook.url.clone(), settings.webhook.secret_env.clone());
    match app.consent.answer(&url, &var) {
        Some(true) => fx.push(Effect::RunChecks { ids, settings }),
        Some(false) => {
            app.notice = Some(Notice::error(format!(
                "not sending ${} to {}: refused in this session (edit the target in settings , to use another)",
                text::short(&var),
                text::short(&url)
            )))
        }
        None => {
            app.consent.pending = Some(PendingSecret { url, var, ids, settings });
            app.mode = Mode::ConfirmSecret;
        }
    }
}

/// `y` sends (and remembers it for the session), `n` or `Esc` refuses (remembered too).
fn confirm_secret(app: &mut App, yes: bool, fx: &mut Vec<Effect>) {
    app.mode = Mode::Browse;
    let Some(p) = app.consent.pending.take() else { return };
    app.consent.remember(&p.url, &p.var, yes);
    let (var, url) = (text::short(&p.var), text::short(&p.url));
    if yes {
        app.notice = Some(Notice::info(format!("sending ${var} to {url} for this session's webhook checks")));
        fx.push(Effect::RunChecks { ids: p.ids, settings: p.settings });
    } else {
        app.notice = Some(Notice::info(format!("not sent: ${var} stays away from {url} in this session")));
    }
}

/// Arms `check`'s scenario: its fault begins unannounced, after the session's delay (see
/// `faults.rs`). `trace.echo` begins at once: it injects no fault, and the reviewer asks the
/// partner about it out loud. Without an evidence API there is nothing to wait for: the runner
/// says so at once.
fn arm(app: &mut App, check: CheckId, fx: &mut Vec<Effect>) {
    // webhook.fallback is watching the API for the partner's fetch of the withheld resource; a
    // fault armed now would answer that fetch (a 429, a 401) and spoil both verdicts. Its
    // launcher refuses to start while a scenario is armed; this is the other direction.
    let fallback = CheckId::WebhookFallback.as_str();
    if app.running.contains_key(fallback) {
        app.notice = Some(Notice::error(format!(
            "not armed: {fallback} is watching the API for the partner's fetch, and {check}'s fault would answer it; wait for its verdict"
        )));
        return;
    }
    let previous = app.armed.take().map(|a| a.check).or_else(|| app.faults.cancel().map(|p| p.check));
    let mut said: Vec<String> = previous
        .filter(|old| *old != check)
        .map(|old| format!("{old} disarmed without filing"))
        .into_iter()
        .collect();
    let now_too = check.person_judged() || app.api.is_none();
    app.faults.request(check, app.now, now_too, fx);
    if app.faults.pending.is_some() {
        said.push(format!("armed {check}: its fault begins unannounced, the partner runs their job now"));
    }
    if !said.is_empty() {
        app.notice = Some(Notice::info(said.join("; ")));
    }
}

/// Arms the next API check linked to this question (cycling), so a question with several
/// can have each shown in turn.
fn arm_next(app: &mut App, fx: &mut Vec<Effect>) {
    let api = app.api_checks();
    if api.is_empty() {
        app.notice = Some(Notice::info("no evidence-API check gives evidence for this question"));
        return;
    }
    let here = app.armed_here().map(|a| &a.check).or(app.pending_here().map(|p| &p.check));
    let next = match here {
        Some(check) => api.iter().position(|c| c == check).map_or(0, |i| (i + 1) % api.len()),
        None => 0,
    };
    arm(app, api[next], fx);
}

fn finish_armed(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(p) = &app.faults.pending {
        app.notice = Some(Notice::info(format!(
            "{}: its fault has not begun yet, nothing to judge (x disarms)",
            p.check
        )));
        return;
    }
    let Some(armed) = &app.armed else {
        app.notice = Some(Notice::info("nothing is armed (r arms the scenario of this question)"));
        return;
    };
    if armed.check.person_judged() {
        app.notice = Some(Notice::info(format!(
            "{} needs the partner: y marks the trace id found, N not found",
            armed.check
        )));
        return;
    }
    fx.push(Effect::Finish { check: armed.check });
}

fn disarm(app: &mut App, fx: &mut Vec<Effect>) {
    match app.armed.take().map(|a| a.check).or_else(|| app.faults.cancel().map(|p| p.check)) {
        Some(check) => {
            app.notice = Some(Notice::info(format!("{check} disarmed without filing")));
            fx.push(Effect::Disarm);
        }
        None => app.notice = Some(Notice::info("nothing is armed")),
    }
}

/// The trace id to ask the partner about: the latest served since `trace.echo` was armed, else
/// the latest served in this session.
pub(crate) fn trace_to_find(app: &App) -> Option<&str> {
    app.armed
        .as_ref()
        .filter(|a| a.check.person_judged())
        .and_then(|a| a.journal.last_entry())
        .map(|e| e.trace_id.as_str())
        .or(app.last_trace_id.as_deref())
}

/// `trace.echo`: the reviewer marks the shown trace id found (or not) in the partner's logs.
fn mark_trace(app: &mut App, found: bool, fx: &mut Vec<Effect>) {
    let here = app.current_question().is_some_and(|q| q.checks.iter().any(|c| is_person_judged(c)));
    let armed = app.armed.as_ref().is_some_and(|a| a.check.person_judged());
    if !here && !armed {
        app.notice = Some(Notice::info("y / N mark a trace id on a question linked to trace.echo"));
        return;
    }
    let Some(trace) = trace_to_find(app).map(str::to_owned) else {
        app.notice =
            Some(Notice::info("no trace id served yet: r arms trace.echo, then the partner runs their job"));
        return;
    };
    if armed {
        app.armed = None;
        fx.push(Effect::Disarm);
    }
    // Filed when the runner stamps it (update reads no clock).
    fx.push(Effect::File(Box::new(trace_echo_marked(&trace, found))));
}

fn toggle_demo(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(flawed) = app.demo_flawed else {
        app.notice = Some(Notice::info("d switches the demo peers, in `certcockpit demo` only"));
        return;
    };
    let flawed = !flawed;
    app.demo_flawed = Some(flawed);
    let what = if flawed { "FLAWED: expect failures" } else { "good: expect passes" };
    app.notice = Some(Notice::info(format!("demo peers now {what}")));
    fx.push(Effect::SetDemoFlawed(flawed));
}

fn on_journal(app: &mut App, check: Option<CheckId>, entry: JournalEntry) {
    app.last_trace_id = Some(entry.trace_id.clone());
    let Some(armed) = app.armed.as_mut() else { return };
    if check != Some(armed.check) || entry.at_us < armed.origin_us {
        return;
    }
    armed.seen += 1;
    armed.journal.push(entry);
}

/// `PgUp`/`PgDn`/`Home`/`End` scroll the live journal when the selected question shows it.
pub(super) fn scroll_journal(app: &mut App, how: JournalScroll) {
    if app.armed_here().is_none() {
        app.notice = Some(Notice::info(
            "PgUp/PgDn/Home/End scroll the live journal, shown while a scenario of this question is armed",
        ));
        return;
    }
    let rows = usize::from(app.live_rows);
    if let Some(armed) = app.armed.as_mut() {
        let j = &mut armed.journal;
        match how {
            JournalScroll::PageUp => j.scroll_up(page(rows), rows),
            JournalScroll::PageDown => j.scroll_down(page(rows)),
            JournalScroll::Oldest => j.oldest(rows),
            JournalScroll::Follow => j.follow(),
        }
    }
}

/// Keys go to the textarea (`Esc`, bound in the table, leaves it keeping the text).
fn edit_key(app: &mut App, key: KeyEvent) {
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
    app.mark_changed();
}

/// `Enter` on a settings field: cycles a choice, or opens the editor on a text field.
fn edit_field(app: &mut App) {
    let field = app.current_field();
    if field.is_cycled() {
        field.cycle(&mut app.dossier);
        app.mark_changed();
    } else {
        let mut t = TextArea::new(vec![field.get(&app.dossier)]);
        t.move_cursor(ratatui_textarea::CursorMove::End);
        app.editor = t;
        app.mode = Mode::EditSetting;
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
            // A target the reviewer types is theirs: its secret goes there without asking.
            if matches!(field, Field::WebhookUrl | Field::SecretEnv) {
                let w = &app.dossier.settings.webhook;
                app.consent.remember(&w.url.clone(), &w.secret_env.clone(), true);
            }
            app.mark_changed();
            true
        }
        Err(e) => {
            app.notice = Some(Notice::error(e));
            false
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
            if app.armed.as_ref().is_some_and(|a| a.check == result.id) {
                app.armed = None;
            }
            file_result(app, result, at);
        }
    }
}

/// Files a result as evidence and says so; an observed `X-Client-Name` becomes the answer to
/// the questions that ask for it, when they have none yet.
fn file_result(app: &mut App, result: CheckResult, at: chrono::DateTime<chrono::Utc>) {
    let mut text =
        format!("{} {} {}: {}", result.verdict.symbol(), result.id, result.verdict, result.summary);
    if let Some(name) = observed_client_name(&result).map(str::to_owned) {
        let asking: Vec<String> = app
            .questionnaire
            .sections
            .iter()
            .flat_map(|s| &s.questions)
            .filter(|q| q.checks.contains(&result.id))
            .map(|q| q.id.clone())
            .collect();
        for id in asking {
            let a = app.dossier.answer_mut(&id);
            if a.answer.trim().is_empty() {
                a.answer = format!("{name} (X-Client-Name observed by {})", result.id);
                if a.status == ReviewStatus::Open {
                    a.status = ReviewStatus::Answered;
                }
                text.push_str(&format!(" — filled in as the answer to {id}"));
            }
        }
    }
    app.notice = Some(Notice::info(text));
    app.dossier.file_evidence_in_cockpit(result, at);
    app.mark_changed();
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;
