//! The evidence API: a scripted imitation of the provider's API that journals and judges the partner's client.
