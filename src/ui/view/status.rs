//! The status area at the bottom: a save error (shown until a save succeeds — never
//! swallowed), the latest notice, and the status line: the mode, what runs, the keys that work
//! in the current mode and the evidence API's address, laid out by priority for the width.

use ratatui::prelude::*;
use ratatui::widgets::{Paragraph, Wrap};

use super::theme;
use crate::ui::action::Action;
use crate::ui::app::{App, Mode};
use crate::ui::keys::{ARMED, ARMED_TRACE, KeyHelp, PENDING, help_for, relevant};

pub struct StatusLine<'a>(pub &'a App);

fn wrapped_rows(text: &str, width: u16, max: u16) -> u16 {
    let w = usize::from(width.max(1));
    let n = text.chars().count().max(1).div_ceil(w);
    u16::try_from(n).unwrap_or(max).min(max)
}

impl StatusLine<'_> {
    /// Rows the status area needs at this width.
    pub fn height(app: &App, width: u16) -> u16 {
        let mut h = 1;
        if let Some(e) = app.save.error() {
            h += wrapped_rows(&save_error_text(e), width, 3);
        }
        if let Some(n) = &app.notice {
            h += wrapped_rows(&n.text, width, 2);
        }
        h
    }
}

fn save_error_text(e: &str) -> String {
    format!("✘ save failed: {e}")
}

fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::Browse => " BROWSE ",
        Mode::EditAnswer => " EDIT ANSWER ",
        Mode::EditNote => " EDIT NOTE ",
        Mode::Settings => " SETTINGS ",
        Mode::EditSetting => " EDIT SETTING ",
        Mode::Help => " HELP ",
        Mode::Credentials(_) => " CREDENTIALS ",
        Mode::ConfirmSecret => " SEND SECRET? ",
        Mode::Zoom(_) => " ZOOM ",
        Mode::Search => " SEARCH ",
        Mode::Summary(_) => " SUMMARY ",
    }
}

/// A piece of the status line: its forms, fullest first, and its priority (lower is more
/// important; 0 is always shown).
struct Segment {
    priority: u16,
    forms: Vec<Vec<Span<'static>>>,
    /// Drawn at the right end (state, address, help) rather than with the keys at the left.
    right: bool,
    /// The key hints shorten together (mixed wordings read badly).
    key_hint: bool,
}

impl Segment {
    fn new(priority: u16, right: bool, forms: Vec<Vec<Span<'static>>>) -> Self {
        Self { priority, forms, right, key_hint: false }
    }
    fn width(&self, form: usize) -> usize {
        self.forms[form].iter().map(Span::width).sum()
    }
    fn shortest(&self) -> usize {
        self.forms.len() - 1
    }
}

/// The always-visible part: the mode, a check running, a scenario armed, `? help`.
const MUST: u16 = 0;
/// The most useful keys for the mode (armed keys first): the first few of the key table.
const TOP_KEYS: u16 = 10;
const TOP_KEY_COUNT: usize = 3;
/// The evidence API's address: the partner needs it to point their client at the cockpit.
const API_ADDRESS: u16 = 20;
const QUIT: u16 = 30;
const OTHER_KEYS: u16 = 40;
/// The client id is in the credentials popup (`c`) too, with the rest the partner needs.
const CLIENT_ID: u16 = 90;

fn key_hint(priority: u16, k: &KeyHelp) -> Segment {
    let form = |key: &'static str, action: &'static str| {
        vec![Span::raw(" "), Span::styled(key, theme::key()), Span::raw(format!(" {action} "))]
    };
    let mut forms = vec![form(k.keys, k.action)];
    if (k.main_key(), k.brief()) != (k.keys, k.action) {
        forms.push(form(k.main_key(), k.brief()));
    }
    Segment { priority, forms, right: false, key_hint: true }
}

