//! The secrets sweep: every check runs with recognisable secrets and tokens, against peers
//! that spill them, and none may appear in the dossier, the JSON, the reports, the logs
//! (stdout and stderr) or the rendered screen.
//!
//! - Webhooks, all three schemes, through `certcockpit check webhook` against Python listeners
//!   (tests/peers/webhook_listener.py --echo) that echo the secret and every header back in
//!   their refusals.
//! - The evidence API through `certcockpit check api --verbose` with tests/peers/leaky_client.py,
//!   which prints its environment and every token it receives, puts them in its client name and
//!   query string, and writes them to a file so this test knows what to look for.
//! - Then `certcockpit report` (md and html), the TUI's main screen on every question, and the
//!   observations kept in the dossier's evidence sidecar (`NAME.evidence/`), uncompressed.

use std::path::Path;
use std::process::Output;

use base64::Engine;
use certcockpit::ui::{App, Msg, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::support::{self, Listening};

/// The Standard Webhooks key: base64 of a recognisable phrase.
const SW_KEY_TEXT: &str = "sweep-standard-webhooks-key-7c3e91";
const HMAC_SECRET: &str = "sweep-hmac-secret-5f1c9a2b7e";
const STATIC_SECRET: &str = "sweep-static-header-secret-8e2d4b";

fn sw_secret() -> String {
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(SW_KEY_TEXT))
}

/// A Python listener (tests/peers/webhook_listener.py), killed when dropped.
fn listener(mode: &str, header: Option<&str>, secret: &str) -> Listening {
    let mut cmd = support::python_peer("webhook_listener.py");
    cmd.arg(mode).arg("--echo");
    if let Some(h) = header {
        cmd.args(["--header", h]);
    }
    cmd.env("PEER_SECRET", secret);
    support::listening(cmd, "scripts/test installs the peers' packages")
}

fn certcockpit(args: &[&str], envs: &[(&str, &str)]) -> Output {
    support::command().args(args).envs(envs.iter().copied()).output().expect("run")
}

/// Everything a run printed, labelled for the failure message.
fn logs(what: &str, out: &Output) -> Vec<(String, String)> {
    vec![
        (format!("{what} stdout"), String::from_utf8_lossy(&out.stdout).into_owned()),
        (format!("{what} stderr"), String::from_utf8_lossy(&out.stderr).into_owned()),
    ]
}

/// Draws the main screen on every question (and the settings popup) and returns the text of
/// every frame.
fn screens(dossier: &Path) -> Vec<(String, String)> {
    let d = certcockpit::dossier::load(dossier).expect("the dossier loads");
    let q = certcockpit::questionnaire::load(&d.dossier.questionnaire).expect("questionnaire");
    let total: usize = q.sections.iter().map(|s| s.questions.len()).sum();
    let mut app = App::new(q, d, dossier.display().to_string(), false);
    let mut frames = Vec::new();
    let mut draw = |app: &App, label: String| {
        for (w, h) in [(120, 40), (80, 24)] {
            let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            t.draw(|f| f.render_widget(app, f.area())).expect("draw");
            let buf = t.backend().buffer();
            let text: String = buf.content().iter().map(|c| c.symbol()).collect();
            frames.push((format!("screen {label} {w}x{h}"), text));
        }
    };
    for i in 0..total {
        draw(&app, format!("question {i}"));
        update(&mut app, Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)));
    }
    update(&mut app, Msg::Key(KeyEvent::new(KeyCode::Char(','), KeyModifiers::NONE)));
    draw(&app, "settings".into());
    frames
}

/// The uncompressed lines of every file in the dossier's evidence sidecar.
fn sidecar_texts(dossier: &Path) -> Vec<(String, String)> {
    use std::io::Read;
    let folder = certcockpit::dossier::sidecar::folder_of(dossier);
    let mut texts = Vec::new();
    for file in std::fs::read_dir(&folder).expect("the sidecar folder") {
        let path = file.expect("entry").path();
        let gz = std::fs::read(&path).expect("read");
        let mut text = String::new();
        flate2::read::GzDecoder::new(gz.as_slice()).read_to_string(&mut text).expect("gzip text");
        assert!(text.lines().count() >= 1, "{}", path.display());
        texts.push((format!("the sidecar file {}", path.display()), text));
    }
    texts
}

