//! The question pane: the selected question, the reviewer's guidance, and two boxes — the
//! answer (kind and review status in its title) and the reviewer note. While one is being
//! edited it shows the textarea with a yellow border.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::theme;
use crate::questionnaire::{AnswerKind, Question};
use crate::ui::app::{App, Mode};

pub struct QuestionPane<'a>(pub &'a App);

/// Rows `text` takes when wrapped at `width` (a close estimate: wrapping breaks at words).
fn rows(text: &str, width: u16) -> u16 {
    let w = usize::from(width.max(1));
    let n: usize = text.lines().map(|l| l.chars().count().max(1).div_ceil(w)).sum();
    u16::try_from(n.max(1)).unwrap_or(u16::MAX)
}

/// Where the parts of the pane go: the question text with its guidance, the answer box and
/// the note box, and how many rows the text and guidance need.
struct Parts {
    info: Rect,
    info_rows: u16,
    answer: Rect,
    note: Rect,
}

fn block(app: &App, q: &Question) -> Block<'static> {
    let number = format!("{}.{}", app.section + 1, app.question + 1);
    Block::bordered()
        .border_style(theme::border())
        .title(Line::styled(format!(" Question {number} "), theme::title()))
        .title(Line::styled(format!(" {} ", q.id), theme::dim()).right_aligned())
}

fn parts(app: &App, q: &Question, area: Rect) -> Parts {
    let inner = block(app, q).inner(area);
    let note = app.dossier.answer(&q.id).map_or("", |a| a.note.as_str());
    let w = inner.width;
    let guidance_rows = if q.guidance.is_empty() { 0 } else { rows(&q.guidance, w) };
    let info_rows = rows(&q.text, w) + guidance_rows;
    let note_rows = if app.mode == Mode::EditNote {
        4
    } else {
        rows(if note.is_empty() { " " } else { note }, w.saturating_sub(2)).min(3)
    };
    let note_height = note_rows + 2;
    // The answer box gets at least 3 rows; the guidance gives way first on small screens.
    let info_height = info_rows.min(inner.height.saturating_sub(note_height + 3));
    let [info, answer, note] = Layout::vertical([
        Constraint::Length(info_height),
        Constraint::Min(3),
        Constraint::Length(note_height),
    ])
    .areas(inner);
    Parts { info, info_rows, answer, note }
}

/// The answer box, the note box and how far the text and guidance can scroll (the wheel
/// scrolls what gave way), for the pane at `area`; `None` without a question.
pub(crate) fn boxes(app: &App, area: Rect) -> Option<(Rect, Rect, u16)> {
    let q = app.current_question()?;
    let p = parts(app, q, area);
    Some((p.answer, p.note, p.info_rows.saturating_sub(p.info.height)))
}

impl Widget for QuestionPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let Some(q) = app.current_question() else {
            Paragraph::new("This questionnaire has no questions.").block(Block::bordered()).render(area, buf);
            return;
        };
        block(app, q).render(area, buf);
        let Parts { info: info_area, info_rows, answer: answer_area, note: note_area } = parts(app, q, area);

        let answer = app.dossier.answer(&q.id);
        let status = app.dossier.status(&q.id);
        let note = answer.map_or("", |a| a.note.as_str());
        let editing_answer = app.mode == Mode::EditAnswer;
        let editing_note = app.mode == Mode::EditNote;

        let mut info = vec![Line::styled(q.text.clone(), theme::title())];
        if !q.guidance.is_empty() {
            info.push(Line::styled(q.guidance.clone(), theme::guidance()));
        }
        // Wheeled by the reviewer (`ui/pane_scroll.rs`), never past the last row.
        let scroll = app
            .pane_scroll
            .guidance((app.section, app.question))
            .min(info_rows.saturating_sub(info_area.height));
        Paragraph::new(info).wrap(Wrap { trim: true }).scroll((scroll, 0)).render(info_area, buf);

        let mut kind = q.kind.label().to_owned();
        if q.kind == AnswerKind::Choice && !q.choices.is_empty() {
            kind = q.choices.join(" / ");
        }
        let answer_block = Block::bordered()
            .border_style(if editing_answer { theme::focused_border() } else { theme::border() })
            .title(Line::from(vec![
                Span::styled(" Answer ", theme::title()),
                Span::styled(format!("({kind}) "), theme::dim()),
            ]))
            .title(
                Line::from(vec![Span::styled(
                    format!(" {} {} ", status.symbol(), status.label()),
                    theme::status_style(status).add_modifier(Modifier::BOLD),
                )])
                .right_aligned(),
            );
        render_box(
            app,
            answer_block,
            answer_area,
            buf,
            editing_answer,
            answer.map_or("", |a| &a.answer),
            "Enter: write the answer",
        );

        let note_block = Block::bordered()
            .border_style(if editing_note { theme::focused_border() } else { theme::border() })
            .title(Line::styled(" Reviewer note ", theme::title()));
        render_box(app, note_block, note_area, buf, editing_note, note, "n: add a note");
    }
}

/// A bordered box showing either the live editor or the stored text (or a hint when empty).
fn render_box(
    app: &App,
    block: Block<'_>,
    area: Rect,
    buf: &mut Buffer,
    editing: bool,
    text: &str,
    hint: &str,
) {
    let inner = block.inner(area);
    block.render(area, buf);
    if editing {
        (&app.editor).render(inner, buf);
    } else if text.is_empty() {
        Paragraph::new(Line::styled(hint.to_owned(), theme::dim())).render(inner, buf);
    } else {
        Paragraph::new(text.to_owned()).wrap(Wrap { trim: false }).render(inner, buf);
    }
}
