//! Signing deliveries the way each scheme's providers do, with `hmac`/`sha2`/`base64` (no
//! hand-rolled crypto), plus the deliberately wrong variants the negative cases need.
//!
//! A [`Signer`] holds the key material; it has a redacted `Debug` and the [`Wire`] it produces
//! (which, for `static-header`, carries the secret itself) has none, so neither can end up in
//! a log by accident.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::Scheme;
use crate::checks::Secret;

type HmacSha256 = Hmac<Sha256>;

/// The prefix of a Standard Webhooks secret (`whsec_` + base64 of the key).
pub const STANDARD_SECRET_PREFIX: &str = "whsec_";

/// Why a secret cannot be used with a scheme. Never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningError {
    #[error(
        "the secret is not a Standard Webhooks secret: expected whsec_ followed by base64 ({0}); copy it from the provider's dashboard as is"
    )]
    NotBase64(String),
    #[error("the secret decodes to an empty key")]
    EmptyKey,
    #[error(
        "the secret cannot be sent in an HTTP header (static-header): it must be visible ASCII without spaces at either end"
    )]
    NotHeaderSafe,
}

/// Decodes a Standard Webhooks secret into the HMAC key. Like the reference libraries, the
/// `whsec_` prefix is optional.
pub fn standard_webhooks_key(secret: &str) -> Result<Vec<u8>, SigningError> {
    let b64 = secret.strip_prefix(STANDARD_SECRET_PREFIX).unwrap_or(secret);
    // The decode error names the offending offset and byte, which is part of the secret: keep
    // only its kind.
    let key = BASE64.decode(b64).map_err(|e| {
        SigningError::NotBase64(match e {
            base64::DecodeError::InvalidByte(..) => "a character outside the base64 alphabet".into(),
            base64::DecodeError::InvalidLength(_) => "the length is not valid base64".into(),
            base64::DecodeError::InvalidLastSymbol { .. } => "the last character is not valid base64".into(),
            base64::DecodeError::InvalidPadding => "the padding is wrong".into(),
        })
    })?;
    if key.is_empty() {
        return Err(SigningError::EmptyKey);
    }
    Ok(key)
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail; an empty MAC would never verify.
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            for p in parts {
                mac.update(p);
            }
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, the Standard Webhooks signature.
pub fn standard_webhooks_signature(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let prefix = format!("{id}.{timestamp}.");
    format!("v1,{}", BASE64.encode(hmac_sha256(key, &[prefix.as_bytes(), body])))
}

/// `sha256=<hex HMAC-SHA256 of the body>`, GitHub style.
pub fn hmac_sha256_signature(key: &[u8], body: &[u8]) -> String {
    format!("sha256={}", hex::encode(hmac_sha256(key, &[body])))
}

/// `t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">`, Stripe style; the key is the whole secret
/// string as the provider shows it (`whsec_` included, not decoded).
pub fn timestamped_signature(key: &[u8], timestamp: i64, body: &[u8]) -> String {
    let prefix = format!("{timestamp}.");
    format!("t={timestamp},v1={}", hex::encode(hmac_sha256(key, &[prefix.as_bytes(), body])))
}

/// One message as the provider would send it: its id, when it was signed, its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: String,
    /// Unix seconds (the signed timestamp for `standard-webhooks` and
    /// `timestamped-hmac-sha256`).
    pub timestamp: i64,
    pub body: String,
}

/// How a delivery departs from the genuine one — in exactly one respect each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Genuine,
    /// A well-formed signature (or header value) not made with the secret.
    ForgedSignature,
    /// The signature header left out; everything else as genuine.
    MissingSignature,
    /// Signed correctly, but with another secret of the same kind.
    WrongSecret,
    /// The genuine signature over a body that was altered afterwards.
    TamperedBody,
    /// A rotating secret: the genuine signature among [`ROTATION_ENTRIES`] entries of the
    /// same version, the others invalid, at this 0-based position.
    ValidAmong(usize),
    /// An entry of a version a verifier must skip (`v1a,…` / `v0=…`) before the genuine one.
    UnknownVersion,
    /// [`ROTATION_ENTRIES`] entries of the right version, none valid.
    AllInvalid,
    /// The genuine signature made malformed in one way.
    Malformed(Malformation),
}

/// How many signatures a rotation delivery carries.
pub const ROTATION_ENTRIES: usize = 3;

