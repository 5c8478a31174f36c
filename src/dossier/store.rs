//! Loading and saving dossiers. See the module doc of `dossier` for the save protocol.

use std::path::{Path, PathBuf};
use std::time::Duration;

use toml_edit::DocumentMut;

use super::lock::{DossierLock, LockFailure};
use super::model::{DOSSIER_FORMAT, Dossier};
use super::{merge, patch, sidecar};
use crate::files::{self, ReadError};
use crate::questionnaire::Questionnaire;
use crate::span::line_col;

/// The largest dossier read: a review with a thousand answers and a thousand evidence records
/// is about 1.5 MB; parsing takes some twenty times a file's size in memory, so this bounds a
/// load at about 200 MB.
pub const MAX_DOSSIER_BYTES: u64 = 8 * 1024 * 1024;

/// The waits before each retry of a failed write (a full disk, a busy network share): four
/// attempts over about two seconds, then the error is reported (and the cockpit tries again
/// at the next change).
const RETRY_DELAYS: [Duration; 3] =
    [Duration::from_millis(100), Duration::from_millis(400), Duration::from_millis(1600)];

// Each message names the file it is about and states the cause once (`cause` is not an error
// `source`, so a `{:#}` chain does not print it twice).
#[derive(Debug, thiserror::Error)]
pub enum DossierError {
    #[error(
        "{path}:{line}:{column}: the dossier does not parse: {message}\n  (the file was left untouched; fix it by hand and reopen)"
    )]
    Parse { path: String, line: usize, column: usize, message: String },
    #[error("cannot read dossier {path}: {cause}")]
    Read { path: String, cause: String },
    #[error("cannot save dossier {path} ({attempts} attempts over {secs:.1} s): {cause}")]
    Write { path: String, attempts: usize, secs: f64, cause: std::io::Error },
    #[error("cannot use the lock file {path}: {cause}")]
    Lock { path: String, cause: std::io::Error },
    #[error("cannot serialize the dossier: {0}")]
    Serialize(#[from] toml::ser::Error),
    #[error("{path} is already open in another certcockpit ({holder}); close it there first")]
    Locked { path: String, holder: String },
    #[error(
        "{path} was changed by someone else since it was opened; not overwriting it. Your version was saved to {saved_to}"
    )]
    ChangedOnDisk { path: String, saved_to: String },
    #[error(
        "{path} is a dossier of format {found}, newer than this certcockpit understands (format {DOSSIER_FORMAT}); the file was left untouched: open it with a newer certcockpit"
    )]
    NewerFormat { path: String, found: u32 },
}

impl DossierError {
    fn read(path: &Path, e: ReadError) -> Self {
        let cause = match e {
            ReadError::TooLarge { size, limit } => {
                format!(
                    "{size} bytes is over the dossier size limit of {limit} bytes (8 MiB); is this a dossier?"
                )
            }
            other => other.to_string(),
        };
        DossierError::Read { path: path.display().to_string(), cause }
    }
}

/// How the file's text is laid out, kept from load to save: a UTF-8 byte-order mark in front,
/// CRLF line ends. Parsing and merging work on the plain text (no BOM, LF); saving puts both
/// back, so a file edited on Windows stays as its editor wrote it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextForm {
    pub bom: bool,
    pub crlf: bool,
}

const BOM: &str = "\u{feff}";

impl TextForm {
    /// The plain text of a file's bytes and its form; `None` when it is not UTF-8.
    pub fn decode(bytes: &[u8]) -> Result<(String, TextForm), std::str::Utf8Error> {
        let text = std::str::from_utf8(bytes)?;
        let (text, bom) = match text.strip_prefix(BOM) {
            Some(rest) => (rest, true),
            None => (text, false),
        };
        let crlf = text.contains("\r\n");
        let plain = if crlf { text.replace("\r\n", "\n") } else { text.to_owned() };
        Ok((plain, TextForm { bom, crlf }))
    }

    /// The bytes of plain text in this form.
    pub fn encode(self, plain: &str) -> Vec<u8> {
        let body =
            if self.crlf { plain.replace("\r\n", "\n").replace('\n', "\r\n") } else { plain.to_owned() };
        if self.bom { format!("{BOM}{body}").into_bytes() } else { body.into_bytes() }
    }
}

