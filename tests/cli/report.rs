//! `certcockpit report`, `certcockpit init` and the annotated example dossier, run as the real
//! binary on real files.

use std::path::{Path, PathBuf};

use certcockpit::checks::{CheckResult, Verdict};
use certcockpit::dossier::{self, Dossier, DossierStore, ReviewStatus};
use certcockpit::questionnaire;

use crate::support::{certcockpit, repo, text};

const HOSTILE: &str = "Yes.\n<script>alert('x')</script> <img src=https://evil.example/t.png>";

/// A UNIwise dossier with a failed webhook.signature and a needs-work question whose answer
/// is hostile HTML.
fn review_dossier(dir: &Path) -> PathBuf {
    let q = questionnaire::load("uniwise-wiseflow").expect("builtin");
    let mut d = Dossier::new(&q);
    d.dossier.integration = "Acme Grade Sync".into();
    d.dossier.partner = "Acme <Learning>".into();
    d.dossier.reviewer = "Dana".into();
    let a = d.answer_mut("retries.retry_after");
    a.answer = HOSTILE.into();
    a.status = ReviewStatus::NeedsWork;
    a.note = "The client must wait for Retry-After before retrying.".into();
    d.answer_mut("overview.use_case").status = ReviewStatus::Ok;
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:20:31Z").expect("time").to_utc();
    d.file_evidence(
        CheckResult::new("webhook.signature", Verdict::Fail, "forged signature accepted with 200")
            .figure("forged", 200)
            .figure("missing", 401)
            .observe("POST /hook forged -> 200 in 3 ms"),
        at,
    );
    d.file_evidence(CheckResult::new("retry.backoff", Verdict::Pass, "gaps grew 0.5 s to 2 s"), at);
    let path = dir.join("acme.toml");
    dossier::save_atomic(&path, d.to_toml().expect("toml").as_bytes()).expect("write");
    path
}

/// The text from the `Remediation` heading to the end; asserts it is the last section.
fn remediation<'a>(report: &'a str, heading: &str) -> &'a str {
    let at = report.rfind(heading).unwrap_or_else(|| panic!("no {heading}:\n{report}"));
    assert_eq!(report.find(heading), Some(at), "one Remediation section");
    &report[at..]
}

#[test]
fn markdown_report_names_the_failed_check_and_the_needs_work_question() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = review_dossier(dir.path());
    let out = certcockpit(&["report", &path.display().to_string()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.starts_with("# Certification review: Acme Grade Sync"), "{md}");
    for cover in ["Acme \\<Learning>", "Dana", "2024.1", "`uniwise-wiseflow`"] {
        assert!(md.contains(cover), "cover lacks {cover}");
    }
    assert!(md.contains("**Readiness: ✘ not ready: 1 item needs work, 1 check failed**"), "{md}");
    assert!(md.contains("### ✘ needs work — Do you respect the"), "{md}");
    assert!(md.contains("- ○ `webhook.replay` (Stale timestamps rejected): not run"), "{md}");
    assert!(md.contains("- ✔ **pass** `retry.backoff`"), "{md}");

    let rem = remediation(&md, "## Remediation");
    assert!(rem.contains("1. **The client must wait for Retry-After before retrying.**"), "{rem}");
    assert!(rem.contains("`retries.retry_after`"), "{rem}");
    assert!(rem.contains("must reject with a 4xx status every request whose signature does not verify"));
    assert!(
        rem.contains("Check `webhook.signature` (Bad signatures rejected) failed on 2026-11-22T10:20:31Z")
    );
    assert!(rem.contains("Measured: forged = 200, missing = 401"), "{rem}");
    assert!(rem.contains("Concerns: `webhooks.signature`"), "{rem}");
    assert!(!rem.contains("retry.backoff"), "a passing check is not remediation: {rem}");
    assert!(md.contains("> \\<script>alert('x')\\</script> \\<img src=https://evil.example/t.png>"), "{md}");
    let unescaped = md.match_indices('<').filter(|(i, _)| !md[..*i].ends_with('\\')).count();
    assert_eq!(unescaped, 0, "user text must not become markup");
}

#[test]
fn html_report_is_self_contained_escaped_and_ends_with_remediation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = review_dossier(dir.path());
    let out_path = dir.path().join("acme.html");
    let out = certcockpit(&[
        "report",
        &path.display().to_string(),
        "--format",
        "html",
        "--output",
        &out_path.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "with --output nothing goes to stdout");
    assert!(text(&out.stderr).contains("not ready"), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(&out_path).expect("report written");

    assert!(html.starts_with("<!DOCTYPE html>"));
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "no script, and user text escaped");
    assert!(!lower.contains("<img"), "user text escaped");
    assert!(!lower.contains("<link"), "no external stylesheet");
    // The hostile answer's URL is there only as escaped text; nothing else links out.
    let hostile = "&lt;img src=https://evil.example/t.png&gt;";
    assert_eq!(html.matches(hostile).count(), 2, "in the section and in the remediation list");
    let rest = lower.replace(hostile, "");
    assert!(!rest.contains("http://") && !rest.contains("https://"), "an external link");
    assert!(!html.contains("src=\"") && !html.contains("href="), "no external resources");
    assert!(html.contains("&lt;script&gt;alert('x')&lt;/script&gt;"), "answer escaped");
    assert!(html.contains("Acme &lt;Learning&gt;"));
    assert!(html.contains("@media print"), "print CSS");
    assert!(html.contains("class=\"badge v-fail\">✘ fail"), "colour class and symbol");
    assert!(html.contains("Readiness: ✘ not ready: 1 item needs work, 1 check failed"));

    let rem = remediation(&html, "<h2>Remediation</h2>");
    assert!(rem.contains("The client must wait for Retry-After before retrying."), "{rem}");
    assert!(rem.contains("<code>retries.retry_after</code>"), "{rem}");
    assert!(rem.contains("must reject with a 4xx status every request whose signature does not verify"));
    assert!(rem.contains("<code>webhook.signature</code>"), "{rem}");
    assert!(rem.contains("forged = 200, missing = 401"), "{rem}");
}

