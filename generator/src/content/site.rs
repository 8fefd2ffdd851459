//! `content/site.yaml`: the facts every page shares — the surety company, its application
//! service, the orderers' verification service and the manual video.

use serde::{Deserialize, Serialize};

/// `content/site.yaml`: facts every page shares.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute, ending in `/`.
    pub base_url: String,
    pub issuer: Issuer,
    pub application_service: ApplicationService,
    pub verification_service: VerificationService,
    pub manual_video: ManualVideo,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    pub name: String,
    /// How the flyers refer to the issuer (当社).
    pub short_name: String,
    /// The company's web site: the contact every page gives.
    pub url: String,
    /// A telephone number for enquiries, only when a cited source gives it.
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationService {
    pub name: String,
    pub description: String,
}

/// The one service through which orderers view certificates (D-Sure in the flyers). Every
/// mention on the site names it from here and links to it.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationService {
    pub name: String,
    /// What it is: 発注者用保証確認サービス.
    pub description: String,
    pub operator: String,
    /// The operator as the diagram abbreviates it.
    pub operator_short: String,
    /// Where it is published. Without it, this site's `verify/` page (served with the API by
    /// `verifier`) is the service; with it, every link goes there and `verify/` is not built.
    #[serde(default)]
    pub url: Option<String>,
}

/// The path of this site's own verification page.
pub const VERIFY_PATH: &str = "verify/";

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualVideo {
    /// The video's title as the company's site lists it.
    pub title: String,
    /// The video's own page, when a source gives it. Without it the QR code leads to the
    /// company's site and the page says where there to find the video.
    #[serde(default)]
    pub page: Option<String>,
}
