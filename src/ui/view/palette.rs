//! Themes as a colour map over the finished frame, like a terminal's own palette: the views
//! draw in one vocabulary (tuned for dark terminals) and [`Theme::apply`] maps every cell's
//! colours at the end of the frame, so no view needs to know the theme and none can forget
//! `NO_COLOR`. Statuses always carry a symbol too, so the monochrome UI still reads.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

/// How the UI is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Theme {
    /// Reads on dark and light terminals: no white or light grey text on the terminal's own
    /// background (it would vanish on a light one); coloured bars keep their colours.
    #[default]
    Auto,
    /// Bright colours for a dark background (the palette the views draw in).
    Dark,
    /// Darker colours for a light background.
    Light,
    /// No colour at all (`NO_COLOR`): bold, reverse and symbols only.
    #[value(skip)]
    Mono,
}

impl Theme {
    /// The theme to use: the flag when given (a per-run choice overrides the environment, as
    /// no-color.org asks), else monochrome when `NO_COLOR` is set to any non-empty value.
    pub fn choose(flag: Option<Theme>, no_color: Option<&std::ffi::OsStr>) -> Self {
        match flag {
            Some(t) => t,
            None if no_color.is_some_and(|v| !v.is_empty()) => Theme::Mono,
            None => Theme::Auto,
        }
    }

    /// Maps the colours of every cell in `area`.
    pub fn apply(self, area: Rect, buf: &mut Buffer) {
        if self == Theme::Dark {
            return;
        }
        let area = area.intersection(buf.area);
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                let Some(cell) = buf.cell_mut((x, y)) else { continue };
                let on_terminal = cell.bg == Color::Reset;
                match self {
                    Theme::Mono => {
                        if !on_terminal {
                            cell.modifier.insert(Modifier::REVERSED);
                        }
                        cell.fg = Color::Reset;
                        cell.bg = Color::Reset;
                    }
                    Theme::Auto | Theme::Light if on_terminal => cell.fg = self.on_terminal(cell.fg),
                    _ => {}
                }
            }
        }
    }

    /// A foreground drawn on the terminal's own background.
    fn on_terminal(self, fg: Color) -> Color {
        match (self, fg) {
            (_, Color::White) => Color::Reset,
            (_, Color::Gray) => Color::DarkGray,
            (_, Color::LightBlue) => Color::Blue,
            (Theme::Light, Color::Yellow | Color::LightYellow) => Color::Indexed(130),
            (Theme::Light, Color::Cyan | Color::LightCyan) => Color::Indexed(30),
            (Theme::Light, Color::Green | Color::LightGreen) => Color::Indexed(28),
            (Theme::Light, Color::LightRed) => Color::Red,
            (_, c) => c,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn no_color_means_any_non_empty_value_and_the_flag_overrides_it() {
        assert_eq!(Theme::choose(None, None), Theme::Auto);
        assert_eq!(Theme::choose(None, Some(OsStr::new(""))), Theme::Auto);
        assert_eq!(Theme::choose(None, Some(OsStr::new("1"))), Theme::Mono);
        assert_eq!(Theme::choose(Some(Theme::Light), Some(OsStr::new("1"))), Theme::Light);
    }
}
