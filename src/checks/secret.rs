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
/// password, signature, auth, credential or session: `?token=`, `?api_key=`…; or it is
/// exactly sig, pwd, pass, passwd, code, jwt or sid: Azure SAS's `?sig=`) and any
/// `user:password@` replaced by `***`. A listener URL often carries its shared secret in the
/// query (many providers' "custom header" alternative); the reviewer typed it, but the files
/// go to CI logs and to the partner.
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

/// Why `${NAME}` references in a setting could not be expanded.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ExpandError {
    #[error(
        "${{{0}}} names an environment variable that is not set: set it to the value before starting certcockpit"
    )]
    Unset(String),
    #[error("'${{' at character {0} is not closed by '}}': write ${{NAME}}")]
    Unclosed(usize),
    #[error(
        "'${{{0}}}' is not an environment variable's name (letters, digits and _, not starting with a digit)"
    )]
    BadName(String),
}

/// `text` with every `${NAME}` replaced by the environment variable `NAME`'s value,
/// percent-encoded as a query value (a token with `&` or `#` in it stays one value). This is
/// how a listener URL that carries a credential (`?token=${HOOK_TOKEN}`) is kept in a dossier
/// without the credential: the dossier holds the reference, the value lives in the
/// environment, as the webhook secret's does. A `$` not followed by `{` is left alone.
pub fn expand_env(text: &str) -> Result<String, ExpandError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, found)) = next_ref(rest) {
        out.push_str(&rest[..at]);
        let Some((name, after)) = found else {
            return Err(ExpandError::Unclosed(text[..text.len() - rest.len() + at].chars().count() + 1));
        };
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(ExpandError::BadName(crate::text::short(name)));
        }
        let value = std::env::var(name).map_err(|_| ExpandError::Unset(name.to_owned()))?;
        out.extend(form_urlencoded::byte_serialize(value.as_bytes()));
        rest = after;
    }
    out.push_str(rest);
    Ok(out)
}

/// The names of the environment variables `text` references as `${NAME}` (those
/// [`expand_env`] would read), in order, each once: a consent prompt names them, since their
/// values go wherever the URL points.
pub fn env_refs(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some((_, Some((name, after)))) = next_ref(rest) {
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
        rest = after;
    }
    names
}

/// The next `${…}` in `rest`: where it starts, and its name and what follows it (`None` when
/// it is not closed). The one reading of the syntax, for [`expand_env`] and [`env_refs`].
fn next_ref(rest: &str) -> Option<(usize, Option<(&str, &str)>)> {
    let at = rest.find("${")?;
    let after = &rest[at + 2..];
    Some((at, after.find('}').map(|end| (&after[..end], &after[end + 1..]))))
}

/// The query parameters of `url` whose names say they hold a credential, as (name, value).
pub fn credential_params(url: &str) -> impl Iterator<Item = (&str, &str)> {
    let query = url.split_once('#').map_or(url, |(h, _)| h).split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| crate::checks::api::is_secret_name(k))
}

/// The name of the first query parameter of `url` that holds a credential written out
/// (`token=abc`, not `token=${HOOK_TOKEN}`), or `None`. A setting that would be saved in a
/// dossier is refused with it, since the dossier travels to the partner and into CI logs.
pub fn literal_credential(url: &str) -> Option<String> {
    credential_params(url).find_map(|(k, v)| {
        let is_ref = v.starts_with("${") && v.ends_with('}') && v.matches("${").count() == 1;
        (!v.is_empty() && !is_ref).then(|| crate::text::short(k))
    })
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
    fn env_references_expand_and_literal_credentials_are_found() {
        // The test binary's own environment: PATH is set; this name is not.
        let path = std::env::var("PATH").expect("PATH");
        let want: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
        assert_eq!(
            expand_env("https://h/x?t=${PATH}&a=$1").as_deref(),
            Ok(format!("https://h/x?t={want}&a=$1").as_str())
        );
        assert_eq!(expand_env("no refs"), Ok("no refs".to_owned()));
        assert_eq!(
            expand_env("?t=${CERTCOCKPIT_TEST_SURELY_UNSET}"),
            Err(ExpandError::Unset("CERTCOCKPIT_TEST_SURELY_UNSET".into()))
        );
        assert_eq!(expand_env("ab${X"), Err(ExpandError::Unclosed(3)));
        assert_eq!(expand_env("${1X}"), Err(ExpandError::BadName("1X".into())));
        assert_eq!(expand_env("${}"), Err(ExpandError::BadName(String::new())));

        assert_eq!(env_refs("https://h/${A}/x?t=${B}&u=${A}&v=${"), ["A", "B"]);
        assert_eq!(literal_credential("https://h/hook?token=abc").as_deref(), Some("token"));
        assert_eq!(literal_credential("https://h/hook?page=1&sig=abc#x").as_deref(), Some("sig"));
        assert_eq!(literal_credential("https://h/hook?token=${HOOK_TOKEN}"), None);
        assert_eq!(literal_credential("https://h/hook?token=a${HOOK_TOKEN}"), Some("token".into()));
        assert_eq!(literal_credential("https://h/hook?design=1&token="), None);
        assert_eq!(literal_credential("https://h/hook"), None);
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
