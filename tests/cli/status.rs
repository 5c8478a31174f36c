//! `certcockpit status`: the portfolio over a folder of dossiers. Three dossiers (one
//! malformed) and a TOML file that is not a dossier: all three listed, the broken one with
//! its `file:line:col` error, exit 0; the table fits 80 columns and shows no partner text raw;
//! `--json` parses; the HTML holds the rows and its sort script; no file is changed (bytes and
//! mtime) and nothing is created beside them. A dossier filed by real check runs (the Python
//! listener on `standardwebhooks` without a timestamp window) shows its failed check, verified.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use unicode_width::UnicodeWidthStr;

use crate::support;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const ZETA: &str = r#"[dossier]
questionnaire = "okendo-webhooks"
partner = "Zeta Webhooks Incorporated International"
integration = "Reviews sync \u001b]52;c;AAAA\u0007"
updated = "2026-11-30T10:00:00Z"

[answers."verify.signature"]
status = "needs_work"

[[evidence]]
check = "webhook.replay"
at = "2026-11-30T10:00:00Z"
verdict = "fail"
summary = "stale accepted"
"#;

/// Every file under `dir` with its bytes and mtime.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let meta = entry.metadata().expect("stat");
            let bytes = std::fs::read(entry.path()).expect("read");
            out.insert(entry.path().to_path_buf(), (bytes, meta.modified().expect("mtime")));
        }
    }
    out
}

fn status(args: &[&str]) -> (i32, String, String) {
    let out = support::certcockpit(&[&["status"], args].concat());
    (out.status.code().unwrap_or(-1), support::text(&out.stdout), support::text(&out.stderr))
}

/// A team folder: a template dossier, a dossier with a failure (and an escape sequence in its
/// integration's name), a malformed one, a Cargo.toml.
fn team() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("acme")).expect("mkdir");
    let init = support::certcockpit(&["init", root.join("acme/review.toml").to_str().expect("utf-8")]);
    assert!(init.status.success(), "{}", support::text(&init.stderr));
    std::fs::write(root.join("zeta.toml"), ZETA).expect("write");
    std::fs::write(
        root.join("acme/broken.toml"),
        "[dossier]\nquestionnaire = \"uniwise-wiseflow\"\npartner = 'Broken Ltd'\n\n[answers.x]\nanswer = \"unterminated\n",
    )
    .expect("write");
    std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"x\"\n").expect("write");
    dir
}

