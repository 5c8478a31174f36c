//! `certcockpit check`: the live checks, headless, as a CI gate. `check webhook …` and `check
//! api …` run one family; `check --dossier d.toml` runs every check the dossier's settings
//! configure (flags override them); `check --list` prints the catalogue. Shared here: the
//! flags every run takes (outputs, baseline, colour), running the families, the outputs
//! (human, `--json`, `--junit`, `--har`, GitHub's step summary), filing the results as
//! evidence, and the exit code (see `exit.rs`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::Exit;
use super::check_api::{self, ApiArgs, ApiFlags};
use super::check_fallback;
use super::check_webhook::{self, WebhookArgs, WebhookFlags};
use crate::checks::api::scenario_ids;
use crate::checks::webhook::{DeliveryLog, UnknownWebhookCheck, webhook_check_ids};
use crate::checks::{CheckId, CheckResult};
use crate::ci::baseline::{self, Baseline};
use crate::ci::colour::{self, ColorChoice};
use crate::ci::{self, GateRun, har, junit, summary};
use crate::dossier::{self, Dossier, DossierError, DossierLock, LockFailure};
use crate::questionnaire;
use crate::text;

#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// Probe a webhook listener: delivery, signatures, replay, duplicates, ordering, deadline.
    Webhook(WebhookArgs),
    /// Serve the evidence API on loopback and judge a client command's traffic.
    Api(ApiArgs),
}

/// `certcockpit check`: a family's subcommand, or every check the dossier configures.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, after_help = Exit::HELP)]
pub struct CheckArgs {
    #[command(subcommand)]
    pub command: Option<CheckCommand>,
    /// Print every check with its id, family and pass bar, and exit.
    #[arg(long)]
    pub list: bool,
    #[command(flatten)]
    pub webhook: WebhookFlags,
    #[command(flatten)]
    pub api: ApiFlags,
    #[command(flatten)]
    pub common: CommonFlags,
}

/// What every check run takes: the selection, the dossier, and the outputs.
#[derive(Debug, Args, Default)]
pub struct CommonFlags {
    /// Run only these check ids (comma separated).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// The dossier: its settings configure the run (flags override them) and the results are
    /// filed in it as evidence (`check webhook` and `check api` create it if missing).
    #[arg(long)]
    pub dossier: Option<PathBuf>,
    /// Print one JSON object (schema_version 2) instead of human output.
    #[arg(long)]
    pub json: bool,
    /// Write the results as JUnit XML to this file (one testsuite per family).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Expected failures (TOML, [[expected]] check/reason/until): listed failures exit 0,
    /// unlisted or expired ones 1, a listed check that passes 1 (stale), an unknown id 2.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the run's failures to the --baseline file (keeping reasons already there).
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,
    /// Write the traffic (API requests and webhook deliveries) as HAR 1.2 to this file.
    #[arg(long, value_name = "FILE")]
    pub har: Option<PathBuf>,
    /// Colour the human output: auto honours NO_COLOR, FORCE_COLOR, TERM=dumb and whether
    /// stdout is a terminal.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Use the --dossier's own webhook URL (with the secret it names) and client command.
    /// Without it those two settings are refused: a dossier may come from someone else, and
    /// they would send a secret to a target or run a command nobody here chose. Give --url or
    /// --exec instead, or set this for a dossier you wrote (a CI job's own).
    #[arg(long, env = "CERTCOCKPIT_TRUST_DOSSIER")]
    pub trust_dossier: bool,
}

/// Which families a run covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Families {
    Webhook,
    Api,
    /// `check --dossier`: whatever the settings configure.
    Configured,
}

pub fn run(args: CheckArgs) -> color_eyre::Result<ExitCode> {
    match args.command {
        Some(CheckCommand::Webhook(a)) => {
            gate(Families::Webhook, &a.webhook, &ApiFlags::default(), &a.common)
        }
        Some(CheckCommand::Api(a)) => gate(Families::Api, &WebhookFlags::default(), &a.api, &a.common),
        None if args.list => Ok(list()),
        None if args.common.dossier.is_none() && !names_fallback(&args.common.only) => Ok(usage_error(
            "check needs --dossier FILE (run every check its settings configure), --list, --only webhook.fallback (with both families' flags), or a subcommand: webhook, api",
        )),
        None => gate(Families::Configured, &args.webhook, &args.api, &args.common),
    }
}

