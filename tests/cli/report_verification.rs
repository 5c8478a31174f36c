//! The report's verification state on real filed evidence (`tests/fixtures/verified/`, filed by
//! the real binary against the Python peers; its README says how): the cover counts live
//! against pre-filled records, every record shows whether it verifies, and a copy tampered
//! with four ways (a verdict flipped by hand, an observation edited in the sidecar, a sidecar
//! file deleted, an old record with no observations) reads so in the Markdown and HTML
//! reports, which are snapshot.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::support::{certcockpit, copy_verified_fixture as copy_fixture, flip_to_fail, text};

fn report(dossier: &Path, format: &str) -> String {
    let out = certcockpit(&["report", "--format", format, &dossier.display().to_string()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// The sidecar file of the first record of `check`.
fn sidecar_file(dossier: &Path, check: &str) -> PathBuf {
    let d = certcockpit::dossier::load(dossier).expect("loads");
    let e = d.evidence.iter().find(|e| e.check == check).expect("filed");
    certcockpit::dossier::sidecar::file_in(
        &certcockpit::dossier::sidecar::folder_of(dossier),
        e.observations_sha256.as_deref().expect("kept"),
    )
}

#[test]
fn an_untouched_dossier_reports_every_record_verified() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dossier = copy_fixture(dir.path());
    let md = report(&dossier, "md");
    assert!(md.contains("| Evidence | 6 records: 0 run live in the session, 6 pre-filled |"), "{md}");
    assert!(
        md.contains("| Verification | ✔ 5 of 5 judged records verified against their kept observations; 1 record with nothing to re-judge |"),
        "{md}"
    );
    assert!(md.contains("  - verification: ✔ verified"), "{md}");
    assert!(!md.contains("✘ verdict differs") && !md.contains("observations missing"), "{md}");
}

#[test]
fn tampered_evidence_is_named_in_both_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dossier = copy_fixture(dir.path());

    // A verdict flipped by hand: retry.backoff passed; and an old record: no observations,
    // no provenance.
    flip_to_fail(&dossier, "retry.backoff");
    let old = "\n[[evidence]]\ncheck = \"retry.limit\"\nat = \"2025-01-01T00:00:00Z\"\nverdict = \"pass\"\nsummary = \"gave up after 4 attempts\"\n";
    let toml = std::fs::read_to_string(&dossier).expect("read");
    std::fs::write(&dossier, format!("{toml}{old}")).expect("tamper");

    // An observation edited in the sidecar: a refusal of webhook.signature made an acceptance.
    let file = sidecar_file(&dossier, "webhook.signature");
    let mut lines = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&file).expect("open"))
        .read_to_string(&mut lines)
        .expect("gzip");
    let edited = lines.replacen("\"status\":401", "\"status\":200", 1);
    assert_ne!(edited, lines, "a refusal was observed");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(edited.as_bytes()).expect("gzip");
    std::fs::write(&file, gz.finish().expect("gzip")).expect("edit");
    // A sidecar file deleted.
    std::fs::remove_file(sidecar_file(&dossier, "webhook.replay")).expect("delete");

    let md = report(&dossier, "md");
    assert!(md.contains("| Verification | ✘ 2 of 6 judged records verified"), "{md}");
    for state in [
        "verdict differs: the record says fail, the observations give pass",
        "observations do not match their digest (review.evidence/",
        "observations missing (review.evidence/",
        "no observations kept",
    ] {
        assert!(md.contains(state), "{state}:\n{md}");
    }
    assert!(!md.contains(&dir.path().display().to_string()), "no local paths in the report");
    insta::assert_snapshot!("tampered_markdown", md);

    let html = report(&dossier, "html");
    // Black and white: every verification state has its symbol and its words, not just a colour.
    for state in [
        "✘</span> verdict differs",
        "✘</span> observations missing",
        "○</span> no observations kept",
        "✔</span> verified",
    ] {
        assert!(html.contains(state), "{state}:\n{html}");
    }
    insta::assert_snapshot!("tampered_html", html);
}
