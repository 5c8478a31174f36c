//! `certcockpit review [DOSSIER] [--questionnaire NAME|PATH]` (and bare `certcockpit`).
//!
//! Everything that can go wrong before the TUI (a dossier that does not parse, a locked one,
//! an unknown questionnaire) is reported on stderr with a non-zero exit, without ever entering
//! the alternate screen.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use color_eyre::eyre::{WrapErr, eyre};

use crate::checks::api::tls::TlsServer;
use crate::checks::api::{EvidenceApi, ServeOptions};
use crate::dossier::DossierStore;
use crate::questionnaire;
use crate::session::LiveChecks;
use crate::ui::{ApiInfo, App, FaultDelay, Notice};

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
    /// Serve the evidence API over HTTPS (the CA's file is shown in the credentials popup);
    /// the dossier's `settings.api.tls = true` does the same.
    #[arg(long)]
    pub tls: bool,
    /// The provider's API shape for the evidence API: a built-in profile name or a profile
    /// file. Overrides the dossier's `settings.api.profile` and is recorded there.
    #[arg(long, value_name = "NAME|PATH")]
    pub profile: Option<String>,
    /// Proxy mode: stand in front of the provider's sandbox at this URL. Overrides the
    /// dossier's `settings.api.upstream` and is recorded there.
    #[arg(long, value_name = "URL")]
    pub upstream: Option<String>,
    /// How long after arming a scenario its fault begins: a random delay in `MIN..MAX` drawn
    /// by the cockpit and never shown (the screen is shared with the partner), a fixed `5s`,
    /// or `0` for at the keypress.
    #[arg(long, value_name = "MIN..MAX", default_value = FaultDelay::DEFAULT_TEXT, value_parser = FaultDelay::parse)]
    pub fault_delay: FaultDelay,
    /// Colours for a light or dark terminal; the default reads on both, and `NO_COLOR` (any
    /// non-empty value) gives a monochrome UI unless this is given.
    #[arg(long, value_enum, value_name = "light|dark")]
    pub theme: Option<crate::ui::view::Theme>,
    /// Leave the mouse to the terminal (its own text selection works then); by default a
    /// click selects a section or question and the wheel scrolls the pane under it.
    #[arg(long)]
    pub no_mouse: bool,
}

/// Mouse capture unless `--no-mouse`.
pub(super) fn mouse(no_mouse: bool) -> crate::tui::Mouse {
    if no_mouse { crate::tui::Mouse::Off } else { crate::tui::Mouse::Captured }
}

/// Checks `--profile` and `--upstream` before the dossier is opened or the TUI takes the
/// screen; the error names the flag.
pub(super) fn check_api_flags(profile: Option<&str>, upstream: Option<&str>) -> Result<(), String> {
    if let Some(p) = profile {
        crate::checks::api::profile::load(p).map_err(|e| format!("--profile: {e}"))?;
    }
    if let Some(u) = upstream {
        crate::checks::api::check_upstream_url(u).map_err(|e| format!("--upstream: {e}"))?;
    }
    Ok(())
}

/// Records `--profile` and `--upstream` (checked) in the dossier's settings, which they
/// override.
pub(super) fn apply_api_flags(app: &mut App, profile: Option<&str>, upstream: Option<&str>) {
    let api = &mut app.dossier.settings.api;
    let mut changed = false;
    if let Some(p) = profile
        && api.profile.as_deref() != Some(p)
    {
        api.profile = Some(p.to_owned());
        changed = true;
    }
    if let Some(u) = upstream
        && api.upstream.as_deref() != Some(u)
    {
        api.upstream = Some(u.to_owned());
        changed = true;
    }
    if changed {
        app.mark_changed();
    }
}

/// Starts the session's evidence API on the dossier's listen address (loopback by default), in
/// the shape of the dossier's API profile.
/// A non-loopback address gets its exposure warning on stderr
/// (before the TUI takes the screen) and as the first notice in the TUI. When it cannot start
/// (a busy port), the cockpit still opens, without it, and says why.
pub(super) fn start_api(
    runtime: &tokio::runtime::Runtime,
    listen: &str,
    tls: bool,
    app: &mut App,
) -> Option<Arc<EvidenceApi>> {
    // The dossier's `settings.api.profile` (a built-in name or a file; `generic` if absent,
    // none in proxy mode) and `settings.api.upstream` (proxy mode).
    let settings = &app.dossier.settings.api;
    let (named, upstream) = (settings.profile.clone(), settings.upstream.clone());
    let profile = match named.as_deref().map(crate::checks::api::profile::load).transpose() {
        Ok(p) => p,
        Err(e) => {
            let why =
                format!("the evidence API did not start (settings.api.profile: {e}): API checks are off");
            eprintln!("certcockpit: {why}");
            app.notice = Some(Notice::error(why));
            return None;
        }
    };
    let mut options = ServeOptions::default();
    if tls {
        match TlsServer::from_user_config() {
            Ok(t) => options.tls = Some(t),
            Err(e) => {
                let why = format!("the evidence API did not start over HTTPS ({e}): API checks are off");
                eprintln!("certcockpit: {why}");
                app.notice = Some(Notice::error(why));
                return None;
            }
        }
    }
    let started = match upstream {
        Some(up) => runtime.block_on(EvidenceApi::start_proxy_serving(listen, &up, profile, options)),
        None => runtime.block_on(EvidenceApi::start_serving(
            listen,
            profile.unwrap_or_else(crate::checks::api::profile::generic),
            options,
        )),
    };
    match started {
        Ok(api) => {
            app.api = Some(ApiInfo::from_api(&api));
            if let Some(w) = api.exposure_warning() {
                eprintln!("certcockpit: {w}");
                app.notice = Some(Notice::error(w));
            }
            Some(Arc::new(api))
        }
        Err(e) => {
            let why = format!(
                "the evidence API did not start ({e}; settings.api.listen = {listen:?}): API checks are off"
            );
            eprintln!("certcockpit: {}", crate::text::line(&why));
            app.notice = Some(Notice::error(why));
            None
        }
    }
}

