//! End to end in a real terminal: the built binary in tmux (100×30), in an empty temporary
//! folder. `review d.toml` shows the first section; Enter, typing, Esc and q leave the text in
//! d.toml (valid TOML); reopening shows it. Polls with bounded timeouts, never fixed sleeps.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::support::{self, BIN};

const LIMIT: Duration = Duration::from_secs(20);

/// A tmux server on its own socket, killed on drop (also when the test fails).
struct Tmux {
    socket: String,
    socket_path: Option<String>,
    status_file: std::cell::RefCell<Option<std::path::PathBuf>>,
}

/// Where the wrapper shell writes the cockpit's exit status.
const EXIT_FILE: &str = ".exit-status";

impl Tmux {
    /// `None` (the test skips, saying so on stderr) when tmux is not installed; `scripts/test`
    /// installs it when it can and says how otherwise.
    fn start(dir: &Path, width: u16, height: u16) -> Option<Self> {
        if !support::tmux_available(std::thread::current().name().unwrap_or("a tmux test")) {
            return None;
        }
        let socket = format!(
            "certcockpit-test-{}-{}",
            std::process::id(),
            dir.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        );
        let mut t = Self { socket, socket_path: None, status_file: std::cell::RefCell::new(None) };
        // A placeholder pane first, so remain-on-exit is set before the cockpit starts: a
        // crash then stays on screen for the failure message instead of vanishing.
        t.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "s",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            "-c",
            &dir.display().to_string(),
            "cat",
        ]);
        t.run(&["set-option", "-t", "s", "remain-on-exit", "on"]);
        t.run(&["set-option", "-s", "escape-time", "0"]);
        let out = t.run(&["display-message", "-p", "#{socket_path}"]);
        t.socket_path = Some(String::from_utf8_lossy(&out.stdout).trim().to_owned());
        Some(t)
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("run tmux");
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out
    }

    /// (Re)starts the pane running the cockpit in `dir`. A shell wrapper writes the exit
    /// status to a file: tmux can be slow to notice a dead pane on a loaded machine, a file is not.
    fn spawn(&self, dir: &Path, args: &str) {
        let status = dir.join(EXIT_FILE);
        let _ = std::fs::remove_file(&status);
        self.status_file.replace(Some(status));
        let cmd = format!("{BIN} {args}; echo $? > {EXIT_FILE}; exec cat");
        self.run(&["respawn-pane", "-k", "-t", "s", "-c", &dir.display().to_string(), "sh", "-c", &cmd]);
    }

    fn capture(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "s"]).stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "s"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    fn text(&self, text: &str) {
        self.run(&["send-keys", "-t", "s", "-l", text]);
    }

    /// A mouse report as an xterm sends it with SGR encoding (`ESC [ < button ; column ; row`,
    /// 1-based, `M` press, `m` release) at the 0-based cell (`x`, `y`): tmux passes what
    /// `send-keys -l` gives it to the pane unchanged.
    fn mouse(&self, button: u8, x: u16, y: u16) {
        self.text(&format!("\x1b[<{button};{};{}M", x + 1, y + 1));
        if button < 64 {
            self.text(&format!("\x1b[<{button};{};{}m", x + 1, y + 1));
        }
    }

    /// A pane format (e.g. `#{mouse_sgr_flag}`: whether the program asked for mouse reports).
    fn pane(&self, format: &str) -> String {
        String::from_utf8_lossy(&self.run(&["display-message", "-p", "-t", "s", format]).stdout)
            .trim()
            .to_owned()
    }

    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if screen.contains(needle) {
                return screen;
            }
            assert!(start.elapsed() < LIMIT, "'{needle}' did not appear within {LIMIT:?}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for the cockpit to exit and returns its exit status.
    fn wait_exit(&self) -> String {
        let start = Instant::now();
        let path = self.status_file.borrow().clone().expect("spawned");
        loop {
            if let Ok(status) = std::fs::read_to_string(&path)
                && status.ends_with('\n')
            {
                return status.trim().to_owned();
            }
            assert!(
                start.elapsed() < LIMIT,
                "the cockpit did not exit within {LIMIT:?}; screen:\n{}",
                self.capture()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-L").arg(&self.socket).arg("kill-server").output();
        if let Some(p) = self.socket_path.as_deref().filter(|p| !p.is_empty()) {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[test]
fn review_types_saves_on_quit_and_reopens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(tmux) = Tmux::start(dir.path(), 100, 30) else { return };
    tmux.spawn(dir.path(), "review d.toml");
    tmux.wait_for("Integration Overview");

    tmux.keys(&["Enter"]);
    tmux.wait_for("EDIT ANSWER");
    tmux.text("Typed in a real terminal");
    tmux.wait_for("Typed in a real terminal");
    tmux.keys(&["Escape"]);
    tmux.wait_for("BROWSE");
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), "0", "exit status; screen:\n{}", tmux.capture());

    let path = dir.path().join("d.toml");
    let text = std::fs::read_to_string(&path).expect("d.toml written");
    let table: toml::Table = toml::from_str(&text).expect("d.toml is valid TOML");
    let answer = table
        .get("answers")
        .and_then(|a| a.get("overview.use_case"))
        .and_then(|a| a.get("answer"))
        .and_then(|a| a.as_str());
    assert_eq!(answer, Some("Typed in a real terminal"), "{text}");
    assert!(!dir.path().join(".d.toml.lock").exists(), "lock released on quit");

    tmux.spawn(dir.path(), "review d.toml");
    let screen = tmux.wait_for("Integration Overview");
    assert!(screen.contains("Typed in a real terminal"), "{screen}");
    assert!(screen.contains("saved"), "{screen}");
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), "0");
}