/// Parses dossier text; `path` names it in errors. A dossier of a newer format is refused.
pub fn parse(path: &Path, text: &str) -> Result<Dossier, DossierError> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let dossier: Dossier = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((0, 0), |s| line_col(text, s.start));
        DossierError::Parse {
            path: path.display().to_string(),
            line,
            column,
            message: e.message().trim().to_owned(),
        }
    })?;
    if dossier.dossier.format > DOSSIER_FORMAT {
        return Err(DossierError::NewerFormat {
            path: path.display().to_string(),
            found: dossier.dossier.format,
        });
    }
    Ok(dossier)
}

/// Reads a dossier's bytes: a regular file of at most [`MAX_DOSSIER_BYTES`]; `None` when
/// there is no file.
fn read_bytes(path: &Path) -> Result<Option<Vec<u8>>, DossierError> {
    match files::read_regular(path, MAX_DOSSIER_BYTES) {
        Ok(b) => Ok(Some(b)),
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(DossierError::read(path, e)),
    }
}

fn decode(path: &Path, bytes: &[u8]) -> Result<(String, TextForm), DossierError> {
    TextForm::decode(bytes).map_err(|e| DossierError::Parse {
        path: path.display().to_string(),
        line: 0,
        column: 0,
        message: format!("not UTF-8 text: {e}"),
    })
}

/// Reads a dossier without locking it (reports, read-only use).
pub fn load(path: &Path) -> Result<Dossier, DossierError> {
    let Some(bytes) = read_bytes(path)? else {
        return Err(DossierError::Read { path: path.display().to_string(), cause: "no such file".into() });
    };
    let (text, _) = decode(path, &bytes)?;
    parse(path, &text)
}

/// Writes `bytes` to `path` atomically (see `crate::files::write_atomic`: unpredictable
/// temporary file that never follows a symlink, the file's mode kept, stale temporary files of
/// dead processes removed).
pub fn save_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    files::write_atomic(path, bytes)
}

/// Runs `write` until it succeeds, sleeping `delays` between attempts. Returns the result of
/// the last attempt and how many attempts were made.
fn with_retries<T>(
    delays: &[Duration],
    mut write: impl FnMut() -> std::io::Result<T>,
) -> (std::io::Result<T>, usize) {
    let mut attempts = 1;
    let mut result = write();
    for delay in delays {
        if result.is_ok() {
            break;
        }
        std::thread::sleep(*delay);
        attempts += 1;
        result = write();
    }
    (result, attempts)
}

/// An open, locked dossier file. Saves refuse to clobber changes made by someone else.
#[derive(Debug)]
pub struct DossierStore {
    /// The path as given (named in messages).
    path: PathBuf,
    /// The file it finally names (symlinks followed): what is read, written and locked.
    real: PathBuf,
    /// The bytes we last read or wrote; `None` when the file did not exist yet.
    on_disk: Option<Vec<u8>>,
    /// The file's BOM and line ends, put back on every save.
    form: TextForm,
    /// `on_disk` as an editable document: the base the next save merges into. Parsed by the
    /// first save that needs it, then kept from save to save (the merge re-parses its output
    /// anyway), so the old text is not parsed again on every autosave.
    base: Option<DocumentMut>,
    /// The dossier `on_disk` holds, so a save that changes nothing rewrites the same bytes.
    saved: Option<Dossier>,
    /// What the last save had to do beyond writing (retries), for the caller to show.
    note: Option<String>,
    /// Sidecar files known to be on disk (written or checked by this store).
    sidecar_written: std::collections::HashSet<String>,
    _lock: DossierLock,
}

impl DossierStore {
    /// Opens `path`, creating a new dossier for `questionnaire` if the file does not exist.
    /// Returns the store, the dossier and whether it was newly created (not yet on disk).
    pub fn open(path: &Path, questionnaire: &Questionnaire) -> Result<(Self, Dossier, bool), DossierError> {
        Self::open_waiting(path, questionnaire, Duration::ZERO)
    }

