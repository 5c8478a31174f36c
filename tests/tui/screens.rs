//! TestBackend snapshots of the review screen at the sizes it is shown at (80×24 over a
//! screen share, 120×40 and wider on a desktop), with and without evidence.

use std::time::Duration;

use certcockpit::checks::api::{JournalEntry, RequestKind};
use certcockpit::checks::{CheckEvent, CheckResult, Verdict};
use certcockpit::dossier::{Dossier, ReviewStatus};
use certcockpit::ui::{App, Msg, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub(super) fn app() -> App {
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

pub(super) fn key(app: &mut App, code: KeyCode) {
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

pub(super) fn render(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
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

/// The cockpit asking before it sends `$var` to `url`, both named by the dossier: `r` on
/// `webhooks.events`.
fn asking(url: &str, var: &str) -> App {
    let mut a = app();
    let w = &mut a.dossier.settings.webhook;
    w.url = url.into();
    w.secret_env = var.into();
    while a.current_question().is_some_and(|q| q.id != "webhooks.events") {
        key(&mut a, KeyCode::Char('j'));
    }
    key(&mut a, KeyCode::Char('r'));
    assert_eq!(a.mode, certcockpit::ui::Mode::ConfirmSecret);
    a
}

/// `r` on a question with webhook checks, in a dossier that names its own target and
/// variable: the cockpit asks before sending the secret (issue 11 item 4).
#[test]
fn asking_before_sending_a_secret_80x24() {
    let a = asking("https://collector.example/hook", "AWS_SECRET_ACCESS_KEY");
    let t = render(&a, 80, 24);
    insta::assert_snapshot!(t.backend());
}

/// The dossier's URL reads an environment variable too (`${PATH}`, set wherever tests run):
/// the question names it as sent as well.
#[test]
fn asking_names_the_variables_the_url_reads_80x24() {
    let a = asking("https://collector.example/hook?t=${PATH}", "WEBHOOK_SECRET");
    let t = render(&a, 80, 24);
    let screen = format!("{:?}", t.backend());
    assert!(screen.contains("Also sent") && screen.contains("$PATH"), "{screen}");
    insta::assert_snapshot!(t.backend());
}

/// A dossier written to attack the reviewer's terminal: escape sequences (an OSC 52 clipboard
/// write) and a bidi override inside a `${…}` name in its webhook URL. Such a name is not an
/// environment variable's, so `r` asks nothing (the launcher refuses the target, saying why);
/// the reason shows the characters made visible, and no cell of the screen holds them raw.
#[test]
fn escapes_in_a_dossiers_variable_name_never_reach_the_screen_raw() {
    let mut a = app();
    let w = &mut a.dossier.settings.webhook;
    w.url = "https://collector.example/hook?t=${A\u{1b}]52;c;ZXZpbA==\u{7}\u{202e}B}".into();
    w.secret_env = "WEBHOOK_SECRET".into();
    while a.current_question().is_some_and(|q| q.id != "webhooks.events") {
        key(&mut a, KeyCode::Char('j'));
    }
    key(&mut a, KeyCode::Char('r'));
    assert_ne!(
        a.mode,
        certcockpit::ui::Mode::ConfirmSecret,
        "no consent asked for a name that is no variable's"
    );
    let t = render(&a, 120, 30);
    let raw = t
        .backend()
        .buffer()
        .content()
        .iter()
        .find(|c| c.symbol().chars().any(|ch| ch.is_control() || ch == '\u{202e}'));
    assert!(raw.is_none(), "a raw control or bidi character reached the screen: {raw:?}");
    // What the launcher will say of the target: the name made visible.
    let why = match a.dossier.settings.webhook.target() {
        Ok(_) => panic!("a `${{…}}` name with escapes is not a valid target"),
        Err(e) => e.to_string(),
    };
    assert!(!why.chars().any(|ch| ch.is_control() || ch == '\u{202e}'), "raw characters in {why:?}");
    assert!(why.contains("\\e]52;c;ZXZpbA==\\x07"), "the OSC 52 made visible: {why}");
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

pub(super) fn api_info() -> certcockpit::ui::ApiInfo {
    certcockpit::ui::ApiInfo {
        address: "127.0.0.1:41234".into(),
        base_url: "http://127.0.0.1:41234".into(),
        token_url: "http://127.0.0.1:41234/oauth/token".into(),
        client_id: "cc-k3x9q2m7v1pz".into(),
        client_secret: certcockpit::checks::Secret::new("Zq8vN2rT5wY1uK4pL7sD0fH3jB6mX9cA"),
        ca_pem: None,
    }
}

/// A request as the evidence API journals it (times in µs on the journal clock).
fn entry(seq: u64, at_ms: u64, path: &str, status: u16, hint_ms: Option<u64>) -> JournalEntry {
    let token = path == "/oauth/token";
    JournalEntry {
        seq,
        at_us: 1_000_000 + at_ms * 1000,
        done_us: 1_000_000 + at_ms * 1000 + 400,
        method: if token { "POST" } else { "GET" }.into(),
        path: path.into(),
        status,
        token: (!token).then(|| "tok-4521add42f25".into()),
        client_name: Some("acme-sync/1.4".into()),
        trace_id: format!("{seq:032x}"),
        retry_after_ms: hint_ms,
        retry_after_form: hint_ms.map(|_| "seconds"),
        kind: if token {
            RequestKind::Token { grant_type: "client_credentials".into(), issued: None, expires_us: None }
        } else {
            RequestKind::Items { page: 1, last_page: 3 }
        },
    }
}

/// Armed `check` on the question `question`, with `entries` journaled, 2.3 s after arming.
fn armed_app(question: &str, check: &str, describe: &str, entries: Vec<JournalEntry>) -> App {
    let mut a = app().with_api(api_info());
    while a.current_question().map(|q| q.id.as_str()) != Some(question) {
        key(&mut a, KeyCode::Char('j'));
    }
    let at = chrono::DateTime::from_timestamp(1_764_640_987, 0).unwrap_or_default();
    update(
        &mut a,
        Msg::Armed {
            check: check.parse().expect("a known check"),
            describe: describe.into(),
            origin_us: 1_000_000,
            at,
        },
    );
    for e in entries {
        update(
            &mut a,
            Msg::Journal { check: Some(check.parse().expect("a known check")), entry: Box::new(e) },
        );
    }
    a.now += Duration::from_millis(2300);
    a
}

pub(super) fn backoff_app() -> App {
    armed_app(
        "retries.mechanism",
        "retry.backoff",
        "retry.backoff: the first 4 GETs fail (503, 500, 503, 500), then the API recovers. The collection has 3 pages (GET /items, follow \"next\"); limit 60 requests per minute.",
        vec![
            entry(0, 2, "/oauth/token", 200, None),
            entry(1, 3, "/items", 503, None),
            entry(2, 4, "/items", 500, None),
            entry(3, 205, "/items", 503, None),
            entry(4, 610, "/items", 500, None),
            entry(5, 1415, "/items", 200, None),
            entry(6, 1420, "/items?page=2", 200, None),
        ],
    )
}

#[test]
fn armed_retry_backoff_live_80x24() {
    let t = render(&backoff_app(), 80, 24);
    let s = t.backend().to_string();
    assert!(!s.contains("Zq8vN2rT5wY1uK4pL7sD0fH3jB6mX9cA"), "the secret is off the main screen");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn armed_retry_backoff_live_120x40() {
    let t = render(&backoff_app(), 120, 40);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn armed_trace_echo_80x24() {
    let a = armed_app(
        "logging.trace_id",
        "trace.echo",
        "trace.echo: normal traffic; tokens live 3600 s. The collection has 3 pages (GET /items, follow \"next\"); limit 60 requests per minute.",
        vec![entry(0, 2, "/oauth/token", 200, None), entry(1, 5, "/items", 200, None)],
    );
    let t = render(&a, 80, 24);
    insta::assert_snapshot!(t.backend());
}

/// Filed `ratelimit.retry_after` evidence: the chart comes back from the dossier's figures,
/// Retry-After hints drawn up to where the client was told it may return.
#[test]
fn filed_retry_after_chart_100x30() {
    let mut a = app();
    while a.current_question().map(|q| q.id.as_str()) != Some("retries.retry_after") {
        key(&mut a, KeyCode::Char('j'));
    }
    let result = CheckResult::new(
        "ratelimit.retry_after",
        Verdict::Pass,
        "respected Retry-After: waited 1022 ms after Retry-After of 1000 ms (seconds form); waited 2200 ms after Retry-After of 2178 ms (http-date form)",
    )
    .figure("rate_limited_429", 2usize)
    .figure("waits_ms", vec![1022.0, 2200.0])
    .figure("timeline_at_ms", vec![3.1, 1025.0, 1031.0, 3231.0, 3240.0])
    .figure("timeline_status", vec![429u16, 200, 429, 200, 200])
    .figure("timeline_retry_after_ms", vec![1000u64, 0, 2178, 0, 0]);
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-20T09:20:00Z").expect("date").to_utc();
    a.dossier.file_evidence(result, at);
    let t = render(&a, 100, 30);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn credentials_popup_80x24() {
    let mut a = app().with_api(api_info());
    key(&mut a, KeyCode::Char('c'));
    let t = render(&a, 80, 24);
    insta::assert_snapshot!(t.backend());
}

/// Over HTTPS the popup names the CA file the partner's client must trust.
#[test]
fn credentials_popup_over_tls_names_the_ca_80x24() {
    let mut info = api_info();
    info.base_url = "https://127.0.0.1:41234".into();
    info.token_url = "https://127.0.0.1:41234/oauth/token".into();
    info.ca_pem = Some("/home/rev/.config/certcockpit/ca/certcockpit-ca.pem".into());
    let mut a = app().with_api(info);
    key(&mut a, KeyCode::Char('c'));
    let t = render(&a, 80, 24);
    let screen = t.backend().to_string();
    assert!(screen.contains("certcockpit-ca.pem"), "{screen}");
    assert!(screen.contains("REQUESTS_CA_BUNDLE"), "{screen}");
    insta::assert_snapshot!(t.backend());
}

pub(super) const SECRET: &str = "Zq8vN2rT5wY1uK4pL7sD0fH3jB6mX9cA";

/// The bottom row: the status line.
fn status_line(t: &Terminal<TestBackend>) -> String {
    let s = t.backend().to_string();
    s.lines().last().expect("a last row").to_owned()
}

/// With the evidence API running, the status line keeps the mode, the main keys, the API's
/// address and `? help` at 80 columns (the client id goes first), and all of it when wider.
#[test]
fn api_running_status_line_80x24() {
    let a = app().with_api(api_info());
    let t = render(&a, 80, 24);
    let line = status_line(&t);
    for part in ["BROWSE", "Enter edit", "127.0.0.1:41234", "? help"] {
        assert!(line.contains(part), "{part} in {line}");
    }
    assert!(!line.contains("cc-k3x9q2m7v1pz"), "the client id gives way at 80 columns: {line}");
    assert!(!t.backend().to_string().contains(SECRET));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn api_running_100x30() {
    let t = render(&app().with_api(api_info()), 100, 30);
    assert!(status_line(&t).contains("127.0.0.1:41234"));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn api_running_200x60() {
    let t = render(&app().with_api(api_info()), 200, 60);
    let line = status_line(&t);
    assert!(line.contains("client id cc-k3x9q2m7v1pz") && line.contains("←→ section"), "{line}");
    insta::assert_snapshot!(t.backend());
}

/// A save error with the API running at 80 columns: the error is shown whole above the status
/// line and in the header; the status line still has the mode, the address and `? help`.
#[test]
fn save_error_with_api_80x24() {
    let mut a = app().with_api(api_info());
    key(&mut a, KeyCode::Char('s'));
    let later = a.now + Duration::from_secs(1);
    update(&mut a, Msg::Tick(later));
    update(
        &mut a,
        Msg::Saved(Err("could not write acme.toml: No space left on device (os error 28)".into())),
    );
    let t = render(&a, 80, 24);
    let s = t.backend().to_string();
    assert!(s.contains("SAVE FAILED"), "the header says so");
    assert!(s.contains("✘ save failed: could not write acme.toml: No space left on device"), "{s}");
    let line = status_line(&t);
    assert!(line.contains("BROWSE") && line.contains("127.0.0.1:41234") && line.contains("? help"), "{line}");
    assert!(!s.contains(SECRET));
    insta::assert_snapshot!(t.backend());
}

/// `retry.backoff` armed with 40 requests and a burst of 1,180 the feed skipped, scrolled back
/// four pages (PgUp ×4): older lines shown, the count of newer ones, the skip line in its place.
fn scrolled_app() -> App {
    let entries: Vec<JournalEntry> = (0..20).map(|i| entry(i, 2 + i * 50, "/items", 503, None)).collect();
    let mut a = armed_app(
        "retries.mechanism",
        "retry.backoff",
        "retry.backoff: the first 4 GETs fail (503, 500, 503, 500), then the API recovers.",
        entries,
    );
    update(&mut a, Msg::JournalLagged(1_180));
    for i in 1_200..1_220 {
        let e = entry(i, 2 + i * 50, "/items?page=2", 200, None);
        update(
            &mut a,
            Msg::Journal { check: Some(certcockpit::checks::CheckId::RetryBackoff), entry: Box::new(e) },
        );
    }
    key(&mut a, KeyCode::PageUp);
    key(&mut a, KeyCode::PageUp);
    key(&mut a, KeyCode::PageUp);
    key(&mut a, KeyCode::PageUp);
    a
}

#[test]
fn scrolled_journal_80x24() {
    let t = render(&scrolled_app(), 80, 24);
    let s = t.backend().to_string();
    assert!(s.contains("↓ 20 newer"), "{s}");
    assert!(s.contains("End follow"), "the status line offers to follow again: {s}");
    assert!(s.contains("… 1180 skipped (judging uses the full journal)"), "{s}");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn scrolled_journal_120x40() {
    let t = render(&scrolled_app(), 120, 40);
    let s = t.backend().to_string();
    assert!(s.contains("… 1180 skipped (judging uses all)"), "the skip line in the narrow pane: {s}");
    insta::assert_snapshot!(t.backend());
}

/// At every width from 60 to 200 columns the status line keeps the mode and `? help`, shows
/// the address whole or not at all, and the client id only when the address is shown too.
#[test]
fn status_line_keeps_its_priorities_at_every_width() {
    let a = app().with_api(api_info());
    for width in 60..=200 {
        let line = status_line(&render(&a, width, 24));
        assert!(line.contains(" BROWSE ") && line.contains("? help"), "{width}: {line}");
        assert_eq!(line.contains("127.0.0"), line.contains("API 127.0.0.1:41234"), "{width}: {line}");
        if line.contains("cc-") {
            assert!(
                line.contains("client id cc-k3x9q2m7v1pz") && line.contains("API 127"),
                "{width}: {line}"
            );
        }
        if width >= 80 {
            assert!(line.contains("API 127.0.0.1:41234"), "the address from 80 columns on: {line}");
        }
        assert!(!line.contains('…'), "nothing cut mid-word: {line}");
    }
}
