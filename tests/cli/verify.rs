//! `certcockpit verify` on evidence filed from real peers: webhook checks against the Python
//! listener (tests/peers/webhook_listener.py, the `standardwebhooks` package) and API checks
//! with tests/peers/good_client.py (requests + urllib3 Retry + authlib). An untouched dossier
//! verifies; a verdict flipped by hand, an edited sidecar file and a deleted one are named.

use std::io::Write;
use std::process::Output;

use crate::support;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn verify(dossier: &str) -> (bool, String) {
    let out: Output = support::command().args(["verify", dossier]).output().expect("run");
    (out.status.success(), format!("{}{}", support::text(&out.stdout), support::text(&out.stderr)))
}

#[test]
fn filed_evidence_verifies_and_every_tampering_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dossier = dir.path().join("review.toml");
    let d = dossier.to_str().expect("utf-8");
    let mut cmd = support::python_peer("webhook_listener.py");
    cmd.arg("standard-webhooks").env("PEER_SECRET", SECRET);
    let listener = support::listening(cmd, "scripts/test installs the peers' packages");
    let hooks = support::command()
        .args(["check", "webhook", "--url", &listener.url, "--secret-env", "HOOK_SECRET", "--deadline", "3"])
        .args(["--dossier", d])
        .env("HOOK_SECRET", SECRET)
        .output()
        .expect("run");
    assert!(hooks.status.code().is_some_and(|c| c <= 1), "{}", support::text(&hooks.stderr));
    let api = support::command()
        .args(["check", "api", "--timeout", "20", "--exec", &support::python_peer_sh("good_client.py")])
        .args(["--only", "retry.backoff,auth.refresh", "--dossier", d])
        .output()
        .expect("run");
    assert!(api.status.success(), "{}{}", support::text(&api.stdout), support::text(&api.stderr));

    let (ok, out) = verify(d);
    assert!(ok, "an untouched dossier verifies:\n{out}");
    assert!(out.contains("✔") && out.contains("webhook.signature") && out.contains("retry.backoff"), "{out}");

    // A verdict flipped by hand.
    let text = std::fs::read_to_string(&dossier).expect("read");
    let loaded = certcockpit::dossier::load(&dossier).expect("loads");
    let backoff = loaded.evidence.iter().position(|e| e.check == "retry.backoff").expect("filed");
    let flipped = {
        let mut n = 0;
        text.split("[[evidence]]")
            .map(|part| {
                n += 1;
                if n == backoff + 2 {
                    part.replacen("verdict = \"pass\"", "verdict = \"fail\"", 1)
                } else {
                    part.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("[[evidence]]")
    };
    assert_ne!(flipped, text, "the retry.backoff record passed");
    std::fs::write(&dossier, &flipped).expect("flip");
    let (ok, out) = verify(d);
    assert!(!ok, "{out}");
    assert!(
        out.contains("retry.backoff")
            && out.contains("verdict differs: the record says fail, the observations give pass"),
        "{out}"
    );
    std::fs::write(&dossier, &text).expect("restore");

    // The judge's words edited, the verdict left alone.
    let summary = &loaded.evidence[backoff].summary;
    let toml_summary = toml::Value::String(summary.clone()).to_string();
    assert!(text.contains(&toml_summary), "the summary is stored as a plain TOML string");
    std::fs::write(&dossier, text.replacen(&toml_summary, "\"backs off exactly as documented\"", 1))
        .expect("edit");
    let (ok, out) = verify(d);
    assert!(
        !ok && out.contains("the summary reads \"backs off exactly as documented\" in the record"),
        "{out}"
    );
    std::fs::write(&dossier, &text).expect("restore");

    // An observation edited in the sidecar, then the file deleted.
    let sig = loaded.evidence.iter().find(|e| e.check == "webhook.signature").expect("filed");
    let file = certcockpit::dossier::sidecar::file_in(
        &certcockpit::dossier::sidecar::folder_of(&dossier),
        sig.observations_sha256.as_deref().expect("kept"),
    );
    let mut lines = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(&file).expect("open")),
        &mut lines,
    )
    .expect("gzip");
    let edited = lines.replacen("\"status\":4", "\"status\":2", 1);
    assert_ne!(edited, lines, "a refusal was observed");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(edited.as_bytes()).expect("gzip");
    std::fs::write(&file, gz.finish().expect("gzip")).expect("edit");
    let (ok, out) = verify(d);
    assert!(!ok && out.contains("observations do not match their digest"), "{out}");
    std::fs::remove_file(&file).expect("delete");
    let (ok, out) = verify(d);
    assert!(!ok && out.contains("observations missing"), "{out}");
}

#[test]
fn an_old_dossier_reports_no_observations_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dossier = dir.path().join("old.toml");
    std::fs::write(
        &dossier,
        "[dossier]\nquestionnaire = 'uniwise'\n\n[[evidence]]\ncheck = 'retry.limit'\nat = '2025-01-01T00:00:00Z'\nverdict = 'pass'\nsummary = 'ok'\n",
    )
    .expect("write");
    let (ok, out) = verify(dossier.to_str().expect("utf-8"));
    assert!(!ok && out.contains("retry.limit") && out.contains("no observations kept"), "{out}");
}