/// The segments of the status line for the app's state, in display order.
fn segments(app: &App) -> Vec<Segment> {
    let mut left = vec![Segment::new(
        MUST,
        false,
        vec![vec![Span::styled(
            mode_label(app.mode),
            Style::new().bg(Color::Yellow).fg(Color::Black).add_modifier(Modifier::BOLD),
        )]],
    )];
    let mut right = Vec::new();
    if !app.running.is_empty() {
        let n = app.running.len();
        right.push(Segment::new(
            MUST,
            true,
            vec![
                vec![Span::styled(format!(" ⠿ {n} running "), theme::key())],
                vec![Span::styled(format!(" ⠿{n} "), theme::key())],
            ],
        ));
    }
    if let (Some(armed), Some(elapsed)) = (&app.armed, app.armed_elapsed()) {
        let style = Style::new().fg(Color::LightMagenta).add_modifier(Modifier::BOLD);
        right.push(Segment::new(
            MUST,
            true,
            vec![
                vec![Span::styled(
                    format!(
                        " ◉ {} in force since {} ({:.0}s) ",
                        armed.check,
                        armed.since.format("%H:%M:%S"),
                        elapsed.as_secs_f64()
                    ),
                    style,
                )],
                vec![Span::styled(format!(" ◉ {} {:.0}s ", armed.check, elapsed.as_secs_f64()), style)],
                vec![Span::styled(format!(" ◉ {} ", armed.check), style)],
                vec![Span::styled(" ◉ armed ", style)],
            ],
        ));
    }
    if let Some(p) = &app.faults.pending {
        // Which scenario, never when it begins (the screen is shared with the partner).
        let style = Style::new().fg(Color::LightMagenta).add_modifier(Modifier::BOLD);
        right.push(Segment::new(
            MUST,
            true,
            vec![
                vec![Span::styled(format!(" ◌ {} armed — begins unannounced ", p.check), style)],
                vec![Span::styled(format!(" ◌ {} unannounced ", p.check), style)],
                vec![Span::styled(format!(" ◌ {} ", p.check), style)],
                vec![Span::styled(" ◌ armed ", style)],
            ],
        ));
    }
    // The address and client id only: the secret is in the credentials popup (c).
    if let Some(api) = &app.api {
        let style = Style::new().fg(Color::Cyan);
        right.push(Segment::new(
            API_ADDRESS,
            true,
            vec![vec![Span::styled(format!(" API {} ", api.address), style)]],
        ));
        right.push(Segment::new(
            CLIENT_ID,
            true,
            vec![vec![Span::styled(format!("client id {} ", api.client_id), style)]],
        ));
    }
    let armed_keys: &[KeyHelp] = match &app.armed {
        Some(a) if app.mode == Mode::Browse && a.check.person_judged() => ARMED_TRACE,
        Some(_) if app.mode == Mode::Browse => ARMED,
        None if app.mode == Mode::Browse && app.faults.pending.is_some() => PENDING,
        _ => &[],
    };
    let (pinned, others): (Vec<&KeyHelp>, Vec<&KeyHelp>) = armed_keys
        .iter()
        .chain(help_for(app.mode).iter().filter(|k| armed_keys.iter().all(|a| a.keys != k.keys)))
        .filter(|k| relevant(app, k))
        .partition(|k| matches!(k.does(), Some(Action::Help | Action::Quit)));
    for (i, k) in others.into_iter().enumerate() {
        let priority = if i < TOP_KEY_COUNT { TOP_KEYS } else { OTHER_KEYS } + u16::try_from(i).unwrap_or(99);
        left.push(key_hint(priority, k));
    }
    for k in pinned {
        let priority = if k.does() == Some(Action::Help) { MUST } else { QUIT };
        let form = vec![Span::styled(k.main_key(), theme::key()), Span::raw(format!(" {} ", k.brief()))];
        right.push(Segment::new(priority, true, vec![form]));
    }
    left.extend(right);
    left
}

/// Fuller forms for the state segments that are shown (not the key hints), most important first.
fn upgrade_states(segs: &[Segment], chosen: &mut [Option<usize>], used: &mut usize, width: usize) {
    let mut order: Vec<usize> = (0..segs.len()).filter(|&i| !segs[i].key_hint).collect();
    order.sort_by_key(|&i| segs[i].priority);
    for i in order {
        let Some(cur) = chosen[i] else { continue };
        if let Some(f) = (0..cur).find(|&f| *used - segs[i].width(cur) + segs[i].width(f) <= width) {
            *used = *used - segs[i].width(cur) + segs[i].width(f);
            chosen[i] = Some(f);
        }
    }
}

/// Lays the status line out for `width` columns by priority: every segment that fits in its
/// shortest form, most important first (the must-haves always), then the fuller forms where
/// the room allows — a lower-priority segment is dropped whole, never cut mid-word.
fn status_spans(app: &App, width: usize) -> Vec<Span<'static>> {
    let segs = segments(app);
    let mut order: Vec<usize> = (0..segs.len()).collect();
    order.sort_by_key(|&i| segs[i].priority);
    let mut chosen: Vec<Option<usize>> = vec![None; segs.len()];
    let mut used = 0;
    let mut upgraded = false;
    for &i in &order {
        if segs[i].priority >= OTHER_KEYS && !upgraded {
            // The state in full words before the less useful keys.
            upgrade_states(&segs, &mut chosen, &mut used, width);
            upgraded = true;
        }
        let w = segs[i].width(segs[i].shortest());
        if segs[i].priority == MUST || used + w <= width {
            chosen[i] = Some(segs[i].shortest());
            used += w;
        }
    }
    upgrade_states(&segs, &mut chosen, &mut used, width);
    // Then the key hints' full wording, all together.
    let keys: Vec<usize> = (0..segs.len()).filter(|&i| segs[i].key_hint && chosen[i].is_some()).collect();
    let extra: usize = keys.iter().map(|&i| segs[i].width(0) - segs[i].width(segs[i].shortest())).sum();
    if used + extra <= width {
        used += extra;
        for i in keys {
            chosen[i] = Some(0);
        }
    }
    let mut spans = Vec::new();
    let mut pad = Some(width.saturating_sub(used));
    for (seg, form) in segs.into_iter().zip(chosen) {
        if seg.right
            && let Some(pad) = pad.take()
        {
            spans.push(Span::raw(" ".repeat(pad)));
        }
        if let Some(form) = form {
            spans.extend(seg.forms.into_iter().nth(form).unwrap_or_default());
        }
    }
    spans
}

impl Widget for StatusLine<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let mut y = area.y;
        let bottom = area.y + area.height.saturating_sub(1);
        if let Some(e) = app.save.error() {
            let h = wrapped_rows(&save_error_text(e), area.width, 3).min(bottom - y);
            let r = Rect { y, height: h, ..area };
            Paragraph::new(save_error_text(e)).style(theme::error()).wrap(Wrap { trim: true }).render(r, buf);
            y += h;
        }
        if let Some(n) = &app.notice {
            let h = wrapped_rows(&n.text, area.width, 2).min(bottom - y);
            let r = Rect { y, height: h, ..area };
            let style = if n.error {
                Style::new().fg(Color::LightRed).add_modifier(Modifier::BOLD)
            } else {
                Style::new().fg(Color::LightGreen)
            };
            Paragraph::new(n.text.clone()).style(style).wrap(Wrap { trim: true }).render(r, buf);
        }
        if area.height == 0 {
            return;
        }
        let line_area = Rect { y: bottom, height: 1, ..area };
        Line::from(status_spans(app, usize::from(area.width))).render(line_area, buf);
    }
}
