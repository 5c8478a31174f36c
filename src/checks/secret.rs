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

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
