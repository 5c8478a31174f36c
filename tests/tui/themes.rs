//! Themes compared by the styles in the TestBackend buffer: `NO_COLOR` draws no colour at all
//! (the selection is reversed, statuses keep their symbols), the default and `--theme light`
//! draw no white or light grey text on the terminal's own background, `--theme dark` keeps
//! the bright palette.

use certcockpit::ui::view::Theme;
use ratatui::style::{Color, Modifier};

use crate::screens::{app, render};

fn cells(theme: Theme, w: u16, h: u16) -> (String, Vec<ratatui::buffer::Cell>) {
    let mut a = app();
    a.theme = theme;
    let t = render(&a, w, h);
    (t.backend().to_string(), t.backend().buffer().content().to_vec())
}

#[test]
fn no_color_is_monochrome_and_still_reads_by_symbol_80x24() {
    let (screen, cells) = cells(Theme::Mono, 80, 24);
    assert!(cells.iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset), "a colour drawn");
    assert!(cells.iter().any(|c| c.modifier.contains(Modifier::REVERSED)), "the selection shows reversed");
    for symbol in ["✔ 1.1", "◐ 1.2", "● saved"] {
        assert!(screen.contains(symbol), "{symbol}:\n{screen}");
    }
}

#[test]
fn the_default_and_light_draw_nothing_that_vanishes_on_white_120x40() {
    for theme in [Theme::Auto, Theme::Light] {
        let (_, cells) = cells(theme, 120, 40);
        let faint = [Color::White, Color::Gray, Color::LightBlue];
        let bad: Vec<_> = cells.iter().filter(|c| c.bg == Color::Reset && faint.contains(&c.fg)).collect();
        assert!(bad.is_empty(), "{theme:?}: {} cells of faint text, e.g. {:?}", bad.len(), bad.first());
    }
    let (_, dark) = cells(Theme::Dark, 120, 40);
    assert!(dark.iter().any(|c| c.bg == Color::Reset && c.fg == Color::White), "dark keeps white titles");
}
