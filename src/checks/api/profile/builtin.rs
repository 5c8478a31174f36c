//! The profiles embedded in the binary: `generic` (the evidence API's own shape) and one per
//! built-in questionnaire's provider, each stating in its header what comes from the
//! provider's public documentation and what is this imitation's choice.

use super::Profile;

/// Name and TOML text of every built-in profile; `generic` first.
pub const BUILTIN: &[(&str, &str)] = &[
    ("generic", include_str!("../../../../profiles/generic.toml")),
    ("uniwise-wiseflow", include_str!("../../../../profiles/uniwise-wiseflow.toml")),
    ("uniwise-wiseflow-api-key", include_str!("../../../../profiles/uniwise-wiseflow-api-key.toml")),
    ("okra", include_str!("../../../../profiles/okra.toml")),
    ("cobalt", include_str!("../../../../profiles/cobalt.toml")),
    ("okhi", include_str!("../../../../profiles/okhi.toml")),
    ("okendo", include_str!("../../../../profiles/okendo.toml")),
];

/// A built-in profile by name. The texts are tested to parse, so `None` means "no such name".
pub fn builtin(name: &str) -> Option<Profile> {
    let (n, src) = BUILTIN.iter().find(|(n, _)| *n == name)?;
    super::parse(&format!("built-in profile {n}"), n, src).ok()
}

/// The generic profile (today's shape: `/oauth/token` and `GET /items`).
pub fn generic() -> Profile {
    match builtin("generic") {
        Some(p) => p,
        // The embedded text is tested to parse; this only guards against a broken build.
        None => unreachable!("the built-in generic profile parses (tested)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::api::profile::{AuthKind, Pagination};

    #[test]
    fn every_builtin_parses() {
        for (name, src) in BUILTIN {
            let p = super::super::parse(name, name, src);
            assert!(p.is_ok(), "{name}: {p:?}");
        }
        let w = builtin("uniwise-wiseflow").expect("wiseflow");
        assert_eq!(w.base_path, "/v1");
        assert_eq!(w.auth.token_path, "/v1/oauth2/token");
        assert_eq!((w.limit_per_minute, w.limit_per_second), (5000, Some(200)));
        assert!(w.collection_for("/v1/licenses/7/flows").is_some());
        // A trailing slash is the same endpoint, for the token path as for collections.
        assert!(w.is_token_path("/v1/oauth2/token") && w.is_token_path("/v1/oauth2/token/"));
        assert!(!w.is_token_path("/v1/oauth2/token//") && !w.is_token_path("/v1/oauth2/tokens"));
        assert_eq!(w.template_of("/v1/oauth2/token/").as_deref(), Some("/v1/oauth2/token"));
        assert!(w.collection_for("/v1/licenses/7/flows/").is_some());
        assert_eq!(builtin("uniwise-wiseflow-api-key").map(|p| p.auth.kind), Some(AuthKind::ApiKey));
        let g = generic();
        assert_eq!(
            (g.auth.token_path.as_str(), g.collections[0].pagination),
            ("/oauth/token", Pagination::NextUrl)
        );
    }
}