/// Opens the dossier at `path`, with the questionnaire named in the dossier unless one is
/// chosen. Errors name the file.
pub(super) fn open(path: &Path, chosen: Option<&str>) -> color_eyre::Result<(DossierStore, App)> {
    let mut q = questionnaire::load(chosen.unwrap_or(DEFAULT_QUESTIONNAIRE))?;
    let (store, dossier, created) = DossierStore::open(path, &q)?;
    if !created && chosen.is_none() {
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
    Ok((store, App::new(q, dossier, name, created)))
}

/// The theme of this run: `--theme`, else `NO_COLOR`, else the default.
pub(super) fn theme(flag: Option<crate::ui::view::Theme>) -> crate::ui::view::Theme {
    crate::ui::view::Theme::choose(flag, std::env::var_os("NO_COLOR").as_deref())
}

/// Runs the TUI and turns an unsaved quit into a failure exit.
pub(super) fn run_tui(
    runtime: &tokio::runtime::Runtime,
    app: &mut App,
    store: DossierStore,
    launcher: LiveChecks,
    mouse: crate::tui::Mouse,
) -> color_eyre::Result<ExitCode> {
    runtime.block_on(crate::tui::run(app, store, Some(launcher), mouse))?;
    if let Some(e) = app.save.error() {
        eprintln!("certcockpit: quit without saving the latest changes: {e}");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(args: ReviewArgs) -> color_eyre::Result<ExitCode> {
    let path = args.dossier.unwrap_or_else(|| PathBuf::from(DEFAULT_DOSSIER));
    if let Err(e) = check_api_flags(args.profile.as_deref(), args.upstream.as_deref()) {
        return Ok(super::check::usage_error(&e));
    }
    let (store, mut app) = open(&path, args.questionnaire.as_deref())?;
    apply_api_flags(&mut app, args.profile.as_deref(), args.upstream.as_deref());
    app.theme = theme(args.theme);
    app.faults.delay = args.fault_delay;
    let runtime = tokio::runtime::Runtime::new().wrap_err("cannot start the async runtime")?;
    let listen = app.dossier.settings.api.listen.clone();
    let tls = args.tls || app.dossier.settings.api.tls;
    let mut launcher = LiveChecks::new();
    if let Some(api) = start_api(&runtime, &listen, tls, &mut app) {
        launcher = launcher.with_api(api);
    }
    run_tui(&runtime, &mut app, store, launcher, mouse(args.no_mouse))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::Dossier;

    fn app() -> App {
        let q = questionnaire::load(DEFAULT_QUESTIONNAIRE).expect("built-in");
        let mut d = Dossier::new(&q);
        d.settings.api.profile = Some("generic".into());
        App::new(q, d, "d.toml", false)
    }

    #[test]
    fn api_flags_override_the_dossier_settings_and_are_recorded() {
        let mut a = app();
        apply_api_flags(&mut a, Some("uniwise-wiseflow"), Some("https://sandbox.example.com/v1"));
        assert_eq!(a.dossier.settings.api.profile.as_deref(), Some("uniwise-wiseflow"));
        assert_eq!(a.dossier.settings.api.upstream.as_deref(), Some("https://sandbox.example.com/v1"));
        assert!(a.save.unsaved(), "saved soon");
        let mut b = app();
        apply_api_flags(&mut b, None, None);
        assert_eq!(b.dossier.settings.api.profile.as_deref(), Some("generic"), "no flag: the setting");
        assert!(!b.save.unsaved());
    }

    #[test]
    fn bad_api_flags_are_refused_naming_the_flag() {
        let e = check_api_flags(Some("no-such-profile"), None).expect_err("unknown profile");
        assert!(e.starts_with("--profile: "), "{e}");
        let e = check_api_flags(None, Some("ftp://x")).expect_err("bad scheme");
        assert!(e.starts_with("--upstream: "), "{e}");
        assert!(check_api_flags(Some("okra"), Some("http://127.0.0.1:9/api")).is_ok());
    }
}