/// Ways a signature header can be malformed (each a real verifier's crash: the Python
/// `standardwebhooks` package raises `ValueError` / `binascii.Error` on the first three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Malformation {
    /// The separator between version and signature left out (`v1<base64>`, `sha256<hex>`,
    /// `t=<unix>v1=<hex>`).
    NoSeparator,
    /// The base64 signature without its `=` padding.
    UnpaddedBase64,
    /// Characters outside the signature's alphabet in place of its first two.
    JunkCharacters,
    /// A timestamp that is not a number.
    NonNumericTimestamp,
}

impl Malformation {
    /// The malformations that exist for a scheme's header format.
    pub fn for_scheme(scheme: Scheme) -> Vec<Malformation> {
        use Malformation::*;
        match scheme {
            Scheme::StandardWebhooks => {
                vec![NoSeparator, UnpaddedBase64, JunkCharacters, NonNumericTimestamp]
            }
            Scheme::TimestampedHmacSha256 => vec![NoSeparator, JunkCharacters, NonNumericTimestamp],
            Scheme::HmacSha256 => vec![NoSeparator, JunkCharacters],
            Scheme::StaticHeader => vec![],
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Malformation::NoSeparator => "no_separator",
            Malformation::UnpaddedBase64 => "unpadded_base64",
            Malformation::JunkCharacters => "junk_characters",
            Malformation::NonNumericTimestamp => "non_numeric_timestamp",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Malformation::NoSeparator => "a signature without its separator",
            Malformation::UnpaddedBase64 => "unpadded base64",
            Malformation::JunkCharacters => "junk characters in the signature",
            Malformation::NonNumericTimestamp => "a non-numeric timestamp",
        }
    }
}

/// What goes on the wire: headers and body. Deliberately not `Debug` (it may hold the secret).
pub struct Wire {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

enum Key {
    Bytes(Vec<u8>),
    Static(Secret),
}

/// Signs messages for one scheme, header and secret.
pub struct Signer {
    scheme: Scheme,
    header: String,
    key: Key,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("scheme", &self.scheme).field("header", &self.header).finish()
    }
}

impl Signer {
    /// `header` is the header carrying the signature (ignored for `standard-webhooks`, whose
    /// headers are fixed).
    pub fn new(scheme: Scheme, header: &str, secret: &Secret) -> Result<Self, SigningError> {
        let key = match scheme {
            Scheme::StandardWebhooks => Key::Bytes(standard_webhooks_key(secret.expose())?),
            // Stripe's verifier keys the HMAC with the whole `whsec_…` string, undecoded.
            Scheme::HmacSha256 | Scheme::TimestampedHmacSha256 => {
                if secret.expose().is_empty() {
                    return Err(SigningError::EmptyKey);
                }
                Key::Bytes(secret.expose().as_bytes().to_vec())
            }
            Scheme::StaticHeader => {
                let s = secret.expose();
                let safe =
                    !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic() || b == b' ') && s.trim() == s;
                if !safe {
                    return Err(SigningError::NotHeaderSafe);
                }
                Key::Static(secret.clone())
            }
        };
        let header = match scheme {
            Scheme::StandardWebhooks => "webhook-signature".to_owned(),
            _ => header.to_owned(),
        };
        Ok(Self { scheme, header, key })
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The bare signature (no version prefix) over `body`, made with `key`.
    fn bare(&self, key: &Key, msg: &Message, body: &str) -> String {
        match (self.scheme, key) {
            (Scheme::StandardWebhooks, Key::Bytes(k)) => {
                let prefix = format!("{}.{}.", msg.id, msg.timestamp);
                BASE64.encode(hmac_sha256(k, &[prefix.as_bytes(), body.as_bytes()]))
            }
            (Scheme::TimestampedHmacSha256, Key::Bytes(k)) => {
                let prefix = format!("{}.", msg.timestamp);
                hex::encode(hmac_sha256(k, &[prefix.as_bytes(), body.as_bytes()]))
            }
            (_, Key::Bytes(k)) => hex::encode(hmac_sha256(k, &[body.as_bytes()])),
            (_, Key::Static(s)) => s.expose().to_owned(),
        }
    }

    /// A bare signature of the right shape not made with the secret.
    fn bare_forged(&self) -> String {
        let random: [u8; 32] = rand::random();
        match &self.key {
            Key::Bytes(_) if self.scheme == Scheme::StandardWebhooks => BASE64.encode(random),
            Key::Bytes(_) => hex::encode(random),
            // Same length as the real one, so only the value is wrong.
            Key::Static(s) => {
                let len = s.expose().len().max(8);
                let alnum = hex::encode(random).repeat(len / 64 + 1);
                alnum[..len].to_owned()
            }
        }
    }