#[test]
fn a_broken_dossier_is_reported_without_entering_the_tui() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.toml");
    let original = "[dossier]\nquestionnaire = \"uniwise-wiseflow\"\nintegration = \n";
    std::fs::write(&path, original).expect("write");
    let out = Command::new(BIN).current_dir(dir.path()).args(["review", "bad.toml"]).output().expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:3:"), "{err}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("\x1b[?1049h"), "entered the alternate screen");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), original, "left byte for byte");
}

#[test]
fn an_unknown_questionnaire_in_the_dossier_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("d.toml"), "[dossier]\nquestionnaire = \"acme-internal\"\n")
        .expect("write");
    let out = Command::new(BIN).current_dir(dir.path()).args(["review", "d.toml"]).output().expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("acme-internal") && err.contains("--questionnaire"), "{err}");
}

#[test]
fn a_dossier_open_elsewhere_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(tmux) = Tmux::start(dir.path(), 100, 30) else { return };
    tmux.spawn(dir.path(), "review d.toml");
    tmux.wait_for("Integration Overview");
    let out = Command::new(BIN).current_dir(dir.path()).args(["review", "d.toml"]).output().expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already open"), "{err}");
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), "0");
}

#[test]
fn bare_certcockpit_opens_dossier_toml_in_the_current_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(tmux) = Tmux::start(dir.path(), 80, 24) else { return };
    tmux.spawn(dir.path(), "");
    tmux.wait_for("Integration Overview");
    tmux.keys(&["s", "q"]);
    assert_eq!(tmux.wait_exit(), "0", "screen:\n{}", tmux.capture());
    let d = certcockpit::dossier::load(&dir.path().join("dossier.toml")).expect("dossier.toml written");
    assert_eq!(d.dossier.questionnaire, "uniwise-wiseflow");
    assert_eq!(d.status("overview.use_case"), certcockpit::dossier::ReviewStatus::Answered);
}

