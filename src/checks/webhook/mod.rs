//! Webhook checks: the cockpit delivers signed (and deliberately mis-signed) events to the partner's listener.