#[test]
fn malformed_dossier_is_a_located_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.toml");
    let original =
        "[dossier]\nquestionnaire = \"uniwise-wiseflow\"\n\n[answers.\"a.b\"]\nstatus = \"maybe\"\n";
    std::fs::write(&path, original).expect("write");
    let out = certcockpit(&["report", &path.display().to_string()]);
    assert_eq!(out.status.code(), Some(2), "a bad dossier is an input error (exit 2)");
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{}:5:10:", path.display())), "{err}");
    assert!(err.contains("maybe"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), original, "never modified");
    assert!(out.stdout.is_empty());
}

#[test]
fn unknown_questionnaire_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.toml");
    std::fs::write(&path, "[dossier]\nquestionnaire = \"acme-internal\"\n").expect("write");
    let out = certcockpit(&["report", &path.display().to_string()]);
    assert_eq!(out.status.code(), Some(2), "an unknown questionnaire is an input error");
    let err = text(&out.stderr);
    assert!(err.contains("names questionnaire 'acme-internal', which is not built in"), "{err}");
    assert!(err.contains("okendo-webhooks"), "lists the built-ins: {err}");
    assert!(err.contains("--questionnaire"), "{err}");
}

#[test]
fn init_writes_a_dossier_that_loads_opens_and_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("okhi.toml");
    let shown = path.display().to_string();
    let out = certcockpit(&["init", &shown, "--questionnaire", "okhi-webhooks"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("14 questions"), "{}", text(&out.stdout));

    let written = std::fs::read_to_string(&path).expect("written");
    assert!(written.contains("# 3.1 Have you added a custom header to your webhook"), "{written}");
    assert!(written.contains("# Live checks: webhook.signature (Bad signatures rejected)"));
    let d = dossier::load(&path).expect("loads");
    assert_eq!(d.dossier.questionnaire, "okhi-webhooks");
    assert_eq!(d.answers.len(), 14);
    assert!(d.answers.values().all(|a| a.answer.is_empty() && a.status == ReviewStatus::Open));

    let q = questionnaire::load("okhi-webhooks").expect("builtin");
    let (mut store, opened, created) = DossierStore::open(&path, &q).expect("opens as the cockpit does");
    assert!(!created);
    store.save(&opened).expect("the cockpit can save it");
    drop(store);

    let out = certcockpit(&["report", &shown]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("**Readiness: ◐ incomplete: 14 questions open**"));
}

#[test]
fn init_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("mine.toml");
    std::fs::write(&path, "precious").expect("write");
    let out = certcockpit(&["init", &path.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("already exists; not overwriting it"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "precious");
}

#[test]
fn init_with_an_unknown_questionnaire_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.toml");
    let out = certcockpit(&["init", &path.display().to_string(), "-q", "nope"]);
    assert_eq!(out.status.code(), Some(2), "an unknown questionnaire is an input error");
    assert!(text(&out.stderr).contains("unknown questionnaire 'nope'"), "{}", text(&out.stderr));
    assert!(!path.exists());
}

#[test]
fn annotated_example_documents_every_field_and_parses() {
    let path = repo().join("assets/dossier-example.toml");
    let d = dossier::load(&path).expect("the example parses");
    // Every key is one the program knows: a misspelt field would land in an `extra` table.
    assert!(d.extra.is_empty() && d.dossier.extra.is_empty(), "unknown keys in the example");
    assert!(
        d.settings.extra.is_empty() && d.settings.webhook.extra.is_empty() && d.settings.api.extra.is_empty()
    );
    assert!(d.answers.values().all(|a| a.extra.is_empty()) && d.evidence.iter().all(|e| e.extra.is_empty()));
    // Every status appears, and every cover and evidence field is filled in.
    for s in ReviewStatus::ALL {
        assert!(d.answers.values().any(|a| a.status == s), "no example of status {s}");
    }
    let m = &d.dossier;
    for field in [
        &m.questionnaire,
        &m.questionnaire_version,
        &m.integration,
        &m.partner,
        &m.reviewer,
        &m.partner_engineer,
        &m.date,
        &m.created,
        &m.updated,
    ] {
        assert!(!field.is_empty());
    }
    assert!(d.answers.values().any(|a| !a.note.is_empty()));
    assert!(d.evidence.iter().any(|e| !e.figures.is_empty() && !e.observations.is_empty()));
    assert!(!d.settings.webhook.url.is_empty());
    // Every answer id is a real question of the questionnaire it names.
    let q = questionnaire::load(&m.questionnaire).expect("built in");
    for id in d.answers.keys() {
        assert!(q.question(id).is_some(), "{id} is not a question of {}", q.id);
    }
    let out = certcockpit(&["report", &path.display().to_string(), "--format", "html"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