    /// The header value carrying `entries` (version, bare signature); several while a secret
    /// rotates), as the scheme writes it.
    fn header_value(&self, msg: &Message, entries: &[(&str, String)]) -> String {
        match self.scheme {
            Scheme::StandardWebhooks => {
                entries.iter().map(|(v, s)| format!("{v},{s}")).collect::<Vec<_>>().join(" ")
            }
            Scheme::TimestampedHmacSha256 => {
                let sigs = entries.iter().map(|(v, s)| format!("{v}={s}")).collect::<Vec<_>>().join(",");
                format!("t={},{sigs}", msg.timestamp)
            }
            Scheme::HmacSha256 => {
                entries.iter().map(|(_, s)| format!("sha256={s}")).collect::<Vec<_>>().join(",")
            }
            Scheme::StaticHeader => entries.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>().join(","),
        }
    }

    /// The version tag of a valid entry, and of one a verifier must skip.
    fn versions(&self) -> (&'static str, &'static str) {
        match self.scheme {
            Scheme::StandardWebhooks => ("v1", "v1a"),
            Scheme::TimestampedHmacSha256 => ("v1", "v0"),
            _ => ("", ""),
        }
    }

    /// The signature header's value for a variant (`None`: no signature header).
    fn signature(&self, msg: &Message, body: &str, variant: Variant) -> Option<String> {
        let (v1, skipped) = self.versions();
        let genuine = || self.bare(&self.key, msg, body);
        let value = |entries: &[(&str, String)]| self.header_value(msg, entries);
        Some(match variant {
            Variant::MissingSignature => return None,
            Variant::Genuine | Variant::TamperedBody => value(&[(v1, genuine())]),
            Variant::ForgedSignature => value(&[(v1, self.bare_forged())]),
            Variant::WrongSecret => value(&[(v1, self.bare(&self.wrong_key(), msg, body))]),
            Variant::ValidAmong(pos) => {
                let entries: Vec<(&str, String)> = (0..ROTATION_ENTRIES)
                    .map(|i| (v1, if i == pos { genuine() } else { self.bare_forged() }))
                    .collect();
                value(&entries)
            }
            Variant::UnknownVersion => value(&[(skipped, self.bare_forged()), (v1, genuine())]),
            Variant::AllInvalid => {
                let entries: Vec<(&str, String)> =
                    (0..ROTATION_ENTRIES).map(|_| (v1, self.bare_forged())).collect();
                value(&entries)
            }
            Variant::Malformed(m) => self.malformed(msg, genuine(), m),
        })
    }

    /// The genuine header value, malformed in one respect.
    fn malformed(&self, msg: &Message, sig: String, m: Malformation) -> String {
        // Two junk characters in place of the first two: what is left is no valid base64 even
        // for a decoder that skips characters outside its alphabet (41 data characters).
        let junk = |s: &str| format!("!*{}", s.get(2..).unwrap_or_default());
        match (self.scheme, m) {
            (Scheme::StandardWebhooks, Malformation::NoSeparator) => format!("v1{sig}"),
            (Scheme::StandardWebhooks, Malformation::UnpaddedBase64) => {
                format!("v1,{}", sig.trim_end_matches('='))
            }
            (Scheme::StandardWebhooks, Malformation::JunkCharacters) => format!("v1,{}", junk(&sig)),
            (Scheme::TimestampedHmacSha256, Malformation::NoSeparator) => {
                format!("t={}v1={sig}", msg.timestamp)
            }
            (Scheme::TimestampedHmacSha256, Malformation::JunkCharacters) => {
                format!("t={},v1={}", msg.timestamp, junk(&sig))
            }
            (Scheme::TimestampedHmacSha256, Malformation::NonNumericTimestamp) => {
                format!("t=now{},v1={sig}", msg.timestamp)
            }
            (Scheme::HmacSha256, Malformation::NoSeparator) => format!("sha256{sig}"),
            (Scheme::HmacSha256, Malformation::JunkCharacters) => format!("sha256={}", junk(&sig)),
            // The timestamp header is malformed instead (see `wire`), or the scheme has no such
            // form: the genuine value.
            _ => self.header_value(msg, &[(self.versions().0, sig)]),
        }
    }

    /// Another secret of the same kind, so a "wrong secret" delivery is well-formed.
    fn wrong_key(&self) -> Key {
        match &self.key {
            Key::Bytes(_) => Key::Bytes(rand::random::<[u8; 32]>().to_vec()),
            Key::Static(s) => Key::Static(near_miss(s)),
        }
    }

