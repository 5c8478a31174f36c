//! TestBackend snapshots of the review screen at the sizes it is shown at (80×24 over a
//! screen share, 120×40 and wider on a desktop), with and without evidence.

use std::time::Duration;

use certcockpit::checks::{CheckEvent, CheckResult, Verdict};
use certcockpit::dossier::{Dossier, ReviewStatus};
use certcockpit::ui::{App, Msg, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn app() -> App {
    let q = certcockpit::questionnaire::load("uniwise-wiseflow").expect("builtin");
    let mut d = Dossier::new(&q);
    d.dossier.integration = "Acme Grades Sync".into();
    d.dossier.partner = "Acme Learning Ltd".into();
    d.dossier.date = "2026-11-20".into();
    d.dossier.created = "2026-11-20T09:00:00Z".into();
    let a = d.answer_mut("overview.use_case");
    a.answer = "Nightly sync of final grades from WISEflow into our student record system.".into();
    a.status = ReviewStatus::Ok;
    let a = d.answer_mut("overview.languages");
    a.answer = "Python 3.12 with requests + urllib3 Retry; authlib for OAuth.".into();
    a.status = ReviewStatus::Answered;
    App::new(q, d, "acme.toml", false)
}

fn key(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// The app on "Do you implement proper token expiration handling…" with one check's evidence
/// filed and the other check running for 2.3 s.
fn app_with_evidence() -> App {
    let mut a = app();
    key(&mut a, KeyCode::Char('l'));
    key(&mut a, KeyCode::Char('j'));
    let d = &mut a.dossier;
    let ans = d.answer_mut("auth.token_refresh");
    ans.answer = "Yes: authlib refreshes 60 s before expiry.".into();
    ans.status = ReviewStatus::NeedsWork;
    ans.note = "Re-grant after a 401 is missing.".into();
    let result =
        CheckResult::new("auth.refresh", Verdict::Pass, "new token fetched 60 s before expiry; no 401 seen")
            .figure("tokens_issued", 3usize)
            .figure("refresh_before_expiry_s", 60.0)
            .figure("grant", "refresh_token")
            .figure("gaps_ms", vec![1.0, 410.0, 830.0, 1620.0]);
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-20T09:14:03Z").expect("date").to_utc();
    d.file_evidence(result, at);
    update(&mut a, Msg::Check { event: CheckEvent::Started { id: "auth.token_reuse".into() }, at });
    update(
        &mut a,
        Msg::Check {
            event: CheckEvent::Progress {
                id: "auth.token_reuse".into(),
                message: "14 calls, 1 token so far".into(),
            },
            at,
        },
    );
    let now = a.now + Duration::from_millis(2300);
    a.now = now;
    a
}

fn render(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    t.draw(|f| f.render_widget(app, f.area())).expect("draw");
    t
}

#[test]
fn main_screen_80x24() {
    let t = render(&app(), 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn main_screen_120x40() {
    let t = render(&app(), 120, 40);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn evidence_80x24() {
    let t = render(&app_with_evidence(), 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn evidence_120x40() {
    let t = render(&app_with_evidence(), 120, 40);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn evidence_200x60() {
    let t = render(&app_with_evidence(), 200, 60);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn editing_an_answer_80x24() {
    let mut a = app();
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    for c in " Deployed on AWS Lambda.".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    let t = render(&a, 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn help_80x24() {
    let mut a = app();
    key(&mut a, KeyCode::Char('?'));
    let t = render(&a, 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn settings_80x24() {
    let mut a = app();
    key(&mut a, KeyCode::Char(','));
    key(&mut a, KeyCode::Down);
    let t = render(&a, 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn save_error_is_shown_80x24() {
    let mut a = app();
    key(&mut a, KeyCode::Char('s'));
    let later = a.now + Duration::from_secs(1);
    update(&mut a, Msg::Tick(later));
    update(
        &mut a,
        Msg::Saved(Err(
            "acme.toml was changed by someone else since it was opened; not overwriting it. Your version was saved to acme.mine.toml".into(),
        )),
    );
    let t = render(&a, 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn checks_not_run_yet_100x30() {
    let mut a = app();
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Down);
    let t = render(&a, 100, 30);
    insta::assert_snapshot!(t.backend());
}