/// `certcockpit demo` on a fresh folder: opens on demo.toml with the built-in peers, `r` on a
/// webhook question files a verdict from the demo listener (webhook.fallback too: the listener
/// reconciles a missed event from the demo's API), `r` on an API question runs the demo client
/// against the armed scenario, `d` switches the peers to flawed.
#[test]
fn demo_runs_live_checks_with_nothing_else_running() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(tmux) = Tmux::start(dir.path(), 100, 30) else { return };
    tmux.spawn(dir.path(), "demo");
    tmux.wait_for("DEMO ✔ good peers");
    // Webhooks, second question: webhook.signature + webhook.replay.
    tmux.keys(&["l", "l", "l", "l", "j", "r"]);
    let screen = tmux.wait_for("✔ pass  webhook.replay");
    assert!(screen.contains("webhook.signature"), "{screen}");
    // Webhooks, fourth question: webhook.fallback, the demo listener reconciling from the API.
    tmux.keys(&["j", "j", "r"]);
    tmux.wait_for("✔ pass  webhook.fallback");
    // API Endpoints: pagination.complete armed, the demo client runs, the verdict is filed.
    tmux.keys(&["h", "h", "r"]);
    tmux.wait_for("✔ pass  pagination.complete");
    tmux.keys(&["d"]);
    let screen = tmux.wait_for("DEMO ✘ FLAWED peers");
    assert!(!screen.contains("whsec_"), "{screen}");
    tmux.keys(&["a"]);
    tmux.wait_for("✘ fail  pagination.complete");
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), "0", "screen:\n{}", tmux.capture());
    let text = std::fs::read_to_string(dir.path().join("demo.toml")).expect("demo.toml written");
    assert!(!text.contains("whsec_"), "a webhook secret reached the dossier");
    let d = certcockpit::dossier::load(&dir.path().join("demo.toml")).expect("valid dossier");
    assert_eq!(d.settings.webhook.secret_env, certcockpit::demo::WEBHOOK_SECRET_VAR);
    let verdicts: Vec<_> = d.evidence.iter().map(|e| (e.check.as_str(), e.verdict.as_str())).collect();
    assert!(verdicts.contains(&("pagination.complete", "fail")), "{verdicts:?}");
    assert!(verdicts.contains(&("webhook.signature", "pass")), "{verdicts:?}");
    assert!(verdicts.contains(&("webhook.fallback", "pass")), "{verdicts:?}");
}

/// The live journal in a real terminal: the demo client's requests on `trace.echo` (which
/// stays armed until the reviewer marks it) at 80×20, where they outnumber the journal's rows:
/// PgUp pauses following and says how many are newer, Home keeps it paused, End follows.
#[test]
fn demo_live_journal_scrolls_back_and_follows_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(tmux) = Tmux::start(dir.path(), 80, 20) else { return };
    tmux.spawn(dir.path(), "demo");
    tmux.wait_for("DEMO ✔ good peers");
    // Logging & Monitoring, third question: logging.trace_id, linked to trace.echo.
    tmux.keys(&["l", "l", "l", "l", "l", "l", "j", "j", "r"]);
    let screen = tmux.wait_for("4 requests since arming");
    assert!(screen.contains("ARMED trace.echo"), "{screen}");
    tmux.wait_for("following");
    tmux.keys(&["PPage"]);
    let screen = tmux.wait_for("newer · End follows");
    assert!(screen.contains("End follow "), "the status line offers End:\n{screen}");
    tmux.keys(&["Home"]);
    let screen = tmux.wait_for("POST /oauth/token");
    assert!(screen.contains("newer · End follows"), "{screen}");
    tmux.keys(&["End"]);
    let screen = tmux.wait_for("following");
    assert!(screen.contains("GET /items?page=3"), "the newest request at the bottom again:\n{screen}");
    tmux.keys(&["x", "q"]);
    assert_eq!(tmux.wait_exit(), "0", "screen:\n{}", tmux.capture());
}

