//! Loading and saving dossiers. See the module doc of `dossier` for the save protocol.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use toml_edit::DocumentMut;

use super::lock::{DossierLock, LockFailure};
use super::model::Dossier;
use super::{merge, patch};
use crate::questionnaire::Questionnaire;
use crate::span::line_col;

#[derive(Debug, thiserror::Error)]
pub enum DossierError {
    #[error(
        "{path}:{line}:{column}: the dossier does not parse: {message}\n  (the file was left untouched; fix it by hand and reopen)"
    )]
    Parse { path: String, line: usize, column: usize, message: String },
    #[error("cannot read dossier {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot save dossier {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("cannot serialize the dossier: {0}")]
    Serialize(#[from] toml::ser::Error),
    #[error("{path} is already open in another certcockpit ({holder}); close it there first")]
    Locked { path: String, holder: String },
    #[error(
        "{path} was changed by someone else since it was opened; not overwriting it. Your version was saved to {saved_to}"
    )]
    ChangedOnDisk { path: String, saved_to: String },
}

/// Parses dossier text; `path` names it in errors.
pub fn parse(path: &Path, text: &str) -> Result<Dossier, DossierError> {
    toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((0, 0), |s| line_col(text, s.start));
        DossierError::Parse {
            path: path.display().to_string(),
            line,
            column,
            message: e.message().trim().to_owned(),
        }
    })
}

/// Reads a dossier without locking it (reports, read-only use).
pub fn load(path: &Path) -> Result<Dossier, DossierError> {
    let text = fs::read_to_string(path)
        .map_err(|source| DossierError::Read { path: path.display().to_string(), source })?;
    parse(path, &text)
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map_or_else(|| "dossier".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes `bytes` to `path` atomically: temp file in the same folder, fsync, rename, fsync dir.
pub fn save_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// An open, locked dossier file. Saves refuse to clobber changes made by someone else.
#[derive(Debug)]
pub struct DossierStore {
    path: PathBuf,
    /// The bytes we last read or wrote; `None` when the file did not exist yet.
    on_disk: Option<Vec<u8>>,
    /// `on_disk` as an editable document: the base the next save merges into. Parsed by the
    /// first save that needs it, then kept from save to save (the merge re-parses its output
    /// anyway), so the old text is not parsed again on every autosave.
    base: Option<DocumentMut>,
    /// The dossier `on_disk` holds, so a save that changes nothing rewrites the same bytes.
    saved: Option<Dossier>,
    _lock: DossierLock,
}

impl DossierStore {
    /// Opens `path`, creating a new dossier for `questionnaire` if the file does not exist.
    /// Returns the store, the dossier and whether it was newly created (not yet on disk).
    pub fn open(path: &Path, questionnaire: &Questionnaire) -> Result<(Self, Dossier, bool), DossierError> {
        let name = path.display().to_string();
        let lock = DossierLock::acquire(path).map_err(|e| match e {
            LockFailure::Held(holder) => DossierError::Locked {
                path: name.clone(),
                holder: if holder.is_empty() { "another process".into() } else { holder },
            },
            LockFailure::Io(source) => DossierError::Read { path: name.clone(), source },
        })?;
        match fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes.clone()).map_err(|e| DossierError::Parse {
                    path: name.clone(),
                    line: 0,
                    column: 0,
                    message: format!("not UTF-8 text: {e}"),
                })?;
                let dossier = parse(path, &text)?;
                let store = Self {
                    path: path.to_owned(),
                    on_disk: Some(bytes),
                    base: None,
                    saved: Some(dossier.clone()),
                    _lock: lock,
                };
                Ok((store, dossier, false))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((
                Self { path: path.to_owned(), on_disk: None, base: None, saved: None, _lock: lock },
                Dossier::new(questionnaire),
                true,
            )),
            Err(source) => Err(DossierError::Read { path: name, source }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
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
        let mut d = dossier.clone();
        d.dossier.updated = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let (bytes, base) = self.render(&d)?;
        self.write_checked(bytes)?;
        self.base = base;
        self.saved = Some(d);
        Ok(())
    }

    /// The bytes to write for `d`, and their parsed document when there is one at hand: only
    /// the changes since the last save applied to its document (`patch`, the usual case), else
    /// the full merge into the last-known document, else the plain serialization (nothing to
    /// merge into, or the merge in doubt).
    fn render(&mut self, d: &Dossier) -> Result<(Vec<u8>, Option<DocumentMut>), DossierError> {
        let from_disk = |on_disk: &Option<Vec<u8>>| {
            let text = std::str::from_utf8(on_disk.as_deref()?).ok()?;
            text.parse::<DocumentMut>().ok()
        };
        let mut base = self.base.take().or_else(|| from_disk(&self.on_disk));
        if let (Some(doc), Some(saved)) = (base.as_mut(), self.saved.as_ref()) {
            if patch::patch(doc, saved, d).is_some() {
                let text = doc.to_string();
                return Ok((text.into_bytes(), base));
            }
            // The patch left the document half done: start again from the file's text.
            base = from_disk(&self.on_disk);
        }
        let Some(mut base) = base else {
            return Ok((d.to_toml()?.into_bytes(), None));
        };
        // Blank answers the file already has stay (with their guidance comments above them).
        let answers = base.get("answers").and_then(toml_edit::Item::as_table_like);
        let plain = d.to_toml_keeping(|id| answers.is_some_and(|t| t.contains_key(id)))?;
        let Ok(fresh) = plain.parse::<DocumentMut>() else {
            return Ok((plain.into_bytes(), None));
        };
        Ok(match merge::merge(&mut base, &fresh) {
            Some((text, merged)) => (text.into_bytes(), Some(merged)),
            None => (plain.into_bytes(), Some(fresh)),
        })
    }

    /// Saves already-serialized bytes as they are, without merging (so a caller can serialize
    /// on its own thread).
    pub fn save_bytes(&mut self, bytes: Vec<u8>) -> Result<(), DossierError> {
        self.base = None;
        self.saved = None;
        self.write_checked(bytes)
    }

    /// The conflict check and the atomic write; on success `bytes` are what is on disk.
    fn write_checked(&mut self, bytes: Vec<u8>) -> Result<(), DossierError> {
        let name = self.path.display().to_string();
        let current = match fs::read(&self.path) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => return Err(DossierError::Read { path: name, source }),
        };
        if current != self.on_disk {
            let side = self.path.with_extension("mine.toml");
            save_atomic(&side, &bytes)
                .map_err(|source| DossierError::Write { path: side.display().to_string(), source })?;
            return Err(DossierError::ChangedOnDisk { path: name, saved_to: side.display().to_string() });
        }
        save_atomic(&self.path, &bytes).map_err(|source| DossierError::Write { path: name, source })?;
        self.on_disk = Some(bytes);
        Ok(())
    }
}

/// Opens (or creates) a dossier, applies `change`, and saves it: the headless commands' way to
/// file evidence. Holds the lock for the duration, so it never clobbers an open cockpit.
pub fn update(
    path: &Path,
    questionnaire: &Questionnaire,
    change: impl FnOnce(&mut Dossier),
) -> Result<(), DossierError> {
    let (mut store, mut dossier, _) = DossierStore::open(path, questionnaire)?;
    change(&mut dossier);
    store.save(&dossier)
}

#[cfg(test)]
mod tests {
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
}