/// Why the run refuses settings the dossier alone supplies (issue: a dossier is data, not
/// instructions): a webhook URL the secret would be sent to, and a client command to run.
/// Either given on the command line is the user's own choice and is used; the rest of the
/// settings (scheme, profile, upstream, deadline) only shape the run and are always read.
#[allow(clippy::too_many_arguments)]
fn untrusted(
    d: &Dossier,
    path: &Path,
    webhook_flags: &WebhookFlags,
    api_flags: &ApiFlags,
    families: Families,
    named: bool,
    hook_ids: &[String],
    api_ids: &[&str],
) -> Option<String> {
    let runs_hooks = families != Families::Api && !(named && hook_ids.is_empty());
    let runs_api = families != Families::Webhook && !(named && api_ids.is_empty());
    let file = path.display();
    let how = "pass --trust-dossier (or CERTCOCKPIT_TRUST_DOSSIER=1) if you wrote this dossier";
    let hook = &d.settings.webhook;
    if runs_hooks && webhook_flags.url.is_none() && !hook.url.trim().is_empty() {
        let var = webhook_flags.secret_env.as_deref().unwrap_or(hook.secret_env.as_str());
        return Some(format!(
            "{file}: [settings.webhook] url = \"{}\" comes from the dossier, and the webhook secret in ${var} would be sent there; a dossier may come from someone else: give the target yourself with --url, or {how}",
            text::short(&hook.url),
        ));
    }
    if runs_hooks && webhook_flags.ca.is_none() && !hook.ca_file.trim().is_empty() {
        return Some(format!(
            "{file}: [settings.webhook] ca_file = \"{}\" comes from the dossier, and its certificates would be trusted for the listener's TLS; a dossier may come from someone else: give the CA yourself with --ca, or {how}",
            text::short(&hook.ca_file),
        ));
    }
    let exec = d.settings.api.exec.as_deref().map(str::trim).filter(|e| !e.is_empty());
    if let (true, None, Some(exec)) = (runs_api, api_flags.exec.as_deref(), exec) {
        return Some(format!(
            "{file}: [settings.api] exec = \"{}\" comes from the dossier, and certcockpit would run that command; a dossier may come from someone else: give the command yourself with --exec, or {how}",
            text::short(exec),
        ));
    }
    None
}

/// `check --list`: id, family and pass bar of every check.
fn list() -> ExitCode {
    let width = CheckId::ALL.iter().map(|c| c.as_str().len()).max().unwrap_or(0);
    for c in CheckId::ALL {
        let d = c.descriptor();
        println!("{:<width$}  {:<7}  {}", c.as_str(), ci::family_name(d.family()), d.pass_when);
    }
    Exit::Pass.into()
}

/// The ids of `--only`, split by family; an id that names no runnable check is a usage error.
fn split_only(only: &[String], families: Families) -> Result<(Vec<String>, Vec<&'static str>), String> {
    let (hooks, apis) = (webhook_check_ids(), scenario_ids());
    let (mut w, mut a) = (Vec::new(), Vec::new());
    for wanted in only.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if CheckId::WebhookFallback == wanted {
            continue;
        }
        if let Some(id) = hooks.iter().find(|id| **id == wanted).filter(|_| families != Families::Api) {
            if !w.iter().any(|x: &String| x == id) {
                w.push((*id).to_owned());
            }
        } else if let Some(id) =
            apis.iter().find(|id| **id == wanted).filter(|_| families != Families::Webhook)
        {
            if !a.contains(id) {
                a.push(*id);
            }
        } else if families == Families::Webhook {
            return Err(format!("--only: {}", UnknownWebhookCheck(text::short(wanted))));
        } else {
            let (allowed, what): (Vec<&str>, _) = match families {
                Families::Api => (apis.clone(), "an evidence API check"),
                _ => (hooks.iter().chain(apis.iter()).copied().collect(), "a check"),
            };
            return Err(format!(
                "--only: {:?} is not {what} (one of: {})",
                text::short(wanted),
                allowed.join(", ")
            ));
        }
    }
    if !only.is_empty() && w.is_empty() && a.is_empty() && !names_fallback(only) {
        return Err("--only names no check".into());
    }
    Ok((w, a))
}

