//! The dossier: a human-readable TOML file holding one review — cover, answers, statuses,
//! notes, evidence (with its provenance) and session settings; what each record's judge read
//! is kept beside it in the evidence sidecar. **Never a secret**: secrets live in the environment
//! and only the *name* of the variable is stored.
//!
//! # Save protocol
//! 0. Evidence records filed since the last save first get their observations written to the
//!    sidecar (`NAME.evidence/<sha256>.jsonl.gz`, see [`sidecar`]), each file by steps 2–5
//!    below, so the dossier never names a sidecar file that is not on disk. A sidecar file is
//!    never rewritten (its name is its content's digest); the dossier only names it.
//! 1. Build the new text in memory (a failure here touches no file) by merging the dossier
//!    into the file's text as last read or written, so that comments, blank lines, key order
//!    and quoting of whatever did not change stay byte for byte (`toml_edit` documents):
//!    - usually (`patch`) only what changed since the last save is serialized — the cover and
//!      settings, the answers that differ, the evidence records added — and each piece is merged
//!      into its place in the kept document and checked against its serialization;
//!    - when that does not fit (a layout written by hand, records edited in the middle, the
//!      last save not known), the whole dossier is serialized and merged (`merge`), and the
//!      merged text is parsed again and must hold exactly the serialized values;
//!    - failing both, or with no earlier text, the plain serialization is written.
//!
//!    A changed value keeps the comments above and beside it; removed keys and records go with
//!    the comments above them; new ones are appended after their last sibling. Blank answers
//!    the file already has (a template's questions) stay. A save that changes nothing writes
//!    the same bytes again and leaves `updated` alone.
//! 2. Write them to a temporary file in the dossier's own folder (same file system, so the
//!    rename below is atomic), named `.<name>.tmp-<pid>-<16 random hex digits>` and created
//!    with `O_CREAT|O_EXCL|O_NOFOLLOW` (`crate::files`): a file or symlink planted at a
//!    guessed name is never written through. It gets the dossier's permission bits (a `0600`
//!    dossier stays `0600`); a new dossier gets `0666` less the umask.
//! 3. `fsync` the temporary file, so its content is on disk before it becomes visible.
//! 4. `rename` it over the dossier: readers see the old file or the new one, never a mix.
//! 5. `fsync` the folder, so the rename itself survives a power cut.
//!
//! A write that fails (a full disk) is tried again after 0.1, 0.4 and 1.6 s; a save that
//! needed a retry says so, and one that still fails names the file, the attempts and the
//! cause once. Before each write, temporary files of this dossier left by processes no longer
//! running (a SIGKILL between steps 2 and 4) are removed.
//!
//! A crash before step 4 leaves the old dossier intact (and possibly a stray temp file, removed
//! by the next save); after step 4 the new one. A dossier that does not parse is reported with
//! line and column and is never written; so is one of a newer `format` than this program's
//! ([`DOSSIER_FORMAT`]). Dossiers are read as regular files only, at most
//! [`MAX_DOSSIER_BYTES`] (8 MiB). A file with a UTF-8 BOM or CRLF line ends keeps them
//! ([`TextForm`]). Before each save the store checks that the file on disk is still the one it
//! last read or wrote; if someone else changed it, the save is refused and our version is
//! written beside it instead of over it.
//!
//! A dossier reached through a symlink is read, saved and locked as the file the link finally
//! names (the link stays a link), so two names for one file are one dossier. A lock file
//! (`.<name>.lock` beside that file, held with an OS file lock that dies with the process,
//! opened with `O_NOFOLLOW` and refused unless it is a plain file with one link) keeps a
//! second cockpit from opening the same dossier; headless commands that file evidence wait a
//! bounded time for it ([`update_within`]).

mod lock;
mod merge;
mod model;
mod patch;
pub mod provenance;
pub mod sidecar;
mod store;
mod template;
pub mod verify;
mod webhook;

pub use lock::{DossierLock, LockFailure};
pub use model::{
    Agenda, Answer, ApiSettings, DOSSIER_FORMAT, Dossier, Evidence, Meta, ReviewStatus, Settings,
    WebhookSettings,
};
pub use provenance::Ran;
pub use store::{
    DossierError, DossierStore, MAX_DOSSIER_BYTES, TextForm, load, parse, save_atomic, update, update_within,
};
pub use template::template;
