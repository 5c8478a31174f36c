//! The dossier: a human-readable TOML file holding one review — cover, answers, statuses,
//! notes, evidence and session settings. **Never a secret**: secrets live in the environment
//! and only the *name* of the variable is stored.
//!
//! # Save protocol
//! 1. Serialize the whole dossier in memory (a failure here touches no file) and merge it into
//!    the file's text as last read or written (`merge`): values come from the model, while
//!    comments, blank lines, key order and quoting of what did not change stay byte for byte.
//!    The merged text is parsed again and must hold exactly the serialized values; if it does
//!    not (or there is no earlier text), the plain serialization is written instead. A save
//!    that changes nothing writes the same bytes and leaves `updated` alone.
//! 2. Write them to a temporary file in the dossier's own folder (same file system, so the
//!    rename below is atomic), named `.<name>.tmp-<pid>`.
//! 3. `fsync` the temporary file, so its content is on disk before it becomes visible.
//! 4. `rename` it over the dossier: readers see the old file or the new one, never a mix.
//! 5. `fsync` the folder, so the rename itself survives a power cut.
//!
//! A crash before step 4 leaves the old dossier intact (and possibly a stray temp file); after
//! step 4 the new one. A dossier that does not parse is reported with line and column and is
//! never written. Before each save the store checks that the file on disk is still the one it
//! last read or wrote; if someone else changed it, the save is refused and our version is
//! written beside it instead of over it. A lock file (`.<name>.lock`, held with an OS file
//! lock that dies with the process) keeps a second cockpit from opening the same dossier.

mod lock;
mod merge;
mod model;
mod patch;
mod store;
mod template;

pub use lock::DossierLock;
pub use model::{
    Answer, ApiSettings, DOSSIER_FORMAT, Dossier, Evidence, Meta, ReviewStatus, Settings, WebhookSettings,
};
pub use store::{DossierError, DossierStore, load, parse, save_atomic, update};
pub use template::template;