/// Whether `--only` names `webhook.fallback`.
fn names_fallback(only: &[String]) -> bool {
    only.iter().any(|s| CheckId::WebhookFallback == s.trim())
}

/// Runs one family or every configured one, and writes every output asked for.
fn gate(
    families: Families,
    webhook_flags: &WebhookFlags,
    api_flags: &ApiFlags,
    common: &CommonFlags,
) -> color_eyre::Result<ExitCode> {
    // Everything the user gave is checked before anything runs: mistakes are usage errors.
    // `check --dossier` needs the dossier's settings; `check webhook|api --dossier` only files
    // into it, so a dossier it cannot read still gets its run (filing then keeps the results
    // beside it and gives the dossier's exit code).
    let settings: Option<Dossier> = match &common.dossier {
        Some(path) if path.exists() => match dossier::load(path) {
            Ok(d) => Some(d),
            Err(e) if families == Families::Configured => return Ok(usage_error(&e.to_string())),
            Err(_) => None,
        },
        // `check --only webhook.fallback --dossier NEW` files into a new dossier, as the
        // family subcommands do.
        Some(path) if families == Families::Configured && !names_fallback(&common.only) => {
            return Ok(usage_error(&format!(
                "--dossier {}: no such file (check --dossier reads the settings of an existing dossier)",
                path.display()
            )));
        }
        _ => None,
    };
    let (hook_ids, api_ids) = match split_only(&common.only, families) {
        Ok(ids) => ids,
        Err(e) => return Ok(usage_error(&e)),
    };
    let named = !common.only.is_empty();
    // webhook.fallback spans both families: only `check` (not `check webhook|api`) has the
    // flags of both; it runs when named, or under --dossier when both families are configured.
    let fallback_named = names_fallback(&common.only);
    if fallback_named && families != Families::Configured {
        let (sub, other) = if families == Families::Webhook {
            ("webhook", "--exec or --watch")
        } else {
            ("api", "--url and --secret-env")
        };
        return Ok(usage_error(&format!(
            "webhook.fallback needs both families, and `check {sub}` takes no {other}: run `certcockpit check --only webhook.fallback --url URL --secret-env VAR --exec COMMAND` (or --watch DURATION, or --dossier FILE)"
        )));
    }
    let want_hooks = families == Families::Webhook || (named && !hook_ids.is_empty()) || fallback_named;
    let want_api = families == Families::Api || (named && !api_ids.is_empty()) || fallback_named;
    let runs_hooks = !(named && hook_ids.is_empty());
    let runs_api = !(named && api_ids.is_empty());
    if let (Some(d), Some(path), false) = (&settings, &common.dossier, common.trust_dossier)
        && let Some(refusal) = untrusted(
            d,
            path,
            webhook_flags,
            api_flags,
            families,
            named && !fallback_named,
            &hook_ids,
            &api_ids,
        )
    {
        return Ok(usage_error(&refusal));
    }
    let fallback_prefix = |e: String| {
        if fallback_named {
            format!("webhook.fallback sends webhooks and watches the evidence API: {e}")
        } else {
            e
        }
    };
    let hook_plan = if families == Families::Api || (named && hook_ids.is_empty() && !fallback_named) {
        None
    } else {
        match check_webhook::resolve(
            webhook_flags,
            settings.as_ref().map(|d| &d.settings.webhook),
            want_hooks,
        ) {
            Ok(p) => p,
            Err(e) => return Ok(usage_error(&fallback_prefix(e))),
        }
    };
    let api_plan = if families == Families::Webhook || (named && api_ids.is_empty() && !fallback_named) {
        None
    } else {
        match check_api::resolve(api_flags, settings.as_ref().map(|d| &d.settings.api), want_api) {
            Ok(p) => p,
            Err(e) => return Ok(usage_error(&fallback_prefix(e))),
        }
    };
    // Without --only it runs when the reviewer set its window (flag or dossier): it waits
    // that long, and the client command must be the partner's listener and reconciler.
    let window_set = webhook_flags.fallback_window.is_some()
        || settings.as_ref().is_some_and(|d| d.settings.webhook.fallback_window_secs.is_some());
    let runs_fallback = families == Families::Configured
        && (fallback_named || (!named && window_set))
        && hook_plan.is_some()
        && api_plan.is_some();
    if fallback_named && let Some(why) = check_fallback::missing(hook_plan.is_some(), api_plan.is_some()) {
        return Ok(usage_error(&why));
    }
    if hook_plan.is_none() && api_plan.is_none() {
        return Ok(usage_error(
            "the dossier configures no check: set url and secret_env in [settings.webhook] or exec in [settings.api] (or pass --url/--secret-env or --exec)",
        ));
    }
    let base = match common.baseline.as_deref() {
        Some(path) if common.update_baseline && !path.exists() => Some(Baseline::default()),
        Some(path) => match baseline::load(path) {
            Ok(b) => Some(b),
            Err(e) => return Ok(usage_error(&e.to_string())),
        },
        None => None,
    };

    let mut run = GateRun::default();
    let deliveries = DeliveryLog::default();
    if let Some(plan) = hook_plan.as_ref().filter(|_| runs_hooks) {
        let (checks, interrupted) = check_webhook::execute(plan, &hook_ids, common.json, &deliveries)?;
        run.checks.extend(checks);
        run.interrupted = interrupted;
    }
    if let (Some(hook), Some(api), true, false) = (&hook_plan, &api_plan, runs_fallback, run.interrupted) {
        let (checks, interrupted) = check_fallback::execute(hook, api, common.json)?;
        run.checks.extend(checks);
        run.interrupted = interrupted;
    }
    let api_outcome = match &api_plan {
        Some(plan) if !run.interrupted && runs_api => {
            let ids = if api_ids.is_empty() { scenario_ids() } else { api_ids.clone() };
            let outcome = check_api::execute(plan, &ids)?;
            run.checks.extend(outcome.checks.iter().cloned());
            run.environment.extend(outcome.environment.iter().cloned());
            run.interrupted = outcome.interrupted;
            Some(outcome)
        }
        _ => None,
    };
    run.properties = properties(settings.as_ref(), hook_plan.as_ref(), api_plan.as_ref());
    let results: Vec<CheckResult> = run.checks.iter().map(|t| t.result.clone()).collect();

    let today = chrono::Local::now().date_naive();
    let base = match (base, &common.baseline) {
        (Some(b), Some(path)) if common.update_baseline => {
            let text = b.updated(&results);
            dossier::save_atomic(path, text.as_bytes())?;
            eprintln!("certcockpit: wrote the run's failures to the baseline {}", path.display());
            Some(baseline::parse(path, &text)?)
        }
        (b, _) => b,
    };
    let judgement = base.as_ref().map(|b| b.judge(&results, today));
    let mut exit = run.exit(judgement.as_ref());

    // An interrupted run files nothing (it was stopped, not finished); its results still print.
    // A stopped watch is the exception: what it observed is judged, and evidence of that.
    let watch_stopped =
        api_outcome.as_ref().and_then(|o| o.watch.as_ref()).is_some_and(|w| w.stopped_by.is_some());
    if let Some(path) = common.dossier.as_ref().filter(|_| !run.interrupted || watch_stopped) {
        let filed = file_results(path, &results, |d| {
            if let Some(p) = &hook_plan {
                d.settings.webhook.record(&p.target, &p.secret_env);
                if runs_fallback {
                    d.settings.webhook.record_fallback_window(p.fallback_window);
                }
            }
            if let Some(p) = &api_plan {
                d.settings.api.listen = p.listen.clone();
                d.settings.api.profile = p.profile_name.clone();
                d.settings.api.upstream = p.upstream.clone();
                d.settings.api.tls = p.tls;
            }
        })?;
        exit = exit.combine(filed);
    }
    if let Some(path) = &common.junit {
        write_output(path, "--junit", &junit::render(&run, judgement.as_ref()))?;
    }
    if let Some(path) = &common.har {
        let traffic = api_outcome.as_ref().map(|o| har::ApiTraffic {
            journal: &o.journal,
            windows: &o.windows,
            origin: o.origin.clone(),
            trace_header: o.trace_header.clone(),
            clock_zero: o.clock_zero,
        });
        write_output(path, "--har", &har::render(&deliveries.take(), traffic.as_ref()))?;
    }
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let md = summary::render(&run, judgement.as_ref(), exit.code());
        if let Err(e) = summary::append(Path::new(&path), &md) {
            eprintln!("certcockpit: cannot append to GITHUB_STEP_SUMMARY: {e}");
        }
    }
    let watch = api_outcome.as_ref().and_then(|o| o.watch.as_ref());
    if common.json {
        let watch = watch.and_then(|w| serde_json::to_value(w).ok());
        println!("{}", ci::json::render_with(&run, judgement.as_ref(), exit.code(), watch));
    } else {
        if let Some(w) = watch {
            print!("{}", text::neutralise_lines(&w.schedule(), 8_000));
        }
        print!("{}", colour::human(&run, judgement.as_ref(), colour::for_stdout(common.color)));
    }
    if let Some(j) = &judgement {
        for id in &j.stale {
            eprintln!("certcockpit: stale baseline: {id} now passes; remove it from the baseline");
        }
        for id in &j.expired {
            eprintln!("certcockpit: the baseline entry for {id} has expired; its failure counts");
        }
    }
    if let Some(reason) = run.exit_reason(exit) {
        eprintln!("certcockpit: {reason}");
    }
    Ok(exit.into())
}

