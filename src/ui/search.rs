//! Search (`/`): type to find questions by id, text, answer or note across every section.
//! While typing, a popup lists the matches and the selection follows the highlighted one;
//! `Enter` keeps the query so `]` / `[` step through the matches while browsing (`n` and `N`
//! are taken by the note and the trace id), `Esc` clears it. Pure state and key handling.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::App;

/// The query and which match is highlighted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    pub current: usize,
}

/// A question found: its section and index there.
pub type Hit = (usize, usize);

/// Every question whose id, text, answer or note holds `query` (case-insensitive), in
/// questionnaire order; none for an empty query.
pub fn matches(app: &App, query: &str) -> Vec<Hit> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for (s, section) in app.questionnaire.sections.iter().enumerate() {
        for (i, question) in section.questions.iter().enumerate() {
            let a = app.dossier.answer(&question.id);
            let fields = [
                question.id.as_str(),
                question.text.as_str(),
                a.map_or("", |a| a.answer.as_str()),
                a.map_or("", |a| a.note.as_str()),
            ];
            if fields.iter().any(|f| f.to_lowercase().contains(&q)) {
                hits.push((s, i));
            }
        }
    }
    hits
}

fn select(app: &mut App, hit: Hit) {
    app.section = hit.0;
    app.question = hit.1;
}

/// A key typed into the query (the table binds `Enter`, `Esc` and the arrows).
pub fn typing_key(app: &mut App, key: KeyEvent) {
    match key.code {
        KeyCode::Backspace => {
            app.search.query.pop();
        }
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
            app.search.query.push(c);
        }
        _ => return,
    }
    app.search.current = 0;
    follow(app);
}

/// `↓`/`↑` while typing: the next or previous match is highlighted and selected.
pub fn move_selection(app: &mut App, down: bool) {
    app.search.current = if down { app.search.current + 1 } else { app.search.current.saturating_sub(1) };
    follow(app);
}

/// Keeps the highlight on a match and selects its question.
fn follow(app: &mut App) {
    let hits = matches(app, &app.search.query);
    app.search.current = app.search.current.min(hits.len().saturating_sub(1));
    if let Some(hit) = hits.get(app.search.current) {
        select(app, *hit);
    }
}

/// `]` / `[` while browsing: the next / previous match after the selected question, wrapping.
/// `false` when no query is kept (the key does nothing then).
pub fn step(app: &mut App, forward: bool) -> bool {
    let hits = matches(app, &app.search.query);
    if hits.is_empty() {
        return false;
    }
    let here = (app.section, app.question);
    let i = if forward {
        hits.iter().position(|h| *h > here).unwrap_or(0)
    } else {
        hits.iter().rposition(|h| *h < here).unwrap_or(hits.len() - 1)
    };
    app.search.current = i;
    select(app, hits[i]);
    true
}
