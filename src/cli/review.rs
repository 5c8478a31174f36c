//! `certcockpit review [DOSSIER] [--questionnaire NAME|PATH]` (and bare `certcockpit`).
//!
//! Everything that can go wrong before the TUI (a dossier that does not parse, a locked one,
//! an unknown questionnaire) is reported on stderr with a non-zero exit, without ever entering
//! the alternate screen.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use color_eyre::eyre::{WrapErr, eyre};

use crate::dossier::DossierStore;
use crate::questionnaire;
use crate::ui::{App, CheckLauncher};

/// The dossier opened when none is named.
pub const DEFAULT_DOSSIER: &str = "dossier.toml";
/// The questionnaire of a new dossier when none is named.
pub const DEFAULT_QUESTIONNAIRE: &str = "uniwise-wiseflow";

#[derive(Debug, Args, Default)]
pub struct ReviewArgs {
    /// The dossier file; created with the chosen questionnaire if it does not exist.
    pub dossier: Option<PathBuf>,
    /// Built-in questionnaire name or path to a questionnaire TOML (for a new dossier; an
    /// existing dossier names its own).
    #[arg(long, short)]
    pub questionnaire: Option<String>,
}

/// The live-check launcher wired into the TUI; `None` until the check families are connected.
fn launcher() -> Option<Arc<dyn CheckLauncher>> {
    Some(Arc::new(crate::session::LiveChecks::new()))
}

pub fn run(args: ReviewArgs) -> color_eyre::Result<ExitCode> {
    let path = args.dossier.unwrap_or_else(|| PathBuf::from(DEFAULT_DOSSIER));
    let chosen = args.questionnaire.as_deref().unwrap_or(DEFAULT_QUESTIONNAIRE);
    let mut q = questionnaire::load(chosen)?;
    let (store, dossier, created) = DossierStore::open(&path, &q)?;
    if !created && args.questionnaire.is_none() {
        let named = dossier.dossier.questionnaire.as_str();
        if named != q.id {
            q = questionnaire::load(named).map_err(|e| {
                eyre!(
                    "{}: the dossier's questionnaire '{named}' cannot be loaded: {e}\n  (pass --questionnaire NAME|PATH to choose one)",
                    path.display()
                )
            })?;
        }
    }
    let name =
        path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let mut app = App::new(q, dossier, name, created);
    let runtime = tokio::runtime::Runtime::new().wrap_err("cannot start the async runtime")?;
    runtime.block_on(crate::tui::run(&mut app, store, launcher()))?;
    if let Some(e) = &app.save_error {
        eprintln!("certcockpit: quit without saving the latest changes: {e}");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
