//! Signed evidence and the certification package, on evidence filed from real peers: webhook
//! checks against tests/peers/webhook_listener.py (the `standardwebhooks` package) and API checks
//! with tests/peers/good_client.py (requests + urllib3 Retry + authlib), by a reviewer whose key
//! `certcockpit key init` made in a private config folder (XDG_CONFIG_HOME).

use std::io::{Read, Write};
use std::path::Path;

use crate::support;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn run(config: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = support::command().args(args).env("XDG_CONFIG_HOME", config).output().expect("run");
    (out.status.code(), format!("{}{}", support::text(&out.stdout), support::text(&out.stderr)))
}

/// Files webhook and API evidence into `dossier` with the key in `config` (if any).
fn file_evidence(config: &Path, dossier: &str) {
    let mut cmd = support::python_peer("webhook_listener.py");
    cmd.arg("standard-webhooks").env("PEER_SECRET", SECRET);
    let listener = support::listening(cmd, "scripts/test installs the peers' packages");
    let hooks = support::command()
        .args(["check", "webhook", "--url", &listener.url, "--secret-env", "HOOK_SECRET", "--deadline", "3"])
        .args(["--dossier", dossier])
        .env("HOOK_SECRET", SECRET)
        .env("XDG_CONFIG_HOME", config)
        .output()
        .expect("run");
    assert!(hooks.status.code().is_some_and(|c| c <= 1), "{}", support::text(&hooks.stderr));
    let api = support::command()
        .args(["check", "api", "--timeout", "20", "--exec", &support::python_peer_sh("good_client.py")])
        .args(["--only", "retry.backoff", "--dossier", dossier])
        .env("XDG_CONFIG_HOME", config)
        .output()
        .expect("run");
    assert!(api.status.success(), "{}{}", support::text(&api.stdout), support::text(&api.stderr));
}

type Edit = fn(&mut certcockpit::dossier::Evidence);

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("gzip");
    out
}

#[test]
fn signed_evidence_verifies_any_signed_byte_changed_is_caught_and_the_package_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config");
    let (code, out) = run(&config, &["key", "init"]);
    assert_eq!(code, Some(0), "{out}");
    let (code, again) = run(&config, &["key", "init"]);
    assert_eq!(code, Some(2), "a key is never replaced without --force: {again}");
    let public = config.join("certcockpit/reviewer-key.pub.pem");
    let private = std::fs::read_to_string(config.join("certcockpit/reviewer-key.pem")).expect("private");
    let fingerprint =
        out.lines().find_map(|l| l.strip_prefix("fingerprint ")).expect("fingerprint").to_owned();
    let key = public.to_str().expect("utf-8");

    let dossier = dir.path().join("review.toml");
    let d = dossier.to_str().expect("utf-8");
    file_evidence(&config, d);
    let (code, out) = run(&config, &["verify", d, "--key", key]);
    assert_eq!(code, Some(0), "signed evidence verifies:\n{out}");
    assert!(out.contains(&format!("signed by {fingerprint}, valid")), "{out}");

    // Any signed byte changed: a verdict, a figure, the observations digest, the provenance.
    let text = std::fs::read_to_string(&dossier).expect("read");
    let edits: [(&str, Edit); 4] = [
        ("verdict", |e| e.verdict = certcockpit::checks::Verdict::Fail),
        ("figure", |e| {
            e.figures.insert("attempts".into(), certcockpit::checks::Figure::Int(99));
        }),
        ("observations digest", |e| e.observations_sha256 = Some("0".repeat(64))),
        ("provenance", |e| e.host = Some("another-laptop".into())),
    ];
    for (what, edit) in edits {
        let mut loaded = certcockpit::dossier::load(&dossier).expect("loads");
        let backoff = loaded.evidence.iter_mut().find(|e| e.check == "retry.backoff").expect("filed");
        edit(backoff);
        std::fs::write(&dossier, loaded.to_toml().expect("toml")).expect("edit");
        let (code, out) = run(&config, &["verify", d, "--key", key]);
        assert_eq!(code, Some(1), "{what}: {out}");
        let line = out.lines().find(|l| l.contains("retry.backoff")).expect("listed");
        assert!(line.contains(&format!("signature by {fingerprint} invalid")), "{what}: {out}");
        std::fs::write(&dossier, &text).expect("restore");
    }

    // Another reviewer's key: every record is by an unknown key.
    let other = dir.path().join("other");
    let (_, other_out) = run(&other, &["key", "init"]);
    let other_key = other_out.split("fingerprint").next().expect("pem").to_owned();
    let (code, out) = run(&config, &["verify", d, &format!("--key={other_key}")]);
    assert!(code == Some(1) && out.contains(&format!("signed by an unknown key {fingerprint}")), "{out}");

    // The report checks signatures as verify does, with the same --key: valid with the
    // reviewer's key, by an unknown key (and so not ready) with another's, not looked at
    // without one.
    let (code, out) = run(&config, &["report", d, "--key", key]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("signed by {fingerprint}, valid")), "{out}");
    assert!(!out.contains("unknown key"), "{out}");
    let (code, out) = run(&config, &["report", d, &format!("--key={other_key}")]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("signed by an unknown key {fingerprint}")), "{out}");
    assert!(out.contains("**Readiness: ✘ not ready"), "{out}");
    let (_, out) = run(&config, &["report", d]);
    assert!(!out.contains("signed by"), "without --key signatures are not checked: {out}");
    let (code, out) = run(&config, &["report", d, "--key", "/nonexistent/key.pub.pem"]);
    assert!(code != Some(0) && out.contains("key.pub.pem"), "a bad --key is named: {out}");

    // Evidence filed with no key is unsigned.
    let plain = dir.path().join("plain.toml");
    let p = plain.to_str().expect("utf-8");
    file_evidence(&dir.path().join("nokey"), p);
    let (code, out) = run(&config, &["verify", p, "--key", key]);
    assert!(code == Some(1) && out.contains("unsigned"), "{out}");
    let (code, out) = run(&config, &["verify", p]);
    assert_eq!(code, Some(0), "without --key signatures are not checked: {out}");

    // Export, then verify the package offline.
    let package = dir.path().join("review.tar.gz");
    let pkg = package.to_str().expect("utf-8");
    let (code, out) = run(&config, &["export", d, "--output", pkg]);
    assert!(code == Some(0) && out.contains(&format!("manifest signed by {fingerprint}")), "{out}");
    let (code, out) = run(&config, &["verify", pkg, "--key", key]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("files match the manifest") && out.contains("✔ manifest: signed by"), "{out}");

    // No private key material anywhere the package or the dossier goes.
    let body: String = private.lines().filter(|l| !l.starts_with("-----")).collect::<Vec<_>>().concat();
    let bytes = std::fs::read(&package).expect("package");
    let mut swept = vec![gunzip(&bytes), std::fs::read(&dossier).expect("dossier")];
    for f in std::fs::read_dir(dossier.with_extension("evidence")).expect("sidecar") {
        swept.push(gunzip(&std::fs::read(f.expect("entry").path()).expect("sidecar file")));
    }
    for b in &swept {
        let s = String::from_utf8_lossy(b);
        assert!(!s.contains(&body) && !s.contains("PRIVATE KEY") && !s.contains(SECRET));
    }

    // A file changed inside the package is named.
    let tampered = dir.path().join("tampered.tar.gz");
    rewrite(&package, &tampered, |name, data| {
        if name == "review.toml" {
            *data = String::from_utf8_lossy(data)
                .replacen("verdict = \"pass\"", "verdict = \"fail\"", 1)
                .into_bytes();
        }
    });
    let (code, out) = run(&config, &["verify", tampered.to_str().expect("utf-8"), "--key", key]);
    assert!(code == Some(1) && out.contains("✘ file review.toml: changed"), "{out}");
}