#[test]
fn three_dossiers_one_malformed_are_all_listed_and_nothing_is_changed() {
    let dir = team();
    let root = dir.path().to_str().expect("utf-8");
    let before = snapshot(dir.path());

    let (code, out, err) = status(&[root]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("acme/broken.toml:6:"), "the broken one with file:line:col:\n{out}");
    assert!(out.contains("does not parse"), "{out}");
    assert!(out.contains("Zeta Webhooks Incorporated International · Reviews sync"), "{out}");
    assert!(out.contains("failed: webhook.replay"), "{out}");
    assert!(out.contains("acme/review.toml") && out.contains("uniwise-wiseflow"), "{out}");
    assert!(out.contains("3 dossiers: 1 error, 1 not ready, 1 incomplete"), "{out}");
    assert!(out.contains("Cargo.toml: not a dossier"), "{out}");
    for line in out.lines() {
        assert!(line.width() <= 80, "wider than 80 columns ({}): {line}", line.width());
    }
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "raw partner text: {out:?}");
    // Sorted by readiness: the error first, then not ready, then incomplete.
    let at = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} missing:\n{out}"));
    assert!(at("! error") < at("✘ not ready") && at("✘ not ready") < at("◐ incomplete"), "{out}");
    let (_, by_path, _) = status(&["--sort", "path", root]);
    let at = |s: &str| by_path.find(s).unwrap_or_else(|| panic!("{s} missing:\n{by_path}"));
    assert!(at("acme/broken.toml") < at("acme/review.toml") && at("acme/review.toml") < at("zeta.toml"));

    let (code, json, err) = status(&["--json", root]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("--json parses");
    assert_eq!(v["format"], 1);
    let rows = v["dossiers"].as_array().expect("dossiers");
    assert_eq!(rows.len(), 3, "{json}");
    assert_eq!(rows[0]["readiness"], "error");
    assert!(rows[0]["error"].as_str().is_some_and(|e| e.contains("broken.toml:6:")), "{json}");
    assert_eq!(rows[1]["readiness"], "not_ready");
    assert_eq!(rows[1]["failed_checks"], serde_json::json!(["webhook.replay"]));
    assert_eq!(rows[1]["needs_work"], 1);
    assert_eq!(rows[1]["verification"]["state"], "no_observations");
    assert_eq!(rows[2]["readiness"], "incomplete");
    assert_eq!(rows[2]["open"], 26);
    assert_eq!(rows[2]["questionnaire"], "uniwise-wiseflow");
    assert_eq!(rows[2]["verification"]["state"], "no_evidence");
    assert!(v["skipped"].as_array().is_some_and(|s| s.len() == 1), "{json}");

    let report = tempfile::tempdir().expect("tempdir");
    let page = report.path().join("portfolio.html");
    let (code, _, err) = status(&["--format", "html", "--output", page.to_str().expect("utf-8"), root]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(&page).expect("written");
    for want in
        ["Zeta Webhooks Incorporated International", "broken.toml:6:", "acme/review.toml", "webhook.replay"]
    {
        assert!(html.contains(want), "{want} missing from the page");
    }
    assert!(html.contains("<script>") && html.contains("addEventListener(\"click\""), "the sort script");
    assert_eq!(html.matches("<button type=\"button\">").count(), 10, "every column sorts");
    assert!(html.contains("@media print"), "print styles");
    assert!(
        !html.contains("src=")
            && !html.contains("href=")
            && !html.contains("http://")
            && !html.contains("https://"),
        "self-contained"
    );
    assert!(!html.contains('\u{1b}'), "raw partner text in the page");

    assert_eq!(snapshot(dir.path()), before, "status changed or created a file");
}

#[test]
fn a_missing_folder_is_an_input_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nowhere");
    let (code, _, err) = status(&[missing.to_str().expect("utf-8")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("nowhere") && err.contains("name a folder"), "{err}");
}

#[test]
fn a_symlink_loop_is_noted_not_followed() {
    let dir = team();
    std::os::unix::fs::symlink("..", dir.path().join("acme/up")).expect("loop");
    let (code, out, err) = status(&[dir.path().to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("symlink loop") && out.contains("3 dossiers"), "{out}");
}

#[test]
fn a_dossier_filed_by_real_check_runs_shows_its_failed_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dossier = dir.path().join("partner.toml");
    let mut cmd = support::python_peer("webhook_listener.py");
    cmd.arg("no-window").env("PEER_SECRET", SECRET);
    let listener = support::listening(cmd, "scripts/test installs the peers' packages");
    let run = support::command()
        .args(["check", "webhook", "--url", &listener.url, "--secret-env", "HOOK_SECRET", "--deadline", "3"])
        .args(["--only", "webhook.replay,webhook.delivery", "--dossier", dossier.to_str().expect("utf-8")])
        .env("HOOK_SECRET", SECRET)
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(1), "{}{}", support::text(&run.stdout), support::text(&run.stderr));
    let (code, json, err) = status(&["--json", dir.path().to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("parses");
    let row = &v["dossiers"][0];
    assert_eq!(row["readiness"], "not_ready", "{json}");
    assert_eq!(row["failed_checks"], serde_json::json!(["webhook.replay"]), "{json}");
    assert_eq!(row["evidence_records"], 2, "{json}");
    assert_eq!(row["verification"]["state"], "verified", "the kept observations re-judge: {json}");
    let (_, table, _) = status(&[dir.path().to_str().expect("utf-8")]);
    assert!(table.contains("failed: webhook.replay") && table.contains("verified"), "{table}");
}