    /// [`open`](Self::open), waiting up to `wait` for another process to release the lock.
    pub fn open_waiting(
        path: &Path,
        questionnaire: &Questionnaire,
        wait: Duration,
    ) -> Result<(Self, Dossier, bool), DossierError> {
        let name = path.display().to_string();
        let real = files::resolve(path)
            .map_err(|e| DossierError::Read { path: name.clone(), cause: e.to_string() })?;
        let lock = DossierLock::acquire_within(&real, wait).map_err(|e| match e {
            LockFailure::Held(holder) => DossierError::Locked {
                path: name.clone(),
                holder: if holder.is_empty() { "another process".into() } else { holder },
            },
            LockFailure::Io(lock, cause) => DossierError::Lock { path: lock.display().to_string(), cause },
        })?;
        let store = |on_disk, form, saved| Self {
            path: path.to_owned(),
            real: real.clone(),
            on_disk,
            form,
            base: None,
            saved,
            note: None,
            sidecar_written: Default::default(),
            _lock: lock,
        };
        match read_bytes(&real)? {
            Some(bytes) => {
                let (text, form) = decode(path, &bytes)?;
                let dossier = parse(path, &text)?;
                Ok((store(Some(bytes), form, Some(dossier.clone())), dossier, false))
            }
            None => Ok((store(None, TextForm::default(), None), Dossier::new(questionnaire), true)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the last save had to do beyond writing (it was retried), once; `None` otherwise.
    pub fn take_note(&mut self) -> Option<String> {
        self.note.take()
    }

    /// Saves the dossier atomically, merged into the file as last read or written so that
    /// comments and layout survive (see the `dossier` module doc). Stamps `updated` when the
    /// dossier says something new; a save that changes nothing writes the same bytes again.
    pub fn save(&mut self, dossier: &Dossier) -> Result<(), DossierError> {
        if let (Some(saved), Some(bytes)) = (&self.saved, &self.on_disk)
            && dossier.same_content(saved)
        {
            let bytes = bytes.clone();
            return self.write_checked(bytes);
        }
        self.write_sidecar(dossier)?;
        let mut d = dossier.clone();
        d.dossier.updated = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let (text, base) = self.render(&d)?;
        self.write_checked(self.form.encode(&text))?;
        self.base = base;
        self.saved = Some(d);
        Ok(())
    }

    /// Writes the sidecar files of records filed since the last save, before the dossier that
    /// names them (retried like the dossier's own write).
    fn write_sidecar(&mut self, dossier: &Dossier) -> Result<(), DossierError> {
        let folder = sidecar::folder_of(&self.real);
        for file in dossier.evidence.iter().filter_map(|e| e.sidecar.as_deref()) {
            if self.sidecar_written.contains(&file.digest) {
                continue;
            }
            let (result, attempts) = with_retries(&RETRY_DELAYS, || sidecar::write(&folder, file));
            result.map_err(|cause| write_error(&sidecar::file_in(&folder, &file.digest), attempts, cause))?;
            self.sidecar_written.insert(file.digest.clone());
        }
        Ok(())
    }

    /// The text to write for `d` (plain: LF, no BOM), and its parsed document when there is
    /// one at hand: only the changes since the last save applied to its document (`patch`, the
    /// usual case), else the full merge into the last-known document, else the plain
    /// serialization (nothing to merge into, or the merge in doubt).
    fn render(&mut self, d: &Dossier) -> Result<(String, Option<DocumentMut>), DossierError> {
        let from_disk = |on_disk: &Option<Vec<u8>>| {
            let (text, _) = TextForm::decode(on_disk.as_deref()?).ok()?;
            text.parse::<DocumentMut>().ok()
        };
        let mut base = self.base.take().or_else(|| from_disk(&self.on_disk));
        if let (Some(doc), Some(saved)) = (base.as_mut(), self.saved.as_ref()) {
            if patch::patch(doc, saved, d).is_some() {
                let text = doc.to_string();
                return Ok((text, base));
            }
            // The patch left the document half done: start again from the file's text.
            base = from_disk(&self.on_disk);
        }
        let Some(mut base) = base else {
            return Ok((d.to_toml()?, None));
        };
        // Blank answers the file already has stay (with their guidance comments above them).
        let answers = base.get("answers").and_then(toml_edit::Item::as_table_like);
        let plain = d.to_toml_keeping(|id| answers.is_some_and(|t| t.contains_key(id)))?;
        let Ok(fresh) = plain.parse::<DocumentMut>() else {
            return Ok((plain, None));
        };
        Ok(match merge::merge(&mut base, &fresh) {
            Some((text, merged)) => (text, Some(merged)),
            None => (plain, Some(fresh)),
        })
    }

    /// Saves already-serialized bytes as they are, without merging (so a caller can serialize
    /// on its own thread).
    pub fn save_bytes(&mut self, bytes: Vec<u8>) -> Result<(), DossierError> {
        self.base = None;
        self.saved = None;
        self.write_checked(bytes)
    }

    /// The conflict check and the atomic write (retried, see [`RETRY_DELAYS`]); on success
    /// `bytes` are what is on disk.
    fn write_checked(&mut self, bytes: Vec<u8>) -> Result<(), DossierError> {
        let name = self.path.display().to_string();
        let current = read_bytes(&self.real)?;
        if current != self.on_disk {
            let side = self.path.with_extension("mine.toml");
            let (result, attempts) = with_retries(&RETRY_DELAYS, || save_atomic(&side, &bytes));
            result.map_err(|cause| write_error(&side, attempts, cause))?;
            return Err(DossierError::ChangedOnDisk { path: name, saved_to: side.display().to_string() });
        }
        let started = std::time::Instant::now();
        let (result, attempts) =
            with_retries(&RETRY_DELAYS, || files::write_atomic_durably(&self.real, &bytes));
        let unconfirmed = result.map_err(|cause| write_error(&self.path, attempts, cause))?;
        let mut notes = Vec::new();
        if attempts > 1 {
            notes.push(format!(
                "saved {name} at attempt {attempts}, after {:.1} s of retrying",
                started.elapsed().as_secs_f64()
            ));
        }
        if let Some(e) = unconfirmed {
            // The file is replaced; only its durability is unknown. Not an error: the next
            // save must not take this file for someone else's change.
            notes.push(format!(
                "saved {name}, but its folder could not be synced ({e}): a power cut now could undo the save"
            ));
        }
        if !notes.is_empty() {
            self.note = Some(notes.join("; "));
        }
        self.on_disk = Some(bytes);
        Ok(())
    }
}

fn write_error(path: &Path, attempts: usize, cause: std::io::Error) -> DossierError {
    let waited: Duration = RETRY_DELAYS.iter().take(attempts.saturating_sub(1)).sum();
    DossierError::Write { path: path.display().to_string(), attempts, secs: waited.as_secs_f64(), cause }
}

/// Opens (or creates) a dossier, applies `change`, and saves it: the headless commands' way to
/// file evidence. Holds the lock for the duration, so it never clobbers an open cockpit.
pub fn update(
    path: &Path,
    questionnaire: &Questionnaire,
    change: impl FnOnce(&mut Dossier),
) -> Result<(), DossierError> {
    update_within(path, questionnaire, Duration::ZERO, change).map(drop)
}

/// [`update`], waiting up to `wait` for a cockpit that has the dossier open to close it.
/// Returns what the save had to do beyond writing (a retry), for the caller to say.
pub fn update_within(
    path: &Path,
    questionnaire: &Questionnaire,
    wait: Duration,
    change: impl FnOnce(&mut Dossier),
) -> Result<Option<String>, DossierError> {
    let (mut store, mut dossier, _) = DossierStore::open_waiting(path, questionnaire, wait)?;
    change(&mut dossier);
    store.save(&dossier)?;
    Ok(store.take_note())
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::dossier::ReviewStatus;
    use crate::questionnaire;

    fn uniwise() -> Questionnaire {
        questionnaire::load("uniwise-wiseflow").expect("builtin")
    }

    #[test]
    fn creates_saves_and_reopens() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.toml");
        let (mut store, mut d, created) = DossierStore::open(&path, &uniwise()).expect("open");
        assert!(created);
        assert!(!path.exists(), "nothing is written before the first save");
        d.answer_mut("overview.use_case").answer = "Sync grades".into();
        d.answer_mut("overview.use_case").status = ReviewStatus::Answered;
        store.save(&d).expect("save");
        drop(store);
        let (_s, back, created) = DossierStore::open(&path, &uniwise()).expect("reopen");
        assert!(!created);
        assert_eq!(back.answers["overview.use_case"].answer, "Sync grades");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .expect("ls")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
    }

    #[test]
    fn malformed_dossier_is_located_and_left_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.toml");
        let original =
            b"[dossier]\nquestionnaire = \"uniwise-wiseflow\"\n\n[answers.x]\nanswer = \"unterminated\n";
        fs::write(&path, original).expect("write");
        let err = DossierStore::open(&path, &uniwise()).expect_err("must not parse");
        match &err {
            DossierError::Parse { line, column, .. } => {
                assert_eq!(*line, 5, "{err}");
                assert!(*column > 0);
            }
            other => panic!("wrong error: {other}"),
        }
        assert!(err.to_string().contains("bad.toml:5:"), "{err}");
        assert_eq!(fs::read(&path).expect("read"), original);
        assert!(load(&path).is_err());
    }

    #[test]
    fn second_open_is_refused_while_locked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.toml");
        let (_store, _d, _) = DossierStore::open(&path, &uniwise()).expect("open");
        let err = DossierStore::open(&path, &uniwise()).expect_err("locked");
        assert!(matches!(err, DossierError::Locked { .. }), "{err}");
        assert!(err.to_string().contains("already open"), "{err}");
        drop(_store);
        DossierStore::open(&path, &uniwise()).expect("lock released on drop");
    }

