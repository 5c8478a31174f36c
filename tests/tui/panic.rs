//! A panic inside the TUI loses nothing: the runner saves the dossier as it stands before the
//! panic goes on (the terminal itself is restored by ratatui's panic hook, installed by
//! `ratatui::init`). The panic is injected by a backend that fails on a chosen frame, right
//! after an answer was typed — well inside the autosave debounce, so only the panic save can
//! have written it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use certcockpit::dossier::{DossierStore, load};
use certcockpit::ui::{App, Msg, Runner};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Size};

/// A `TestBackend` that panics on the next draw once `armed` is set.
struct Booby {
    inner: TestBackend,
    armed: Arc<AtomicBool>,
}

impl Backend for Booby {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(&mut self, content: I) -> Result<(), Self::Error> {
        assert!(!self.armed.load(Ordering::SeqCst), "injected panic while drawing");
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}

#[test]
fn a_panic_in_the_loop_saves_what_was_typed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.toml");
    let q = certcockpit::questionnaire::load("uniwise-wiseflow").expect("builtin");
    let (store, dossier, created) = DossierStore::open(&path, &q).expect("open");
    let mut app = App::new(q, dossier, "d.toml", created);
    let armed = Arc::new(AtomicBool::new(false));
    let backend = Booby { inner: TestBackend::new(100, 30), armed: Arc::clone(&armed) };
    let mut runner = Runner::new(Terminal::new(backend).expect("terminal"), store);
    let tx = runner.sender();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");

    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            let key = |c| tx.send(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))).expect("send");
            key(KeyCode::Enter);
            for c in "typed just before the crash".chars() {
                key(KeyCode::Char(c));
            }
            // Let the keys be handled and drawn, then arm the trap for the next frame.
            let typed = |a: &App| a.dossier.answer("overview.use_case").is_some_and(|x| !x.answer.is_empty());
            let _ = tokio::time::timeout(Duration::from_secs(10), runner.run_until(&mut app, typed)).await;
            armed.store(true, Ordering::SeqCst);
            key(KeyCode::Char('!'));
            let _ = tokio::time::timeout(Duration::from_secs(10), runner.run(&mut app)).await;
        })
    }));
    assert!(result.is_err(), "the injected panic propagates");
    let saved = load(&path).expect("the dossier was saved and parses");
    let answer = &saved.answers["overview.use_case"].answer;
    assert!(answer.starts_with("typed just before the crash"), "saved answer: {answer:?}");
}
