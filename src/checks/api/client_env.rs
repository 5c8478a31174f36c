//! The environment the partner's client command gets: a minimal one, built from nothing. The
//! client is the partner's code running on the reviewer's machine, so it must not read the
//! reviewer's cloud keys, tokens or the webhook secret from an inherited environment, nor learn
//! which check is running (a client under test must not tailor its behaviour to the check).
//!
//! It gets `PATH`, `HOME`, `LANG` and `TERM` (as the reviewer has them, to find interpreters
//! and behave as in a terminal), the `CERTCOCKPIT_*` values the runner sets (the API's address
//! and this session's credentials), the CA file variables over TLS, and only the variables the
//! reviewer names with `--env NAME`.

use std::ffi::OsString;

/// Taken from the reviewer's environment when set.
pub const BASE_VARS: [&str; 4] = ["PATH", "HOME", "LANG", "TERM"];

/// The variables passed on to the client from the reviewer's environment, in order: the base
/// ones that are set, then each `--env` name (given once each).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientEnv {
    vars: Vec<(String, OsString)>,
}

impl ClientEnv {
    /// The base variables from this process's environment, plus `pass` (the `--env` names).
    /// A name that is not a plausible variable name, or not set, is an error saying which.
    pub fn from_process(pass: &[String]) -> Result<Self, String> {
        Self::build(pass, |name| std::env::var_os(name))
    }

    /// [`ClientEnv::from_process`] over any lookup (tests).
    pub fn build(pass: &[String], lookup: impl Fn(&str) -> Option<OsString>) -> Result<Self, String> {
        let mut vars: Vec<(String, OsString)> = Vec::new();
        for name in BASE_VARS {
            if let Some(value) = lookup(name) {
                vars.push((name.to_owned(), value));
            }
        }
        for name in pass {
            let name = name.trim();
            if name.is_empty() || name.contains('=') || name.contains('\0') {
                return Err(format!("--env {name:?}: give a variable name (NAME, not NAME=VALUE)"));
            }
            if vars.iter().any(|(n, _)| n == name) {
                continue;
            }
            match lookup(name) {
                Some(value) => vars.push((name.to_owned(), value)),
                None => {
                    return Err(format!(
                        "--env {name}: {name} is not set in this environment (set it, or drop --env {name})"
                    ));
                }
            }
        }
        Ok(Self { vars })
    }

    /// The variables, for `Command::envs` after `env_clear`.
    pub fn vars(&self) -> impl Iterator<Item = (&str, &OsString)> {
        self.vars.iter().map(|(n, v)| (n.as_str(), v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str) -> Option<OsString> {
        match name {
            "PATH" => Some("/usr/bin".into()),
            "HOME" => Some("/home/r".into()),
            "AWS_SECRET_ACCESS_KEY" => Some("aws".into()),
            "PROXY_URL" => Some("http://p".into()),
            _ => None,
        }
    }

    #[test]
    fn only_the_base_and_the_named_variables() {
        let env = ClientEnv::build(&["PROXY_URL".into(), "PATH".into()], lookup).expect("env");
        let names: Vec<&str> = env.vars().map(|(n, _)| n).collect();
        assert_eq!(names, ["PATH", "HOME", "PROXY_URL"]);
        let e = ClientEnv::build(&["MISSING".into()], lookup).expect_err("unset");
        assert!(e.contains("MISSING is not set"), "{e}");
        let e = ClientEnv::build(&["A=1".into()], lookup).expect_err("assignment");
        assert!(e.contains("NAME, not NAME=VALUE"), "{e}");
    }
}
