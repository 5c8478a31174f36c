//! How far the reviewer has wheeled the question's guidance and the evidence pane on the
//! browsing screen (keys scroll only the zoomed pane; the mouse scrolls the unzoomed ones too).
//! Kept together with the question it belongs to, so selecting another question, by any key
//! or click, shows it from the top without every selection path having to reset it.

/// The scroll of the unzoomed guidance and evidence of one question.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PaneScroll {
    /// The (section, question) the offsets belong to.
    at: (usize, usize),
    guidance: u16,
    evidence: u16,
}

impl PaneScroll {
    /// Rows the question text and guidance of the question `at` are scrolled.
    pub fn guidance(&self, at: (usize, usize)) -> u16 {
        if self.at == at { self.guidance } else { 0 }
    }

    /// Rows the evidence of the question `at` is scrolled.
    pub fn evidence(&self, at: (usize, usize)) -> u16 {
        if self.at == at { self.evidence } else { 0 }
    }

    /// Scrolls the guidance of `at` by `by` rows, within `0..=max`.
    pub fn scroll_guidance(&mut self, at: (usize, usize), by: i32, max: u16) {
        self.follow(at);
        self.guidance = clamp(self.guidance, by, max);
    }

    /// Scrolls the evidence of `at` by `by` rows, within `0..=max`.
    pub fn scroll_evidence(&mut self, at: (usize, usize), by: i32, max: u16) {
        self.follow(at);
        self.evidence = clamp(self.evidence, by, max);
    }

    /// Another question: both panes from the top.
    fn follow(&mut self, at: (usize, usize)) {
        if self.at != at {
            *self = Self { at, ..Self::default() };
        }
    }
}

fn clamp(from: u16, by: i32, max: u16) -> u16 {
    u16::try_from((i32::from(from) + by).clamp(0, i32::from(max))).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_belong_to_one_question_and_stay_within_the_limit() {
        let mut s = PaneScroll::default();
        s.scroll_evidence((1, 2), 3, 5);
        s.scroll_evidence((1, 2), 3, 5);
        assert_eq!(s.evidence((1, 2)), 5, "stops at the limit");
        s.scroll_guidance((1, 2), -3, 4);
        assert_eq!(s.guidance((1, 2)), 0, "never above the top");
        assert_eq!(s.evidence((1, 3)), 0, "another question shows from the top");
        s.scroll_guidance((1, 3), 2, 4);
        assert_eq!((s.guidance((1, 3)), s.evidence((1, 3))), (2, 0));
        assert_eq!(s.evidence((1, 2)), 0, "the earlier question's offset is gone");
    }
}
