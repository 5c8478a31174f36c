//! Signed evidence records. A record filed while a reviewer key is installed
//! (`signing::install`) carries `signed_by` (the key's fingerprint) and `signature` (base64 of
//! the 64-byte Ed25519 signature); never the key itself.
//!
//! # The bytes signed
//! The signature is over [`signed_message`]`("certcockpit-evidence-v1", canonical)`, i.e. over
//! `SHA-256("certcockpit-evidence-v1\n" ‖ canonical)`, where `canonical` is the compact JSON
//! (`serde_json`, no spaces) of this array, in this order:
//!
//! ```text
//! [check, at, verdict, summary, figures, observations, observations_sha256, judge_version,
//!  build, host, ran]
//! ```
//!
//! - `check` (the record's id, e.g. `"retry.backoff"`), `at` (RFC 3339), `verdict`
//!   (`"pass"`, `"fail"`, `"inconclusive"`, `"not_applicable"`), `summary`: strings;
//! - `figures`: an object with its keys sorted (as the dossier holds them); integers as
//!   integers, floats in Rust's shortest round-trip form, lists as arrays;
//! - `observations`: the one-line observations, an array of strings (`[]` when none);
//! - `observations_sha256` (the sidecar digest, which covers every kept observation),
//!   `judge_version`, and the provenance `build`, `host`, `ran` (`"live"`/`"pre-filled"`):
//!   their values, or `null` when the record has none.
//!
//! Keys the program does not know (`extra`) are not signed. Changing any signed byte — a
//! verdict, a figure, the observations digest, the provenance — makes the signature invalid.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature as EdSignature, Signer, SigningKey};

use super::{PublicKey, fingerprint, signed_message};
use crate::dossier::Evidence;
use crate::dossier::verify::Signature;

/// The tag of an evidence record's signature (see the module doc).
pub const TAG: &str = "certcockpit-evidence-v1";

/// The canonical bytes of `e` (see the module doc).
pub fn canonical(e: &Evidence) -> Vec<u8> {
    let fields = (
        &e.check,
        &e.at,
        e.verdict,
        &e.summary,
        &e.figures,
        &e.observations,
        &e.observations_sha256,
        e.judge_version,
        &e.build,
        &e.host,
        e.ran,
    );
    // Strings, numbers, sorted maps: serializing these cannot fail.
    serde_json::to_vec(&fields).unwrap_or_default()
}

/// Signs `e` with `key`, setting `signed_by` and `signature`.
pub fn sign(e: &mut Evidence, key: &SigningKey) {
    let sig = key.sign(&signed_message(TAG, &canonical(e)));
    e.signed_by = Some(fingerprint(&key.verifying_key()));
    e.signature = Some(BASE64.encode(sig.to_bytes()));
}

/// Checks `e`'s signature against the trusted `keys`.
pub fn check(e: &Evidence, keys: &[PublicKey]) -> Signature {
    let (Some(fingerprint), Some(signature)) = (&e.signed_by, &e.signature) else {
        return Signature::Unsigned;
    };
    let fingerprint = fingerprint.clone();
    let Some(key) = keys.iter().find(|k| k.fingerprint == fingerprint) else {
        return Signature::UnknownKey { fingerprint };
    };
    match verify_bytes(key, TAG, &canonical(e), signature) {
        Ok(()) => Signature::Valid { fingerprint },
        Err(why) => Signature::Invalid { fingerprint, why },
    }
}

/// Verifies base64 `signature` over `bytes` (tagged `tag`) with `key`; the error says why not.
pub fn verify_bytes(key: &PublicKey, tag: &str, bytes: &[u8], signature: &str) -> Result<(), String> {
    let raw = BASE64.decode(signature.trim()).map_err(|e| format!("the signature is not base64 ({e})"))?;
    let raw = <[u8; 64]>::try_from(raw.as_slice())
        .map_err(|_| format!("the signature is {} bytes, not 64", raw.len()))?;
    key.key
        .verify_strict(&signed_message(tag, bytes), &EdSignature::from_bytes(&raw))
        .map_err(|_| "a signed byte was changed since it was signed".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{CheckResult, Figure, Verdict};
    use crate::dossier::Ran;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn record() -> Evidence {
        let mut r = CheckResult::new("retry.backoff", Verdict::Pass, "gaps grow");
        r.figures.insert("attempts".into(), Figure::Int(4));
        r.figures.insert("gaps_ms".into(), Figure::List(vec![Figure::Float(211.5), Figure::Float(482.0)]));
        let mut e = Evidence::filed(r, chrono::Utc::now(), Ran::Live);
        e.observations_sha256 = Some("ab".repeat(32));
        e
    }

    #[test]
    fn a_signed_record_verifies_and_survives_the_dossier_round_trip() {
        let mut e = record();
        sign(&mut e, &key(1));
        let trusted = [PublicKey::new(key(1).verifying_key())];
        assert!(matches!(check(&e, &trusted), Signature::Valid { .. }));
        let text = toml::to_string(&e).expect("toml");
        let back: Evidence = toml::from_str(&text).expect("reads back");
        assert!(matches!(check(&back, &trusted), Signature::Valid { .. }), "{text}");
        assert!(!text.contains(&hex::encode(key(1).to_bytes())));
    }

    #[test]
    fn any_signed_byte_changed_invalidates_it() {
        let mut e = record();
        sign(&mut e, &key(1));
        let trusted = [PublicKey::new(key(1).verifying_key())];
        let edits: [fn(&mut Evidence); 6] = [
            |e| e.verdict = Verdict::Fail,
            |e| {
                e.figures.insert("attempts".into(), Figure::Int(5));
            },
            |e| e.observations_sha256 = Some("cd".repeat(32)),
            |e| e.host = Some("elsewhere".into()),
            |e| e.ran = Some(Ran::PreFilled),
            |e| e.summary.push('!'),
        ];
        for edit in edits {
            let mut changed = e.clone();
            edit(&mut changed);
            assert!(matches!(check(&changed, &trusted), Signature::Invalid { .. }), "{changed:?}");
        }
        assert!(matches!(check(&e, &[PublicKey::new(key(2).verifying_key())]), Signature::UnknownKey { .. }));
        assert_eq!(check(&record(), &trusted), Signature::Unsigned);
        let mut garbled = e.clone();
        garbled.signature = Some("bm90IGEgc2lnbmF0dXJl".into());
        assert!(
            matches!(check(&garbled, &trusted), Signature::Invalid { why, .. } if why.contains("not 64"))
        );
    }
}
