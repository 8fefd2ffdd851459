use serde::{Deserialize, Serialize};

/// `content/site.yaml`: facts every page shares.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute, ending in `/`.
    pub base_url: String,
    pub issuer: Issuer,
    pub application_service: ApplicationService,
    pub viewer_service: ViewerService,
    pub manual_video: ManualVideo,
    /// Relative to `base_url`, ending in `/`.
    pub verify_path: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    pub name: String,
    /// How the flyers refer to the issuer (当社).
    pub short_name: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationService {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ViewerService {
    pub name: String,
    pub description: String,
    pub operator: String,
    pub operator_short: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ManualVideo {
    pub url: String,
    pub title: String,
}