    #[test]
    fn external_change_is_not_clobbered() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.toml");
        let (mut store, mut d, _) = DossierStore::open(&path, &uniwise()).expect("open");
        store.save(&d).expect("first save");
        let edited = fs::read_to_string(&path)
            .expect("read")
            .replace("integration = \"\"", "integration = \"by hand\"");
        fs::write(&path, &edited).expect("hand edit");
        d.dossier.integration = "in the cockpit".into();
        let err = store.save(&d).expect_err("conflict");
        assert!(matches!(err, DossierError::ChangedOnDisk { .. }), "{err}");
        assert_eq!(fs::read_to_string(&path).expect("read"), edited);
        let mine = load(&path.with_extension("mine.toml")).expect("side copy parses");
        assert_eq!(mine.dossier.integration, "in the cockpit");
    }

    #[test]
    fn unknown_keys_survive_the_store() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.toml");
        fs::write(
            &path,
            "[dossier]\nquestionnaire = \"uniwise-wiseflow\"\nmood = \"calm\"\n[extra_table]\nk = [1, 2]\n",
        )
        .expect("write");
        let (mut store, mut d, _) = DossierStore::open(&path, &uniwise()).expect("open");
        d.dossier.partner = "Acme".into();
        store.save(&d).expect("save");
        let text = fs::read_to_string(&path).expect("read");
        assert!(text.contains("mood = \"calm\""), "{text}");
        assert!(text.contains("[extra_table]"), "{text}");
        assert!(text.contains("partner = \"Acme\""), "{text}");
    }

    #[test]
    fn text_the_merge_cannot_read_falls_back_to_the_plain_serialization() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.toml");
        let (mut store, mut d, _) = DossierStore::open(&path, &uniwise()).expect("open");
        store.save_bytes(b"not = = toml [".to_vec()).expect("raw bytes");
        d.dossier.partner = "Acme".into();
        store.save(&d).expect("save");
        let back = load(&path).expect("the plain serialization parses");
        let mut expected = d.clone();
        expected.dossier.updated = back.dossier.updated.clone();
        assert!(!expected.dossier.updated.is_empty());
        assert_eq!(back, expected);
    }

    #[test]
    fn update_files_evidence_headlessly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ci.toml");
        update(&path, &uniwise(), |d| {
            d.file_evidence(
                crate::checks::CheckResult::new(
                    "webhook.delivery",
                    crate::checks::Verdict::Pass,
                    "202 in 3 ms",
                ),
                chrono::Utc::now(),
            )
        })
        .expect("update");
        let d = load(&path).expect("load");
        assert_eq!(d.evidence.len(), 1);
        assert_eq!(d.evidence[0].check, "webhook.delivery");
    }

    #[test]
    fn crlf_and_bom_are_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("win.toml");
        let original = "\u{feff}# written on Windows\r\n[dossier]\r\nquestionnaire = \"uniwise-wiseflow\"\r\npartner = \"\"\r\n";
        fs::write(&path, original).expect("write");
        let (mut store, mut d, _) = DossierStore::open(&path, &uniwise()).expect("open");
        d.dossier.partner = "Acme".into();
        d.answer_mut("overview.use_case").answer = "two\nlines".into();
        store.save(&d).expect("save");
        let bytes = fs::read(&path).expect("read");
        assert!(bytes.starts_with("\u{feff}# written on Windows\r\n".as_bytes()));
        let text = String::from_utf8(bytes).expect("utf8");
        assert!(text.contains("partner = \"Acme\"\r\n"), "{text:?}");
        assert!(!text.replace("\r\n", "").contains('\n'), "a bare LF: {text:?}");
        drop(store);
        let back = load(&path).expect("loads");
        assert_eq!(back.answers["overview.use_case"].answer, "two\nlines");
        assert_eq!(TextForm::decode(text.as_bytes()).expect("utf8").1, TextForm { bom: true, crlf: true });
    }

    #[test]
    fn a_newer_format_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("future.toml");
        let original = "[dossier]\nformat = 99\nquestionnaire = \"uniwise-wiseflow\"\n";
        fs::write(&path, original).expect("write");
        let err = DossierStore::open(&path, &uniwise()).expect_err("newer");
        assert!(matches!(err, DossierError::NewerFormat { found: 99, .. }), "{err}");
        assert!(err.to_string().contains("format 99"), "{err}");
        assert!(load(&path).is_err());
        assert_eq!(fs::read_to_string(&path).expect("read"), original);
    }

    #[test]
    fn oversized_and_special_files_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("huge.toml");
        let f = fs::File::create(&path).expect("create");
        f.set_len(MAX_DOSSIER_BYTES + 1).expect("sparse");
        let err = DossierStore::open(&path, &uniwise()).expect_err("too large");
        assert!(err.to_string().contains("size limit"), "{err}");
        let err = load(Path::new("/dev/zero")).expect_err("device");
        assert!(err.to_string().contains("character device"), "{err}");
    }

    #[test]
    fn a_symlinked_dossier_is_saved_to_its_target_and_locked_by_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.toml");
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink("real.toml", &link).expect("symlink");
        let (mut store, mut d, created) = DossierStore::open(&link, &uniwise()).expect("open");
        assert!(created);
        let err = DossierStore::open(&real, &uniwise()).expect_err("one file, one lock");
        assert!(matches!(err, DossierError::Locked { .. }), "{err}");
        d.dossier.partner = "Acme".into();
        store.save(&d).expect("save");
        assert!(fs::symlink_metadata(&link).expect("lstat").file_type().is_symlink());
        assert_eq!(load(&real).expect("target written").dossier.partner, "Acme");
    }

    #[test]
    fn the_mode_survives_a_save() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.toml");
        let (mut store, d, _) = DossierStore::open(&path, &uniwise()).expect("open");
        store.save(&d).expect("save");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod");
        let mut d = d;
        d.dossier.partner = "Acme".into();
        store.save(&d).expect("save");
        assert_eq!(fs::metadata(&path).expect("stat").permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn failed_writes_are_retried_and_counted() {
        let delays = [Duration::ZERO; 3];
        let mut calls = 0;
        let (result, attempts) = with_retries(&delays, || {
            calls += 1;
            if calls < 3 { Err(std::io::Error::from(std::io::ErrorKind::StorageFull)) } else { Ok(()) }
        });
        assert!(result.is_ok());
        assert_eq!(attempts, 3);
        let (result, attempts) =
            with_retries(&delays, || Err::<(), _>(std::io::Error::from(std::io::ErrorKind::StorageFull)));
        assert_eq!(attempts, 4);
        let err = write_error(Path::new("d.toml"), attempts, result.expect_err("full"));
        let text = err.to_string();
        assert!(text.starts_with("cannot save dossier d.toml (4 attempts over 2.1 s): "), "{text}");
        assert_eq!(text.matches("no storage space").count(), 1, "{text}");
    }

    #[test]
    fn lock_errors_name_the_lock_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.toml");
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join(".d.toml.lock")).expect("plant");
        let err = DossierStore::open(&path, &uniwise()).expect_err("planted");
        let text = err.to_string();
        assert!(text.contains(".d.toml.lock"), "{text}");
        assert!(text.contains("symbolic link"), "{text}");
    }
}
