//! The evidence sidecar: what each record's judge read (`checks::Kept`), kept beside the dossier
//! in `NAME.evidence/` (for `review.toml`, `review.evidence/`), one gzip-compressed JSON-lines
//! file per record named by the SHA-256 of its uncompressed lines: `<sha256>.jsonl.gz`. The
//! record names the digest (`observations_sha256`), so the dossier stays readable and diffable
//! and the sidecar is what `git` stores beside it; an edited file no longer matches its name.
//!
//! The lines: first a header (the kept observations with their lists empty: scenario, arming
//! time, how the run ended, or scheme, deadline and count), then one line per item,
//! `{"entry": …}` (a journal entry of the armed window), `{"session": …}` (an entry of the
//! session's journal at the client's own pace, for a check judged on the whole session),
//! `{"entry_in_session": …}` (an entry of the window that is also one of the session's: written
//! once, read into both lists) or `{"delivery": …}`; `webhook.fallback` has its deliveries then
//! its window's `{"entry": …}` lines.
//!
//! A whole-session check (`polling.rate`) writes the session's entries before its window as
//! `session` lines, then its window, each entry once: `entry_in_session` when the session holds
//! it, `entry` when a fault scenario provoked it. Records filed before `entry_in_session`
//! existed wrote the window twice (all of it as `entry`, then the whole session as `session`);
//! they read as they always did. Nothing in
//! them is a token or a secret: the journal holds token fingerprints only, and webhook answers
//! are redacted of the secret before they are observed.
//!
//! Files are written through the dossier's save protocol (`crate::files::write_atomic`: a
//! temporary file, fsync, rename, fsync of the folder), before the dossier that names them, so
//! a dossier on disk never names a sidecar file that was not written. Files are never
//! rewritten: a name is its content.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::checks::api::JournalEntry;
use crate::checks::webhook::Observation;
use crate::checks::{Kept, KeptApi, KeptWebhook};
use crate::files::{self, ReadError};

/// The largest sidecar file read (compressed). A file holds at most the journal's newest
/// 20,000 entries once (about 33 bytes an entry compressed): measured with
/// tests/peers/flood_client.py, `polling.rate`'s file of a 20,000-request session is 0.66 MB
/// (records of the older shape, which held the window twice, 1.28 MB). The bound leaves
/// room above that and still refuses a file no session wrote (a planted one).
pub const MAX_SIDECAR_BYTES: u64 = 64 * 1024 * 1024;
/// The most uncompressed bytes read from one file, so a planted gzip bomb cannot fill memory.
const MAX_LINES_BYTES: u64 = 512 * 1024 * 1024;

/// One record's observations, encoded: the digest that names it and the compressed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SidecarFile {
    /// SHA-256 of the uncompressed JSON lines, lowercase hex.
    pub digest: String,
    pub gz: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Line {
    Entry(JournalEntry),
    Session(JournalEntry),
    EntryInSession(JournalEntry),
    Delivery(Observation),
}

/// Why a record's observations could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum SidecarError {
    #[error("observations missing: {path} does not exist")]
    Missing { path: String },
    #[error("cannot read {path}: {cause}")]
    Read { path: String, cause: String },
    #[error("observations do not match their digest: {path} holds lines of SHA-256 {found}")]
    Digest { path: String, found: String },
    #[error("the record's observations_sha256 is not a SHA-256 in lowercase hex: {digest}")]
    NotADigest { digest: String },
    #[error("{path}: line {line}: not a kept observation: {message}")]
    Malformed { path: String, line: usize, message: String },
}

/// The sidecar folder of a dossier: `review.toml` → `review.evidence`.
pub fn folder_of(dossier: &Path) -> PathBuf {
    dossier.with_extension("evidence")
}

/// The file holding the observations of digest `digest`.
pub fn file_in(folder: &Path, digest: &str) -> PathBuf {
    folder.join(format!("{digest}.jsonl.gz"))
}

