//! Colour in human output, by the conventions CI systems and terminals share: `--color
//! always|never` wins; under `auto`, `NO_COLOR` (set and non-empty) turns colour off,
//! `FORCE_COLOR` (set, non-empty, not `0` or `false`) turns it on, `TERM=dumb` turns it off,
//! and otherwise colour goes only to a terminal. Verdicts keep their symbols, so nothing reads
//! by colour alone.

use std::fmt::Write;

use super::GateRun;
use super::baseline::Judgement;
use crate::checks::Verdict;
use crate::text;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to colour, from the choice, the environment (`var` reads a variable) and whether
/// stdout is a terminal. Pure, so the rules are unit-tested.
pub fn enabled(choice: ColorChoice, var: impl Fn(&str) -> Option<String>, is_tty: bool) -> bool {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR").is_some() => false,
        ColorChoice::Auto if set("FORCE_COLOR").is_some_and(|v| v != "0" && v != "false") => true,
        ColorChoice::Auto if var("TERM").as_deref() == Some("dumb") => false,
        ColorChoice::Auto => is_tty,
    }
}

/// [`enabled`] for this process's stdout.
pub fn for_stdout(choice: ColorChoice) -> bool {
    use std::io::IsTerminal;
    enabled(choice, |n| std::env::var(n).ok(), std::io::stdout().is_terminal())
}

fn sgr(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "32",
        Verdict::Fail => "31",
        Verdict::Inconclusive => "33",
        Verdict::NotApplicable => "2",
    }
}

/// `s` in the verdict's colour when `on`.
pub fn paint(v: Verdict, s: &str, on: bool) -> String {
    if on { format!("\x1b[{}m{s}\x1b[0m", sgr(v)) } else { s.to_owned() }
}

/// The human report: one line per check (`symbol id  summary`), known failures and stale
/// baseline entries marked, then the counts.
pub fn human(run: &GateRun, judgement: Option<&Judgement>, on: bool) -> String {
    let results: Vec<_> = run.checks.iter().map(|t| &t.result).collect();
    let width = results.iter().map(|r| text::short(&r.id).chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for r in &results {
        // Results are neutralised when a check ends; this guards the terminal against any
        // result that reached here another way.
        let (id, summary) = (text::short(&r.id), text::neutralise(&r.summary, 2 * text::LINE));
        let mark = match judgement {
            Some(j) if j.known.iter().any(|(k, _)| *k == r.id) => " [known failure: in the baseline]",
            Some(j) if j.stale.contains(&r.id) => " [stale baseline: remove it]",
            Some(j) if j.expired.contains(&r.id) => " [baseline entry expired]",
            _ => "",
        };
        let _ = writeln!(out, "{} {id:<width$}  {summary}{mark}", paint(r.verdict, r.verdict.symbol(), on));
    }
    let count = |v: Verdict| results.iter().filter(|r| r.verdict == v).count();
    let na = count(Verdict::NotApplicable);
    let na_text = if na > 0 { format!(", {na} not applicable") } else { String::new() };
    let known = judgement.map_or(0, |j| j.known.len());
    let known_text = if known > 0 { format!(" ({known} known)") } else { String::new() };
    let _ = writeln!(
        out,
        "{} passed, {} failed{known_text}, {} inconclusive{na_text}",
        count(Verdict::Pass),
        count(Verdict::Fail),
        count(Verdict::Inconclusive)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |n| pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn the_conventions_in_order() {
        use ColorChoice::*;
        assert!(enabled(Always, env(&[("NO_COLOR", "1")]), false));
        assert!(!enabled(Never, env(&[("FORCE_COLOR", "1")]), true));
        assert!(!enabled(Auto, env(&[("NO_COLOR", "1")]), true));
        assert!(enabled(Auto, env(&[("NO_COLOR", "")]), true), "an empty NO_COLOR is unset");
        assert!(enabled(Auto, env(&[("FORCE_COLOR", "1")]), false));
        assert!(!enabled(Auto, env(&[("FORCE_COLOR", "0")]), false));
        assert!(!enabled(Auto, env(&[("TERM", "dumb")]), true));
        assert!(enabled(Auto, env(&[]), true));
        assert!(!enabled(Auto, env(&[]), false));
        assert_eq!(paint(Verdict::Fail, "✘", false), "✘");
        assert!(paint(Verdict::Fail, "✘", true).starts_with("\x1b[31m"));
    }
}
