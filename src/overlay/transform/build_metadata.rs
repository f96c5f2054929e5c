//! `buildMetadata`: managed-by label, origin and transformer annotations.
