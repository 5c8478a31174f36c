//! Secrets (webhook secrets, client secrets, tokens) in a wrapper that cannot be printed by
//! accident: no `Display`, a redacted `Debug`, no `Serialize`. Only `expose` gives the value,
//! so every use is visible in review.

use std::fmt;

/// A secret value. Read it from the environment with [`Secret::from_env`]; never store it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

/// Why a secret could not be read from the environment.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error(
        "the environment variable {0} is not set (it must hold the secret; the secret itself is never passed as an argument or stored)"
    )]
    Unset(String),
    #[error("the environment variable {0} is empty")]
    Empty(String),
    #[error("the environment variable {0} is not valid UTF-8")]
    NotUnicode(String),
}

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Reads the secret from the environment variable `var`.
    pub fn from_env(var: &str) -> Result<Self, SecretError> {
        match std::env::var(var) {
            Ok(v) if v.is_empty() => Err(SecretError::Empty(var.to_owned())),
            Ok(v) => Ok(Self(v)),
            Err(std::env::VarError::NotPresent) => Err(SecretError::Unset(var.to_owned())),
            Err(std::env::VarError::NotUnicode(_)) => Err(SecretError::NotUnicode(var.to_owned())),
        }
    }

    /// The secret's value, for signing or comparing. Never log or store the result.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Replaces every occurrence of the secret in `text` with `***` (for error messages and
    /// observations that might echo what a peer sent back).
    pub fn redact(&self, text: &str) -> String {
        if self.0.len() < 4 { text.to_owned() } else { text.replace(&self.0, "***") }
    }
}

/// `url` as it may be filed (HAR, JUnit properties, kept observations): the value of every
/// query parameter whose name says it is a credential (its name holds key, token, secret,
/// password, signature or auth: `?token=`, `?api_key=`…) and any `user:password@` replaced
/// by `***`. A listener URL often carries its shared secret in
/// the query (many providers' "custom header" alternative); the reviewer typed it, but the
/// files go to CI logs and to the partner.
pub fn masked_url(url: &str) -> String {
    let without_user = match reqwest::Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("***");
            let _ = u.set_password(None);
            u.to_string()
        }
        _ => url.to_owned(),
    };
    let (head, fragment) = match without_user.split_once('#') {
        Some((h, f)) => (h, Some(f)),
        None => (without_user.as_str(), None),
    };
    let mut out = crate::checks::api::mask_secret_params(head).into_owned();
    if let Some(f) = fragment {
        // A fragment never reaches the listener, but `#access_token=` is how implicit grants
        // carry tokens: mask it the same way.
        let masked = crate::checks::api::mask_secret_params(&format!("?{f}")).into_owned();
        out.push('#');
        out.push_str(masked.trim_start_matches('?'));
    }
    out
}

/// Turns core dumps off for this process: the session's client secret, the webhook secret and
/// tokens live in its memory from start to end, and a crash must not write them to a core
/// file. `RLIMIT_CORE` 0 stops the kernel writing one (also for a crash handler that pipes
/// cores elsewhere, which honours the limit of 0 only when not piped, hence the second step);
/// `PR_SET_DUMPABLE` 0 (Linux) stops any dump and any other process of this user attaching to
/// read memory. Children are unaffected: `execve` resets both for the programs run. Returns
/// whether both took effect.
pub fn forbid_core_dumps() -> bool {
    let none = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: setrlimit reads the struct passed; lowering a limit is always allowed.
    let limited = unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) } == 0;
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_DUMPABLE takes one integer argument and changes only this
    // process's dumpable flag.
    let undumpable = unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0 as libc::c_ulong, 0, 0, 0) } == 0;
    #[cfg(not(target_os = "linux"))]
    let undumpable = true;
    limited && undumpable
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_dumps_are_off() {
        assert!(forbid_core_dumps());
        let mut lim = libc::rlimit { rlim_cur: 1, rlim_max: 1 };
        // SAFETY: getrlimit writes into the local struct.
        assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut lim) }, 0);
        assert_eq!((lim.rlim_cur, lim.rlim_max), (0, 0));
        #[cfg(target_os = "linux")]
        // SAFETY: PR_GET_DUMPABLE only reads this process's flag.
        assert_eq!(unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) }, 0);
    }

    #[test]
    fn urls_are_filed_without_their_credentials() {
        assert_eq!(
            masked_url("https://p.example/hook?token=s3cr3t&x=1"),
            "https://p.example/hook?token=***&x=1"
        );
        assert_eq!(masked_url("http://127.0.0.1:9/h?API_KEY=abc"), "http://127.0.0.1:9/h?API_KEY=***");
        assert_eq!(masked_url("https://u:pw@p.example/h"), "https://***@p.example/h");
        assert_eq!(
            masked_url("https://p.example/h#access_token=abc&s=1"),
            "https://p.example/h#access_token=***&s=1"
        );
        assert_eq!(masked_url("https://p.example/h?page=2"), "https://p.example/h?page=2");
        assert_eq!(masked_url("not a url ?signature=x"), "not a url ?signature=***");
    }

    #[test]
    fn never_printed_and_redacted() {
        let s = Secret::new("whsec_topsecretvalue");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.redact("got whsec_topsecretvalue back"), "got *** back");
        assert_eq!(
            Secret::from_env("CERTCOCKPIT_SURELY_UNSET_VAR"),
            Err(SecretError::Unset("CERTCOCKPIT_SURELY_UNSET_VAR".into()))
        );
    }
}