/// Copies the package at `from` to `to`, letting `edit` change each file's bytes.
fn rewrite(from: &Path, to: &Path, edit: impl Fn(&str, &mut Vec<u8>)) {
    let mut archive =
        tar::Archive::new(flate2::read::GzDecoder::new(std::fs::File::open(from).expect("open")));
    let mut out =
        tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default()));
    for entry in archive.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        let name = entry.path().expect("path").to_string_lossy().into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("read");
        edit(&name, &mut data);
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        out.append_data(&mut h, &name, data.as_slice()).expect("append");
    }
    std::fs::write(to, out.into_inner().expect("tar").finish().expect("gzip")).expect("write");
}

/// A package with one hostile entry (raw header bytes, as an attacker writes them).
fn hostile(path: &Path, name: &[u8], kind: tar::EntryType, size: u64) {
    let mut h = tar::Header::new_old();
    h.as_old_mut().name[..name.len()].copy_from_slice(name);
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    if kind == tar::EntryType::Symlink {
        h.set_link_name("/etc/passwd").expect("link");
    }
    h.set_cksum();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(h.as_bytes()).expect("header");
    let body = vec![b'x'; usize::try_from(size.min(4096)).expect("size")];
    gz.write_all(&body).expect("body");
    gz.write_all(&[0u8; 2048]).expect("end");
    std::fs::write(path, gz.finish().expect("gzip")).expect("write");
}

#[test]
fn a_malicious_package_is_refused_and_nothing_lands_outside_a_temp_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [(&[u8], tar::EntryType, u64, &str); 4] = [
        (b"../escaped.toml", tar::EntryType::Regular, 4, "climbs out of the package"),
        (b"/tmp/absolute.toml", tar::EntryType::Regular, 4, "an absolute path"),
        (b"review.toml", tar::EntryType::Symlink, 0, "a symlink"),
        (b"big.jsonl.gz", tar::EntryType::Regular, 100 << 20, "over the"),
    ];
    for (name, kind, size, why) in cases {
        let package = dir.path().join("evil.tar.gz");
        hostile(&package, name, kind, size);
        let (code, out) = run(dir.path(), &["verify", package.to_str().expect("utf-8")]);
        assert_eq!(code, Some(2), "{out}");
        assert!(out.contains("entry 1") && out.contains(why) && out.contains("not unpacked"), "{out}");
    }
    assert!(!dir.path().join("escaped.toml").exists() && !Path::new("/tmp/absolute.toml").exists());
}