    /// The wire form of `msg` for a variant.
    pub fn wire(&self, msg: &Message, variant: Variant) -> Wire {
        let mut body = msg.body.clone();
        let signature = self.signature(msg, &body, variant);
        if variant == Variant::TamperedBody {
            body = tamper(&body);
        }
        let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        if self.scheme == Scheme::StandardWebhooks {
            let ts = match variant {
                Variant::Malformed(Malformation::NonNumericTimestamp) => format!("now{}", msg.timestamp),
                _ => msg.timestamp.to_string(),
            };
            headers.push(("webhook-id".to_owned(), msg.id.clone()));
            headers.push(("webhook-timestamp".to_owned(), ts));
        }
        if let Some(sig) = signature {
            headers.push((self.header.clone(), sig));
        }
        Wire { headers, body }
    }
}

/// The secret with its last character changed: the `static-header` "wrong secret", a near
/// miss that catches listeners comparing only a prefix. It gives away almost the whole secret,
/// so it is redacted like the secret itself wherever a listener might echo it.
pub fn near_miss(secret: &Secret) -> Secret {
    let mut v: Vec<char> = secret.expose().chars().collect();
    if let Some(last) = v.last_mut() {
        *last = if *last == 'x' { 'y' } else { 'x' };
    }
    Secret::new(v.into_iter().collect::<String>())
}