/// The run's descriptive properties for JUnit: never a secret (the secret's *variable* is not
/// even named), the target without credentials (a webhook URL holding `user:password@` is
/// refused; credential-named query values such as `?token=` are masked).
fn properties(
    settings: Option<&Dossier>,
    hook: Option<&check_webhook::Plan>,
    api: Option<&check_api::Plan>,
) -> Vec<(String, String)> {
    let mut p = vec![("certcockpit.version".to_owned(), env!("CARGO_PKG_VERSION").to_owned())];
    let q = settings.map_or_else(
        || questionnaire::BUILTIN[0].name.to_owned(),
        |d| format!("{} {}", d.dossier.questionnaire, d.dossier.questionnaire_version),
    );
    p.push(("questionnaire".to_owned(), text::line(q.trim())));
    if let Some(h) = hook {
        p.push(("webhook.target".to_owned(), text::line(&crate::checks::masked_url(h.target.url.as_str()))));
        p.push(("webhook.scheme".to_owned(), h.target.scheme.as_str().to_owned()));
    }
    if let Some(a) = api {
        p.push(("api.profile".to_owned(), text::line(a.profile_name.as_deref().unwrap_or("generic"))));
        if let Some(up) = &a.upstream {
            p.push(("api.upstream".to_owned(), text::line(&crate::checks::masked_url(up))));
        }
    }
    p
}