/// The evidence API runs for the whole review session on the dossier's listen address; one
/// beyond loopback gets the exposure warning (on stderr before the TUI, and on screen), and an
/// address it cannot use leaves the cockpit working without it, saying why.
#[test]
fn review_starts_the_evidence_api_and_warns_when_it_is_exposed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.toml");
    let write = |listen: &str| {
        std::fs::write(
            &path,
            format!(
                "[dossier]\nquestionnaire = \"uniwise-wiseflow\"\n\n[settings.api]\nlisten = \"{listen}\"\n"
            ),
        )
        .expect("write");
    };
    let Some(tmux) = Tmux::start(dir.path(), 100, 30) else { return };
    write("0.0.0.0:0");
    tmux.spawn(dir.path(), "review d.toml");
    let screen = tmux.wait_for("reachable from other machines");
    assert!(screen.contains("API 0.0.0.0:"), "{screen}");
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), "0");

    write("not-an-address");
    tmux.spawn(dir.path(), "review d.toml");
    let screen = tmux.wait_for("the evidence API did not start");
    assert!(screen.contains("not-an-address"), "{screen}");
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), "0");
}

/// Issue 11 item 4, as the attack was made: a dossier someone else wrote names a webhook
/// target (a listener of "theirs", here on loopback) and `secret_env` naming a variable the
/// reviewer has set. `r` on a webhook question asks first, showing both; `n` sends nothing,
/// and neither does `r` again; only `y` lets the deliveries go.
#[test]
fn a_dossier_cannot_send_an_environment_secret_without_asking() {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("tempdir");
    let collector = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    collector.set_nonblocking(true).expect("nonblocking");
    let port = collector.local_addr().expect("addr").port();
    std::fs::write(
        dir.path().join("d.toml"),
        format!(
            "[dossier]\nquestionnaire = \"uniwise-wiseflow\"\n\n[settings.webhook]\nurl = \"http://127.0.0.1:{port}/hook\"\nscheme = \"standard-webhooks\"\nsecret_env = \"PLANTED_VAR\"\ndeadline_secs = 1.0\n"
        ),
    )
    .expect("write");
    let Some(tmux) = Tmux::start(dir.path(), 100, 30) else { return };
    tmux.run(&["set-environment", "-t", "s", "PLANTED_VAR", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
    tmux.spawn(dir.path(), "review d.toml");
    tmux.wait_for("Integration Overview");
    for _ in 0..4 {
        tmux.keys(&["Tab"]);
    }
    tmux.wait_for("webhooks.events");
    let nothing_arrived = |what: &str| {
        std::thread::sleep(Duration::from_millis(700));
        assert!(collector.accept().is_err(), "{what}: a delivery reached the dossier's target");
    };
    tmux.keys(&["r"]);
    let screen = tmux.wait_for("Send a secret from your environment?");
    assert!(
        screen.contains("$PLANTED_VAR") && screen.contains(&format!("http://127.0.0.1:{port}/hook")),
        "{screen}"
    );
    nothing_arrived("while asking");
    tmux.keys(&["n"]);
    tmux.wait_for("not sent");
    nothing_arrived("after n");
    tmux.keys(&["r"]);
    tmux.wait_for("refused in this session");
    nothing_arrived("after r again");
    // A new session asks again (nothing was stored), and y sends.
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), "0", "screen:\n{}", tmux.capture());
    tmux.spawn(dir.path(), "review d.toml");
    tmux.wait_for("Integration Overview");
    for _ in 0..4 {
        tmux.keys(&["Tab"]);
    }
    tmux.wait_for("webhooks.events");
    tmux.keys(&["r"]);
    tmux.wait_for("Send a secret from your environment?");
    tmux.keys(&["y"]);
    let start = Instant::now();
    let mut conn = loop {
        match collector.accept() {
            Ok((c, _)) => break c,
            Err(_) if start.elapsed() < LIMIT => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("no delivery after y: {e}; screen:\n{}", tmux.capture()),
        }
    };
    conn.set_nonblocking(false).expect("blocking");
    conn.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut head = [0u8; 2048];
    let n = conn.read(&mut head).expect("read the delivery");
    let head = String::from_utf8_lossy(&head[..n]).to_lowercase();
    assert!(head.contains("webhook-signature"), "{head}");
    drop(conn);
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), "0", "screen:\n{}", tmux.capture());
}

