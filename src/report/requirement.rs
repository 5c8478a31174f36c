//! Each check's requirement sentence for the remediation list, from its registry descriptor;
//! an id this build does not know still reads as a requirement.

use crate::checks::CheckId;

/// The requirement a failed check shows the integration does not meet yet.
pub fn requirement(check: &str) -> String {
    match CheckId::parse(check) {
        Some(id) => id.descriptor().requirement.to_owned(),
        None => format!("The integration must pass the {check} check."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::CheckId;

    #[test]
    fn every_catalogue_check_has_its_own_requirement() {
        for c in CheckId::ALL {
            let r = requirement(c.as_str());
            assert!(r.contains(" must "), "{c}: {r}");
            assert!(!r.contains(c.as_str()), "{c} falls back to the generic wording: {r}");
        }
    }

    #[test]
    fn unknown_checks_still_read_as_requirements() {
        assert_eq!(requirement("future.check"), "The integration must pass the future.check check.");
    }
}