/// Writes an output file atomically, naming the flag when it cannot.
fn write_output(path: &Path, flag: &str, text: &str) -> color_eyre::Result<()> {
    dossier::save_atomic(path, text.as_bytes())
        .map_err(|e| color_eyre::eyre::eyre!("{flag} {}: cannot write it: {e}", path.display()))
}

/// How long `--dossier` waits for a cockpit that has the dossier open, unless
/// `CERTCOCKPIT_LOCK_WAIT` (seconds, 0 to 600) says otherwise.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// The lock wait: [`LOCK_WAIT`] or `CERTCOCKPIT_LOCK_WAIT`.
fn lock_wait() -> Result<Duration, String> {
    match std::env::var("CERTCOCKPIT_LOCK_WAIT") {
        Err(_) => Ok(LOCK_WAIT),
        Ok(v) => match v.trim().parse::<f64>() {
            Ok(s) if s.is_finite() && (0.0..=600.0).contains(&s) => Ok(Duration::from_secs_f64(s)),
            _ => Err(format!(
                "CERTCOCKPIT_LOCK_WAIT must be seconds between 0 and 600, not {:?}",
                text::short(&v)
            )),
        },
    }
}

/// Files results as evidence in `path` (created with the default questionnaire if missing),
/// after letting `settings` record the session settings. Saved atomically, under the lock;
/// while a cockpit holds the lock it waits up to [`LOCK_WAIT`]. A run's results are never
/// lost: when they cannot be filed (still locked, the dossier unreadable, the disk full) they
/// are written as JSON beside the dossier, and stderr says where and why. Returns
/// [`Exit::Pass`] when filed, else the code of why not ([`Exit::Environment`] for a lock or
/// the file system, [`Exit::Usage`] for a dossier that does not parse). Call it before
/// printing the results, and combine its code with theirs.
pub fn file_results(
    path: &Path,
    results: &[CheckResult],
    settings: impl FnOnce(&mut Dossier),
) -> color_eyre::Result<Exit> {
    let q = questionnaire::load(questionnaire::BUILTIN[0].name)?;
    let now = chrono::Utc::now();
    let wait = match lock_wait() {
        Ok(w) => w,
        Err(e) => return Ok(set_aside(path, results, &e, Exit::Usage)),
    };
    // Say so before waiting, so a run that seems to hang says why.
    if !wait.is_zero()
        && let Ok(real) = crate::files::resolve(path)
        && let Err(LockFailure::Held(holder)) = DossierLock::acquire(&real)
    {
        eprintln!(
            "certcockpit: {} is open in a cockpit ({}); waiting up to {} s for it to close…",
            text::line(&path.display().to_string()),
            text::short(&holder),
            wait.as_secs_f64()
        );
    }
    let result = dossier::update_within(path, &q, wait, |d| {
        settings(d);
        for r in results {
            d.file_evidence(r.clone(), now);
        }
    });
    Ok(match result {
        Ok(note) => {
            if let Some(note) = note {
                eprintln!("certcockpit: {}", text::line(&note));
            }
            Exit::Pass
        }
        Err(e) => {
            let code = match e {
                DossierError::Parse { .. } | DossierError::NewerFormat { .. } => Exit::Usage,
                _ => Exit::Environment,
            };
            set_aside(path, results, &e.to_string(), code)
        }
    })
}

