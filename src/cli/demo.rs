//! `certcockpit demo [DOSSIER]`: the cockpit on a built-in sample integration, so every live
//! check can be shown on a fresh machine with nothing else running — the demo webhook listener
//! (secret generated for this run, held in memory) and the evidence API, with the demo client
//! run against each armed scenario. `d` in the cockpit switches the peers good/flawed.
//!
//! `certcockpit demo client [--flawed]`: the demo API client once, on the CERTCOCKPIT_* env, so
//! `certcockpit check api --exec "certcockpit demo client"` works.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use color_eyre::eyre::WrapErr;

use super::review::{open, run_tui, start_api};
use crate::demo::client::{self, ClientConfig, ClientError};
use crate::demo::listener::DemoListener;
use crate::demo::{Behaviour, WEBHOOK_SECRET_VAR, generate_secret};
use crate::session::LiveChecks;

/// The dossier the demo opens when none is named.
pub const DEFAULT_DEMO_DOSSIER: &str = "demo.toml";

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DemoArgs {
    #[command(subcommand)]
    pub command: Option<DemoCommand>,
    /// The dossier to open (created if missing); demo.toml in the current folder by default.
    pub dossier: Option<PathBuf>,
    /// Start with the flawed peers (d in the cockpit switches).
    #[arg(long)]
    pub flawed: bool,
    /// Colours for a light or dark terminal (as `review --theme`; `NO_COLOR` is honoured).
    #[arg(long, value_enum, value_name = "light|dark")]
    pub theme: Option<crate::ui::view::Theme>,
    /// Leave the mouse to the terminal (as `review --no-mouse`), for presenters who select
    /// text on screen.
    #[arg(long)]
    pub no_mouse: bool,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Run the demo API client once against CERTCOCKPIT_BASE_URL / _TOKEN_URL / _CLIENT_ID /
    /// _CLIENT_SECRET (as `check api --exec` sets them). Exit 0 when the sync job completed.
    Client {
        /// The naive personality: no X-Client-Name, a token per call, constant retries, first
        /// page only.
        #[arg(long)]
        flawed: bool,
    },
}

pub fn run(args: DemoArgs) -> color_eyre::Result<ExitCode> {
    match args.command {
        Some(DemoCommand::Client { flawed }) => run_client(flawed),
        None => run_cockpit(args.dossier, args.flawed, args.theme, super::review::mouse(args.no_mouse)),
    }
}

fn run_client(flawed: bool) -> color_eyre::Result<ExitCode> {
    let cfg = match ClientConfig::from_env() {
        Ok(c) => c,
        Err(e @ ClientError::MissingEnv(_)) => {
            eprintln!("certcockpit demo client: {e}");
            return Ok(ExitCode::from(super::EXIT_USAGE));
        }
        Err(e) => return Err(e.into()),
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    match runtime.block_on(client::run(cfg, flawed)) {
        Ok(o) => {
            println!("synced {} items from {} pages in {} requests", o.items, o.pages, o.requests);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("certcockpit demo client: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn run_cockpit(
    dossier: Option<PathBuf>,
    flawed: bool,
    theme: Option<crate::ui::view::Theme>,
    mouse: crate::tui::Mouse,
) -> color_eyre::Result<ExitCode> {
    let path = dossier.unwrap_or_else(|| PathBuf::from(DEFAULT_DEMO_DOSSIER));
    let (store, mut app) = open(&path, None)?;
    app.theme = super::review::theme(theme);
    let runtime = tokio::runtime::Runtime::new().wrap_err("cannot start the async runtime")?;
    let behaviour = Behaviour::new(flawed);
    let secret = generate_secret();
    let listener = runtime
        .block_on(DemoListener::start(&secret, behaviour.clone()))
        .wrap_err("cannot start the demo webhook listener")?;

    // Point the webhook checks at the demo listener; the secret stays in memory.
    let d = &mut app.dossier;
    let w = &mut d.settings.webhook;
    w.url = listener.url();
    w.scheme = "standard-webhooks".into();
    w.header.clear();
    w.secret_env = WEBHOOK_SECRET_VAR.into();
    let (url, var) = (w.url.clone(), w.secret_env.clone());
    if d.dossier.integration.is_empty() {
        d.dossier.integration = "Demo sync (built-in)".into();
    }
    if d.dossier.partner.is_empty() {
        d.dossier.partner = "certcockpit demo".into();
    }
    app.enter_demo(flawed, &url, &var);
    // The demo client starts when the scenario is armed: its fault must be in force by then.
    app.faults.delay = crate::ui::FaultDelay::IMMEDIATE;

    let mut launcher = LiveChecks::new().with_secret(WEBHOOK_SECRET_VAR, secret).with_demo(behaviour);
    let listen = app.dossier.settings.api.listen.clone();
    if let Some(api) = start_api(&runtime, &listen, false, &mut app) {
        listener.reconcile_with(std::sync::Arc::clone(&api));
        launcher = launcher.with_api(api);
    }
    let code = run_tui(&runtime, &mut app, store, launcher, mouse);
    drop(listener);
    code
}