/// Whether `s` is a SHA-256 in lowercase hex, as the sidecar names its files.
pub fn is_digest(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The JSON lines of `kept` (see the module doc).
pub fn lines(kept: &Kept) -> Result<Vec<u8>, serde_json::Error> {
    fn push<T: Serialize>(value: &T, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        serde_json::to_writer(&mut *out, value)?;
        out.push(b'\n');
        Ok(())
    }
    let mut out = Vec::new();
    match kept {
        Kept::Api(a) => {
            push(&Kept::Api(a.header()), &mut out)?;
            match window_in_session(a) {
                // The session holds the window: each entry once (see the module doc).
                Some((before, in_session)) => {
                    for e in before {
                        push(&LineRef::Session(e), &mut out)?;
                    }
                    for (e, shared) in a.entries.iter().zip(in_session) {
                        push(&if shared { LineRef::EntryInSession(e) } else { LineRef::Entry(e) }, &mut out)?;
                    }
                }
                None => {
                    for e in &a.entries {
                        push(&LineRef::Entry(e), &mut out)?;
                    }
                    for e in &a.session {
                        push(&LineRef::Session(e), &mut out)?;
                    }
                }
            }
        }
        Kept::Webhook(w) => {
            push(&Kept::Webhook(w.header()), &mut out)?;
            for d in &w.deliveries {
                push(&LineRef::Delivery(d), &mut out)?;
            }
        }
        Kept::Fallback(f) => {
            push(&Kept::Fallback(f.header()), &mut out)?;
            for d in &f.deliveries {
                push(&LineRef::Delivery(d), &mut out)?;
            }
            for e in &f.entries {
                push(&LineRef::Entry(e), &mut out)?;
            }
        }
    }
    Ok(out)
}

/// How a session holds the window, when it does as `finish_run` builds it: the session's
/// entries before arming, then (from arming on) a subsequence of the window's entries. Returns
/// those before arming and, for each window entry, whether the session holds it; `None` when
/// the session is empty or not of that shape (then both lists are written whole: always
/// lossless).
fn window_in_session(a: &KeptApi) -> Option<(&[JournalEntry], Vec<bool>)> {
    if a.session.is_empty() {
        return None;
    }
    let split = a.session.partition_point(|e| e.at_us < a.armed_at_us);
    let (before, mut rest) = a.session.split_at(split);
    if before.iter().any(|e| e.at_us >= a.armed_at_us) {
        return None;
    }
    let mut in_session = Vec::with_capacity(a.entries.len());
    for e in &a.entries {
        let shared = rest.first() == Some(e);
        if shared {
            rest = &rest[1..];
        }
        in_session.push(shared);
    }
    rest.is_empty().then_some((before, in_session))
}

/// Encodes `kept` for the sidecar.
pub fn encode(kept: &Kept) -> Result<SidecarFile, std::io::Error> {
    let lines = lines(kept).map_err(std::io::Error::other)?;
    let digest = sha256_hex(&lines);
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&lines)?;
    Ok(SidecarFile { digest, gz: gz.finish()? })
}

/// Writes `file` into `folder` (created if missing) unless a file of its name is already there.
pub fn write(folder: &Path, file: &SidecarFile) -> std::io::Result<()> {
    let path = file_in(folder, &file.digest);
    if std::fs::symlink_metadata(&path).is_ok() {
        return Ok(());
    }
    std::fs::create_dir_all(folder)?;
    files::write_atomic(&path, &file.gz)
}

/// Reads back the observations of digest `digest` from `folder`, checking the digest.
pub fn read(folder: &Path, digest: &str) -> Result<Kept, SidecarError> {
    // The digest comes from the dossier, which the partner may have written: anything but a
    // SHA-256 in hex could name a file outside the sidecar (`../…`).
    if !is_digest(digest) {
        return Err(SidecarError::NotADigest { digest: crate::text::short(digest) });
    }
    let path = file_in(folder, digest);
    let name = path.display().to_string();
    let gz = files::read_regular(&path, MAX_SIDECAR_BYTES).map_err(|e| match e {
        ReadError::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            SidecarError::Missing { path: name.clone() }
        }
        other => SidecarError::Read { path: name.clone(), cause: other.to_string() },
    })?;
    let mut lines = Vec::new();
    GzDecoder::new(gz.as_slice())
        .take(MAX_LINES_BYTES)
        .read_to_end(&mut lines)
        .map_err(|e| SidecarError::Read { path: name.clone(), cause: format!("not gzip data: {e}") })?;
    let found = sha256_hex(&lines);
    if found != digest {
        return Err(SidecarError::Digest { path: name, found });
    }
    decode(&name, &lines)
}