/// Writes `results` as JSON beside the dossier at `path` (a new file, named by the time and
/// this process, created exclusively) and says on stderr why they were not filed and where they are.
fn set_aside(path: &Path, results: &[CheckResult], why: &str, code: Exit) -> Exit {
    let stem = path.file_stem().map_or_else(|| "dossier".into(), |s| s.to_string_lossy().into_owned());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let aside = path.with_file_name(format!("{stem}.results-{stamp}-{}.json", std::process::id()));
    let shown = |p: &Path| text::line(&p.display().to_string());
    // Plain strings and numbers always serialise.
    let json = serde_json::to_string_pretty(&serde_json::json!({ "checks": results }))
        .unwrap_or_else(|_| "{\"checks\": []}".into());
    // A new file, never through a symlink planted at the name (`O_EXCL|O_NOFOLLOW`).
    let saved = crate::files::create_new(&aside).and_then(|mut f| {
        std::io::Write::write_all(&mut f, json.as_bytes())?;
        f.sync_all()
    });
    match saved {
        Ok(()) => eprintln!(
            "certcockpit: the results were not filed in {}: {}\n  They were written to {}; the run is printed as usual.",
            shown(path),
            text::neutralise_lines(why, 2_000),
            shown(&aside)
        ),
        Err(e) => eprintln!(
            "certcockpit: the results were not filed in {}: {}\n  Nor could they be written to {} ({e}); they are only in this output.",
            shown(path),
            text::neutralise_lines(why, 2_000),
            shown(&aside)
        ),
    }
    code
}

/// Prints a usage error and returns exit code 2.
pub fn usage_error(message: &str) -> ExitCode {
    eprintln!("certcockpit: {}", text::neutralise_lines(message, 4_000));
    Exit::Usage.into()
}