/// Changes one digit of the body (the first one), which keeps JSON valid and alters a value
/// the listener would act on; a body without digits gets a trailing space instead.
pub fn tamper(body: &str) -> String {
    match body.char_indices().find(|(_, c)| c.is_ascii_digit()) {
        Some((i, c)) => {
            let new = if c == '9' { '1' } else { char::from(c as u8 + 1) };
            let mut out = String::with_capacity(body.len());
            out.push_str(&body[..i]);
            out.push(new);
            out.push_str(&body[i + 1..]);
            out
        }
        None => format!("{body} "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_the_spec_vector() {
        let key = standard_webhooks_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("key");
        let sig = standard_webhooks_signature(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    /// `test_sign` in the standard-webhooks Rust reference library (libraries/rust/src/lib.rs).
    #[test]
    fn reproduces_the_reference_library_vector() {
        let key = standard_webhooks_key("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").expect("key");
        let sig = standard_webhooks_signature(
            &key,
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1649367553,
            br#"{"email":"test@example.com","username":"test_user"}"#,
        );
        assert_eq!(sig, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
    }

    #[test]
    fn the_prefix_is_optional_and_bad_secrets_are_named_without_echo() {
        assert_eq!(
            standard_webhooks_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            standard_webhooks_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        );
        let err = standard_webhooks_key("whsec_not*base64!").expect_err("bad");
        let text = err.to_string();
        assert!(text.contains("base64"), "{text}");
        assert!(!text.contains("not*base64"), "{text}");
        assert_eq!(standard_webhooks_key("whsec_"), Err(SigningError::EmptyKey));
    }

    #[test]
    fn hmac_sha256_matches_githubs_documented_example() {
        // docs.github.com "Validating webhook deliveries": secret "It's a Secret to Everybody",
        // payload "Hello, World!".
        assert_eq!(
            hmac_sha256_signature(b"It's a Secret to Everybody", b"Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }

    fn msg() -> Message {
        Message { id: "msg_1".into(), timestamp: 1_700_000_000, body: r#"{"n": 41}"#.into() }
    }

    fn header<'a>(w: &'a Wire, name: &str) -> Option<&'a str> {
        w.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    #[test]
    fn variants_differ_from_the_genuine_in_one_respect() {
        let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let s = Signer::new(Scheme::StandardWebhooks, "", &secret).expect("signer");
        let g = s.wire(&msg(), Variant::Genuine);
        let sig = header(&g, "webhook-signature").expect("sig");
        for v in [Variant::ForgedSignature, Variant::WrongSecret] {
            let w = s.wire(&msg(), v);
            assert_eq!(w.body, g.body);
            assert_eq!(header(&w, "webhook-id"), header(&g, "webhook-id"));
            assert_eq!(header(&w, "webhook-timestamp"), header(&g, "webhook-timestamp"));
            let other = header(&w, "webhook-signature").expect("sig");
            assert_ne!(other, sig);
            assert!(other.starts_with("v1,") && other.len() == sig.len(), "{other}");
        }
        let m = s.wire(&msg(), Variant::MissingSignature);
        assert_eq!(header(&m, "webhook-signature"), None);
        assert_eq!(m.headers.len(), g.headers.len() - 1);
        let t = s.wire(&msg(), Variant::TamperedBody);
        assert_eq!(header(&t, "webhook-signature"), Some(sig));
        assert_eq!(t.body, r#"{"n": 51}"#);
    }

    #[test]
    fn static_header_carries_the_secret_and_near_misses_it() {
        let secret = Secret::new("okhi-shared-value");
        let s = Signer::new(Scheme::StaticHeader, "X-OkHi-Secret", &secret).expect("signer");
        let g = s.wire(&msg(), Variant::Genuine);
        assert_eq!(header(&g, "x-okhi-secret"), Some("okhi-shared-value"));
        let w = s.wire(&msg(), Variant::WrongSecret);
        assert_eq!(header(&w, "x-okhi-secret"), Some("okhi-shared-valux"));
        let f = s.wire(&msg(), Variant::ForgedSignature);
        assert_eq!(header(&f, "x-okhi-secret").map(str::len), Some(secret.expose().len()));
        assert!(Signer::new(Scheme::StaticHeader, "X", &Secret::new("a\nb")).is_err());
        assert!(format!("{s:?}").contains("X-OkHi-Secret") && !format!("{s:?}").contains("shared"));
    }

    /// Stripe style: the whole `whsec_…` string is the key, `"{t}.{body}"` the signed string;
    /// rotation and malformed variants keep the `t=` first, as Stripe writes it.
    #[test]
    fn timestamped_scheme_signs_like_stripe() {
        let secret = Secret::new("whsec_test_secret");
        let s = Signer::new(Scheme::TimestampedHmacSha256, "Stripe-Signature", &secret).expect("signer");
        let g = s.wire(&msg(), Variant::Genuine);
        let want = timestamped_signature(b"whsec_test_secret", 1_700_000_000, msg().body.as_bytes());
        assert_eq!(header(&g, "stripe-signature"), Some(want.as_str()));
        assert!(header(&g, "webhook-id").is_none());
        let r = s.wire(&msg(), Variant::ValidAmong(2));
        let v = header(&r, "stripe-signature").expect("sig");
        assert!(v.starts_with("t=1700000000,v1=") && v.ends_with(&want[want.len() - 64..]), "{v}");
        assert_eq!(v.matches("v1=").count(), ROTATION_ENTRIES);
        let u = s.wire(&msg(), Variant::UnknownVersion);
        assert!(header(&u, "stripe-signature").is_some_and(|v| v.contains(",v0=")));
        let m = s.wire(&msg(), Variant::Malformed(Malformation::NonNumericTimestamp));
        assert!(header(&m, "stripe-signature").is_some_and(|v| v.starts_with("t=now")));
    }

    #[test]
    fn standard_rotation_and_malformed_headers() {
        let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let s = Signer::new(Scheme::StandardWebhooks, "", &secret).expect("signer");
        let genuine = header(&s.wire(&msg(), Variant::Genuine), "webhook-signature").expect("sig").to_owned();
        let mid = s.wire(&msg(), Variant::ValidAmong(1));
        let entries: Vec<&str> = header(&mid, "webhook-signature").expect("sig").split(' ').collect();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[1], genuine);
        assert!(entries[0].starts_with("v1,") && entries[0] != genuine);
        let all = s.wire(&msg(), Variant::AllInvalid);
        assert!(!header(&all, "webhook-signature").expect("sig").contains(&genuine));
        let cases = [
            (Malformation::NoSeparator, format!("v1{}", &genuine[3..])),
            (Malformation::UnpaddedBase64, genuine.trim_end_matches('=').to_owned()),
            (Malformation::JunkCharacters, format!("v1,!*{}", &genuine[5..])),
        ];
        for (m, want) in cases {
            assert_eq!(
                header(&s.wire(&msg(), Variant::Malformed(m)), "webhook-signature"),
                Some(want.as_str())
            );
        }
        let ts = s.wire(&msg(), Variant::Malformed(Malformation::NonNumericTimestamp));
        assert_eq!(header(&ts, "webhook-timestamp"), Some("now1700000000"));
    }

    #[test]
    fn tamper_changes_exactly_one_character() {
        assert_eq!(tamper(r#"{"a":"x9"}"#), r#"{"a":"x1"}"#);
        assert_eq!(tamper("{}"), "{} ");
    }
}