/// Parses the JSON lines of one file (already checked against its digest).
pub fn decode(name: &str, lines: &[u8]) -> Result<Kept, SidecarError> {
    let malformed =
        |line: usize, message: String| SidecarError::Malformed { path: name.to_owned(), line, message };
    let mut rows = lines.split(|b| *b == b'\n').filter(|l| !l.is_empty());
    let mut kept: Kept = match rows.next() {
        Some(h) => serde_json::from_slice(h).map_err(|e| malformed(1, e.to_string()))?,
        None => return Err(malformed(1, "the file is empty".into())),
    };
    for (i, row) in rows.enumerate() {
        let line: Line = serde_json::from_slice(row).map_err(|e| malformed(i + 2, e.to_string()))?;
        match (&mut kept, line) {
            (Kept::Api(a), Line::Entry(e)) => a.entries.push(e),
            (Kept::Api(a), Line::Session(e)) => a.session.push(e),
            (Kept::Api(a), Line::EntryInSession(e)) => {
                a.entries.push(e.clone());
                a.session.push(e);
            }
            (Kept::Webhook(w), Line::Delivery(d)) => w.deliveries.push(d),
            (Kept::Fallback(f), Line::Delivery(d)) => f.deliveries.push(d),
            (Kept::Fallback(f), Line::Entry(e)) => f.entries.push(e),
            _ => return Err(malformed(i + 2, "an item of the other check family".into())),
        }
    }
    Ok(kept)
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum LineRef<'a> {
    Entry(&'a JournalEntry),
    Session(&'a JournalEntry),
    EntryInSession(&'a JournalEntry),
    Delivery(&'a Observation),
}

impl KeptApi {
    /// Everything but the lists.
    fn header(&self) -> Self {
        Self {
            scenario: self.scenario.clone(),
            armed_at_us: self.armed_at_us,
            end: self.end,
            entries: Vec::new(),
            session: Vec::new(),
            provoked: self.provoked,
            upstream_trouble: self.upstream_trouble.clone(),
            journal_dropped: self.journal_dropped,
        }
    }
}

impl KeptWebhook {
    /// Everything but the lists.
    fn header(&self) -> Self {
        Self {
            check: self.check.clone(),
            scheme: self.scheme,
            deadline: self.deadline,
            tolerance_secs: self.tolerance_secs,
            planned: self.planned,
            deliveries: Vec::new(),
            processed: self.processed.clone(),
            transport: self.transport.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::checks::api::judges::{RunEnd, RunOutcome};
    use crate::checks::api::{RequestKind, Scenario};
    use crate::checks::webhook::transport::{CertFacts, Handshake, TlsFacts, Verification};
    use crate::checks::webhook::{Case, Outcome, Scheme, TransportFacts};

    fn entry(seq: u64, at_us: u64) -> JournalEntry {
        JournalEntry {
            seq,
            at_us,
            done_us: at_us + 300,
            method: "GET".into(),
            path: "/items?page=1".into(),
            status: 429,
            token: Some("tok_3f2a".into()),
            client_name: Some("acme-sync".into()),
            trace_id: "t-1".into(),
            retry_after_ms: Some(1000),
            retry_after_form: Some("http-date"),
            kind: RequestKind::Items { page: 1, last_page: 3 },
        }
    }

    fn api(session: bool) -> Kept {
        let mut scenario = Scenario::for_check("polling.rate").expect("an API check");
        scenario.whole_session = session;
        let all = vec![entry(1, 10), entry(2, 2_000), entry(3, 3_000)];
        Kept::Api(KeptApi {
            scenario,
            armed_at_us: 1_000,
            end: RunEnd { at_us: 9_000, outcome: RunOutcome::Exited(0) },
            entries: all[1..].to_vec(),
            session: if session { all } else { Vec::new() },
            provoked: 2,
            upstream_trouble: None,
            journal_dropped: 0,
        })
    }

    #[test]
    fn kept_observations_read_back_as_they_were() {
        let dir = tempfile::tempdir().expect("tempdir");
        let webhook = Kept::Webhook(KeptWebhook {
            check: "webhook.replay".into(),
            scheme: Scheme::TimestampedHmacSha256,
            deadline: Duration::from_secs(15),
            tolerance_secs: 300,
            planned: 3,
            deliveries: vec![Observation::new(
                Case::Skewed(-600),
                Outcome::Answered { status: 400, detail: "stale".into() },
                Duration::from_millis(12),
            )],
            processed: vec![("msg_1".into(), Ok(1)), ("msg_2".into(), Err("observer answered 500".into()))],
            transport: None,
        });
        let transport = Kept::Webhook(KeptWebhook {
            check: "webhook.transport".into(),
            transport: Some(TransportFacts {
                url: "https://127.0.0.1:8443/hook".into(),
                loopback: true,
                observed_at: 1_790_000_000,
                tls: Some(TlsFacts {
                    handshake: Handshake::Completed {
                        version: "TLSv1_3".into(),
                        cipher_suite: "TLS13_AES_128_GCM_SHA256".into(),
                    },
                    certificate: Some(CertFacts {
                        subject: "CN=listener".into(),
                        issuer: "CN=test CA".into(),
                        not_before: 1_780_000_000,
                        not_after: 1_800_000_000,
                        chain_len: 1,
                    }),
                    verification: Verification::Verified,
                    extra_ca: Some("ca.pem".into()),
                }),
            }),
            ..match &webhook {
                Kept::Webhook(w) => w.clone(),
                _ => unreachable!("a webhook record"),
            }
        });
        let fallback = Kept::Fallback(crate::checks::webhook::KeptFallback {
            scheme: Scheme::StandardWebhooks,
            deadline: Duration::from_secs(15),
            window: Duration::from_secs(30),
            announced: vec![crate::checks::webhook::fallback::Resource {
                id: "item-0001".into(),
                sequence: 11,
                path: "/items/item-0001".into(),
            }],
            withheld: crate::checks::webhook::fallback::Resource {
                id: "item-0002".into(),
                sequence: 12,
                path: "/items/item-0002".into(),
            },
            collection: "/items".into(),
            from_us: 5,
            deliveries: vec![Observation::new(
                Case::Step(1),
                Outcome::Answered { status: 204, detail: String::new() },
                Duration::from_millis(3),
            )],
            entries: vec![entry(1, 10), entry(2, 2_000)],
        });
        for kept in [api(false), api(true), webhook, transport, fallback] {
            let file = encode(&kept).expect("encodes");
            write(dir.path(), &file).expect("writes");
            assert_eq!(read(dir.path(), &file.digest).expect("reads back"), kept);
        }
    }

    /// A whole-session record as `finish_run` builds it: the session before arming, then the
    /// window, of which one entry (seq 3) a fault scenario provoked (in the window, not in the
    /// session).
    fn whole_session() -> Kept {
        let mut scenario = Scenario::for_check("polling.rate").expect("an API check");
        scenario.whole_session = true;
        let all: Vec<JournalEntry> =
            [10, 20, 2_000, 2_500, 3_000].iter().zip(1..).map(|(at, s)| entry(s, *at)).collect();
        let session: Vec<JournalEntry> = all.iter().filter(|e| e.seq != 4).cloned().collect();
        Kept::Api(KeptApi {
            scenario,
            armed_at_us: 1_000,
            end: RunEnd { at_us: 9_000, outcome: RunOutcome::Exited(0) },
            entries: all[2..].to_vec(),
            session,
            provoked: 1,
            upstream_trouble: None,
            journal_dropped: 0,
        })
    }

    fn seqs_written(kept: &Kept) -> Vec<(String, u64)> {
        let text = String::from_utf8(lines(kept).expect("lines")).expect("utf-8");
        text.lines()
            .skip(1)
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("json");
                let (kind, e) = v.as_object().and_then(|o| o.iter().next()).expect("one key");
                (kind.clone(), e["seq"].as_u64().expect("seq"))
            })
            .collect()
    }

    #[test]
    fn a_whole_session_record_writes_its_window_once() {
        let kept = whole_session();
        let written = seqs_written(&kept);
        let kinds: Vec<(&str, u64)> = written.iter().map(|(k, s)| (k.as_str(), *s)).collect();
        assert_eq!(
            kinds,
            [("session", 1), ("session", 2), ("entry_in_session", 3), ("entry", 4), ("entry_in_session", 5)]
        );
        let file = encode(&kept).expect("encodes");
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), &file).expect("writes");
        assert_eq!(read(dir.path(), &file.digest).expect("reads back"), kept);
        assert_eq!(seqs_written(&api(true)).len(), 3, "two in the window, one before");
        // A session holding an entry of its time that the window lacks has no such split:
        // both lists are written whole, and read back as they were.
        let Kept::Api(mut odd) = kept else { unreachable!("an API record") };
        odd.session.push(entry(9, 5_000));
        let odd = Kept::Api(odd);
        assert_eq!(seqs_written(&odd).len(), 3 + 5);
        let file = encode(&odd).expect("encodes");
        write(dir.path(), &file).expect("writes");
        assert_eq!(read(dir.path(), &file.digest).expect("reads back"), odd);
    }

    /// Records filed before `entry_in_session` (the window as `entry` lines, then the whole
    /// session as `session` lines) read back as they did.
    #[test]
    fn the_old_shape_with_the_window_twice_still_reads() {
        let kept = whole_session();
        let Kept::Api(a) = &kept else { unreachable!("an API record") };
        let mut old = serde_json::to_vec(&Kept::Api(a.header())).expect("header");
        old.push(b'\n');
        for e in &a.entries {
            old.extend(serde_json::to_vec(&serde_json::json!({ "entry": e })).expect("entry"));
            old.push(b'\n');
        }
        for e in &a.session {
            old.extend(serde_json::to_vec(&serde_json::json!({ "session": e })).expect("session"));
            old.push(b'\n');
        }
        assert_eq!(decode("old.jsonl", &old).expect("decodes"), kept);
    }

    #[test]
    fn an_edited_or_deleted_file_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = encode(&api(false)).expect("encodes");
        write(dir.path(), &file).expect("writes");
        let path = file_in(dir.path(), &file.digest);
        let mut lines = lines(&api(false)).expect("lines");
        let at = lines.windows(3).position(|w| w == b"429").expect("a status");
        lines[at..at + 3].copy_from_slice(b"200");
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&lines).expect("gzip");
        std::fs::write(&path, gz.finish().expect("gzip")).expect("edit");
        assert!(matches!(read(dir.path(), &file.digest), Err(SidecarError::Digest { .. })));
        std::fs::remove_file(&path).expect("delete");
        let err = read(dir.path(), &file.digest).expect_err("missing");
        assert!(matches!(err, SidecarError::Missing { .. }), "{err}");
        assert!(err.to_string().starts_with("observations missing"), "{err}");
    }

    #[test]
    fn a_digest_that_is_not_sha256_hex_names_no_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join("review.evidence");
        std::fs::create_dir_all(&folder).expect("folder");
        // A file outside the sidecar that a planted "digest" would reach.
        std::fs::write(dir.path().join("x.jsonl.gz"), b"").expect("plant");
        for bad in ["../x", "ABCDEF", &"A".repeat(64), &format!("{}/", "a".repeat(63))] {
            assert!(matches!(read(&folder, bad), Err(SidecarError::NotADigest { .. })), "{bad}");
        }
        assert!(is_digest(&sha256_hex(b"lines")));
        assert!(matches!(read(&folder, &sha256_hex(b"lines")), Err(SidecarError::Missing { .. })));
    }
}
