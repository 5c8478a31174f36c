//! A dossier is data, not instructions: a dossier written by someone else can name
//! `secret_env = "SOME_VARIABLE"` and a webhook URL, and `r` would send that variable's value
//! there. So before a secret taken from the environment goes to a target the reviewer has not
//! confirmed in this session, the cockpit asks, showing the target and the variable, and
//! remembers the answer (yes or no) until it quits. A target the reviewer typed in the settings
//! popup counts as confirmed: it is theirs, not the dossier's. Nothing is stored in the
//! dossier: a new session asks again, so a dossier cannot carry its own consent.

use std::collections::BTreeMap;

use crate::dossier::Settings;

/// Webhook checks waiting for the reviewer's answer.
#[derive(Debug, Clone)]
pub struct PendingSecret {
    /// The target the secret would go to.
    pub url: String,
    /// The environment variable holding it.
    pub var: String,
    pub ids: Vec<String>,
    pub settings: Box<Settings>,
}

/// The session's answers, by (target, variable).
#[derive(Debug, Clone, Default)]
pub struct SecretConsent {
    answers: BTreeMap<(String, String), bool>,
    /// The question on screen (`Mode::ConfirmSecret`).
    pub pending: Option<PendingSecret>,
}

impl SecretConsent {
    /// The answer given in this session for sending `var` to `url`, if any.
    pub fn answer(&self, url: &str, var: &str) -> Option<bool> {
        self.answers.get(&(url.to_owned(), var.to_owned())).copied()
    }

    /// Remembers `yes` for sending `var` to `url` until the session ends.
    pub fn remember(&mut self, url: &str, var: &str, yes: bool) {
        self.answers.insert((url.to_owned(), var.to_owned()), yes);
    }
}