#[test]
fn no_secret_or_token_reaches_any_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dossier = dir.path().join("sweep.toml");
    let dossier_arg = dossier.to_str().expect("utf-8 path");
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut secrets: Vec<(String, String)> = vec![
        ("the Standard Webhooks secret".into(), sw_secret()),
        ("the Standard Webhooks key (base64)".into(), sw_secret().trim_start_matches("whsec_").to_owned()),
        ("the HMAC secret".into(), HMAC_SECRET.into()),
        ("the static header secret".into(), STATIC_SECRET.into()),
    ];

    // Webhooks: each scheme with --json and --dossier, and once more with human output and
    // per-delivery progress on stderr.
    let sw = sw_secret();
    let schemes: [(&str, Option<&str>, &str); 3] = [
        ("standard-webhooks", None, sw.as_str()),
        ("hmac-sha256", Some("X-Hub-Signature-256"), HMAC_SECRET),
        ("static-header", Some("X-OkHi-Token"), STATIC_SECRET),
    ];
    let mut webhook_results = 0;
    for (scheme, header, secret) in schemes {
        let peer = listener(scheme, header, secret);
        let mut args = vec!["check", "webhook", "--url", &peer.url, "--scheme", scheme];
        args.extend(["--secret-env", "SWEEP_SECRET", "--deadline", "3"]);
        if let Some(h) = header {
            args.extend(["--header", h]);
        }
        let env = [("SWEEP_SECRET", secret)];
        let json_run = certcockpit(&[args.as_slice(), &["--json", "--dossier", dossier_arg]].concat(), &env);
        let v: serde_json::Value = serde_json::from_slice(&json_run.stdout).expect("JSON");
        let checks = v["checks"].as_array().expect("checks");
        assert_eq!(checks.len(), certcockpit::checks::webhook::webhook_check_ids().len(), "{scheme}");
        // The listener verifies correctly, so the sweep exercises real refusals with echoes.
        let sig = checks.iter().find(|c| c["id"] == "webhook.signature").expect("signature");
        assert_eq!(sig["verdict"], "pass", "{scheme}: {sig}");
        webhook_results += checks.len();
        texts.extend(logs(&format!("check webhook {scheme} --json"), &json_run));
        let human = certcockpit(&args, &env);
        assert!(String::from_utf8_lossy(&human.stderr).contains("forged"), "progress is printed");
        texts.extend(logs(&format!("check webhook {scheme}"), &human));
    }

    // The evidence API, every scenario, with a client that spills everything.
    let leak = dir.path().join("leaked.txt");
    let exec = format!("LEAK_FILE={} {}", leak.display(), support::python_peer_sh("leaky_client.py"));
    let api_run = certcockpit(
        &[
            "check",
            "api",
            "--exec",
            &exec,
            "--timeout",
            "10",
            "--verbose",
            "--json",
            "--dossier",
            dossier_arg,
        ],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&api_run.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&api_run.stdout),
            String::from_utf8_lossy(&api_run.stderr)
        )
    });
    let api_results = v["checks"].as_array().expect("checks").len();
    assert_eq!(api_results, certcockpit::checks::api::scenario_ids().len() + 1, "and api.endpoints");
    texts.extend(logs("check api", &api_run));
    let leaked = std::fs::read_to_string(&leak).expect("the client wrote what it received");
    for line in leaked.lines() {
        let (kind, value) = line.split_once(' ').expect("kind value");
        assert!(value.len() >= 20, "{kind} is too short to be recognisable: {value}");
        secrets.push((format!("the evidence API {kind}"), value.to_owned()));
    }
    let tokens = secrets.iter().filter(|(k, _)| k.ends_with("token")).count();
    assert!(tokens >= 2 * api_results, "the client received {tokens} tokens in {api_results} runs");

    // The dossier, the reports, the screen.
    let filed = std::fs::read_to_string(&dossier).expect("dossier");
    // Not vacuous: what the peers spilled was there to leak, and was redacted.
    assert!(filed.contains("leaky/1.0 secret=***"), "the client name was not filed redacted");
    assert!(filed.contains("client stderr: giving up with access_token=*** refresh_token=***"), "{filed}");
    assert!(filed.contains("expected ***"), "a listener's echo was not filed redacted");
    texts.push(("the dossier".into(), filed));
    let kept = sidecar_texts(&dossier);
    let named = certcockpit::dossier::load(&dossier)
        .expect("loads")
        .evidence
        .iter()
        .filter(|e| e.observations_sha256.is_some())
        .count();
    assert!(named >= webhook_results + api_results - 1, "{named} records name kept observations");
    assert_eq!(kept.len(), named, "one sidecar file per record that names one");
    texts.extend(kept);
    for format in ["md", "html"] {
        let report = certcockpit(&["report", dossier_arg, "--format", format], &[]);
        assert!(report.status.success(), "report {format}: {}", String::from_utf8_lossy(&report.stderr));
        texts.extend(logs(&format!("report --format {format}"), &report));
    }
    texts.extend(screens(&dossier));

    let mut found = Vec::new();
    for (what, secret) in &secrets {
        for (place, text) in &texts {
            if text.contains(secret.as_str()) {
                found.push(format!("{what} appears in {place}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    eprintln!(
        "{} secrets and tokens ({tokens} tokens), {webhook_results} webhook and {api_results} API results: none in {} texts (dossier, JSON, logs, 2 reports, {} screens)",
        secrets.len(),
        texts.len(),
        texts.iter().filter(|(p, _)| p.starts_with("screen")).count()
    );
}
