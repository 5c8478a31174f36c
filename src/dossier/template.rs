//! A new dossier as hand-editable text: every question present with an empty answer, and the
//! question, its guidance and its live checks as TOML comments above it. This is what a
//! partner engineer fills in before the call (`certcockpit init`). Saves keep these comments
//! (the store merges into the file's text), and blank answers stay under their guidance.

use std::fmt::Write;

use super::model::{ApiSettings, DOSSIER_FORMAT, WebhookSettings};
use crate::checks::CheckId;
use crate::questionnaire::{AnswerKind, Question, Questionnaire};

/// Comment lines are wrapped to this many characters.
const WIDTH: usize = 98;

/// The dossier text for a new review of `q`, dated `now`.
pub fn template(q: &Questionnaire, now: chrono::DateTime<chrono::Utc>) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_template(&mut out, q, now);
    out
}

fn write_template(
    out: &mut String,
    q: &Questionnaire,
    now: chrono::DateTime<chrono::Utc>,
) -> std::fmt::Result {
    comment(out, &format!("certcockpit dossier: {} ({}, version {}).", q.title, q.id, q.version))?;
    comment(out, &format!("Questions from: {}", q.source))?;
    writeln!(out, "#")?;
    comment(
        out,
        "Fill in the cover below and each `answer`, then set its `status` to \"answered\". Leave \
         a question you cannot answer yet as \"open\". The reviewer marks each one \"ok\", \
         \"needs_work\" or \"na\" during the call and may add a `note`. Open the file with \
         `certcockpit review FILE` to do the same in the cockpit and to run the live checks.",
    )?;
    writeln!(out, "# A multi-line answer uses TOML's triple quotes:")?;
    writeln!(out, "#   answer = \"\"\"")?;
    writeln!(out, "#   first line")?;
    writeln!(out, "#   second line\"\"\"")?;
    comment(
        out,
        "Never write a secret into this file: webhook and client secrets come from environment \
         variables, and only the variable's *name* is stored (settings.webhook.secret_env).",
    )?;
    writeln!(out)?;

    writeln!(out, "[dossier]")?;
    writeln!(out, "format = {DOSSIER_FORMAT}")?;
    writeln!(out, "questionnaire = {}", quoted(&q.id))?;
    writeln!(out, "questionnaire_version = {}", quoted(&q.version))?;
    writeln!(out, "integration = \"\"       # the integration's name")?;
    writeln!(out, "partner = \"\"           # the partner company")?;
    writeln!(out, "reviewer = \"\"          # who reviews for the provider")?;
    writeln!(out, "partner_engineer = \"\"  # who answers for the partner")?;
    writeln!(out, "date = {}  # the review date (YYYY-MM-DD)", quoted(&now.format("%Y-%m-%d").to_string()))?;
    writeln!(out, "created = {}", quoted(&now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)))?;
    writeln!(out)?;

    let w = WebhookSettings::default();
    writeln!(out, "# Where the webhook checks deliver (the partner's listener) and how they sign.")?;
    writeln!(out, "[settings.webhook]")?;
    writeln!(out, "url = \"\"")?;
    writeln!(out, "scheme = {}  # or \"hmac-sha256\", \"static-header\"", quoted(&w.scheme))?;
    writeln!(out, "header = \"\"  # the signature or secret header for hmac-sha256 / static-header")?;
    writeln!(out, "secret_env = {}  # the NAME of the variable holding the secret", quoted(&w.secret_env))?;
    writeln!(out, "deadline_secs = {:.1}", w.deadline_secs)?;
    writeln!(out)?;
    writeln!(out, "# Where the evidence API listens for the partner's client (loopback by default).")?;
    writeln!(out, "[settings.api]")?;
    writeln!(out, "listen = {}", quoted(&ApiSettings::default().listen))?;

    for (i, s) in q.sections.iter().enumerate() {
        writeln!(out)?;
        writeln!(out, "# {}", "=".repeat(WIDTH - 2))?;
        comment(out, &format!("{}. {}", i + 1, s.title))?;
        writeln!(out, "# {}", "=".repeat(WIDTH - 2))?;
        for (j, question) in s.questions.iter().enumerate() {
            writeln!(out)?;
            comment(out, &format!("{}.{} {}", i + 1, j + 1, question.text))?;
            comment(out, &format!("Answer: {}", answer_hint(question)))?;
            if !question.guidance.is_empty() {
                comment(out, &format!("Guidance: {}", question.guidance))?;
            }
            if !question.checks.is_empty() {
                let checks: Vec<String> = question
                    .checks
                    .iter()
                    .map(|c| match CheckId::parse(c) {
                        Some(id) => format!("{c} ({})", id.title()),
                        None => c.clone(),
                    })
                    .collect();
                comment(out, &format!("Live checks: {}", checks.join(", ")))?;
            }
            writeln!(out, "[answers.{}]", quoted(&question.id))?;
            writeln!(out, "answer = \"\"")?;
            writeln!(out, "status = \"open\"")?;
        }
    }
    Ok(())
}

fn answer_hint(q: &Question) -> String {
    match q.kind {
        AnswerKind::Text => "free text".to_owned(),
        AnswerKind::YesNoPartial => "yes, no or partial, optionally followed by an explanation".to_owned(),
        AnswerKind::Number => "a number, optionally followed by a unit or explanation".to_owned(),
        AnswerKind::Choice => format!("one of: {}", q.choices.join(" | ")),
    }
}

/// A TOML string (or quoted key) for `s`, escaped by the toml crate.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// Writes `text` as `# ` comment lines, wrapped at word boundaries; explicit newlines kept.
fn comment(out: &mut String, text: &str) -> std::fmt::Result {
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WIDTH - 2 {
                writeln!(out, "# {line}")?;
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if line.is_empty() {
            writeln!(out, "#")?;
        } else {
            writeln!(out, "# {line}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::{ReviewStatus, parse};
    use crate::questionnaire::{BUILTIN, builtin};

    #[test]
    fn every_builtin_template_parses_with_every_question_open() {
        for b in BUILTIN {
            let q = builtin(b.name).expect("listed").expect("valid");
            let text = template(&q, chrono::Utc::now());
            let d = parse(std::path::Path::new("t.toml"), &text)
                .unwrap_or_else(|e| panic!("{}: {e}\n{text}", b.name));
            assert_eq!(d.dossier.questionnaire, q.id);
            assert_eq!(d.dossier.questionnaire_version, q.version);
            assert_eq!(d.answers.len(), q.question_count(), "{}", b.name);
            for question in q.questions() {
                let a = &d.answers[&question.id];
                assert_eq!((a.answer.as_str(), a.status), ("", ReviewStatus::Open));
                if !question.guidance.is_empty() {
                    assert!(text.contains(&format!("# Guidance: {}", first_words(&question.guidance))));
                }
            }
            assert!(d.dossier.extra.is_empty() && d.settings.webhook.extra.is_empty() && d.extra.is_empty());
            assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{} has a long line", b.name);
        }
    }

    fn first_words(s: &str) -> String {
        s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn comments_wrap_and_keep_paragraphs() {
        let mut out = String::new();
        comment(&mut out, &format!("{}\nnext", "word ".repeat(40))).expect("write");
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() >= 3, "{out}");
        assert!(lines.iter().all(|l| l.starts_with("# ") && l.len() <= WIDTH));
        assert_eq!(lines.last(), Some(&"# next"));
    }
}