/// The screen-share size: the demo at 80×24, `retry.backoff` run on the first retries
/// question, `z` zooms the evidence and the chart's axis labels (seconds, statuses) are on the
/// captured screen; `z` again gives back the three panes.
#[test]
fn demo_zoomed_retry_chart_reads_at_80x24() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(tmux) = Tmux::start(dir.path(), 80, 24) else { return };
    tmux.spawn(dir.path(), "demo");
    tmux.wait_for("DEMO ✔ good peers");
    // Rate Limiting & Retries, first question: retries.mechanism, linked to retry.backoff.
    tmux.keys(&["l", "l", "l", "l", "l", "r"]);
    tmux.wait_for("retry.backoff");
    tmux.keys(&["z"]);
    let screen = tmux.wait_for("time since arming");
    assert!(screen.contains("ZOOM"), "{screen}");
    assert!(screen.contains("0.0 s"), "the x axis starts at 0 s:\n{screen}");
    assert!(screen.contains("503") || screen.contains("500"), "the failures' row:\n{screen}");
    // The verdict is filed while zoomed; the chart then comes from the filed evidence.
    let screen = tmux.wait_for("pass  retry.backoff");
    assert!(screen.contains("time since arming") && screen.contains("200"), "{screen}");
    tmux.keys(&["z"]);
    tmux.wait_for("BROWSE");
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), "0", "screen:\n{}", tmux.capture());
}

/// The mouse in a real terminal at 80×24: the cockpit asks for mouse reports, a click on a
/// question selects it, the wheel over the sections pane moves to the next question; quitting
/// turns reporting off again. `--no-mouse` never asks for it and ignores a report that comes
/// all the same. `demo` likewise.
#[test]
fn review_takes_the_mouse_unless_no_mouse_and_gives_it_back_on_quit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(tmux) = Tmux::start(dir.path(), 80, 24) else { return };
    tmux.spawn(dir.path(), "review d.toml");
    tmux.wait_for("Integration Overview");
    assert_eq!(tmux.pane("#{mouse_sgr_flag}"), "1", "mouse capture (SGR) on by default");
    // Row 4: "1.2 What programming …" under the open first section (rows 2 and 3 above it).
    tmux.mouse(0, 8, 4);
    tmux.wait_for("Question 1.2 ");
    // The wheel over the list: one question on, into the next section.
    tmux.mouse(65, 8, 4);
    tmux.wait_for("Question 2.1 ");
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), "0", "screen:\n{}", tmux.capture());
    assert_eq!(tmux.pane("#{mouse_any_flag}#{mouse_sgr_flag}"), "00", "capture released on quit");

    tmux.spawn(dir.path(), "review --no-mouse d.toml");
    tmux.wait_for("Integration Overview");
    assert_eq!(tmux.pane("#{mouse_any_flag}#{mouse_sgr_flag}"), "00", "--no-mouse asks for nothing");
    // A click on the second section's heading, then j: the click is ignored, so j moves from
    // 1.1 to 1.2 (it would reach 2.2 had the click selected 2.1).
    tmux.mouse(0, 8, 5);
    tmux.keys(&["j"]);
    let screen = tmux.wait_for("Question 1.2 ");
    assert!(!screen.contains("Question 2."), "{screen}");
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), "0", "screen:\n{}", tmux.capture());

    // The demo, the other way into the cockpit, takes the flag too.
    for (args, flags) in [("demo", "1"), ("demo --no-mouse", "0")] {
        tmux.spawn(dir.path(), args);
        tmux.wait_for("DEMO ✔ good peers");
        assert_eq!(tmux.pane("#{mouse_sgr_flag}"), flags, "{args}");
        tmux.keys(&["q"]);
        assert_eq!(tmux.wait_exit(), "0", "{args}; screen:\n{}", tmux.capture());
        assert_eq!(tmux.pane("#{mouse_any_flag}#{mouse_sgr_flag}"), "00", "{args}: released on quit");
    }
}
