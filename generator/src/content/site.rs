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
    /// What `municipalities.json` says of itself.
    pub open_data: OpenDataTerms,
}

/// The terms of the open data: its title and the licence the site's owner publishes it under.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenDataTerms {
    pub title: String,
    pub license: License,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct License {
    /// As the licence names itself: 「クリエイティブ・コモンズ 表示 4.0 国際」.
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    pub name: String,
    /// How the flyers refer to the issuer (当社).
    pub short_name: String,
    /// Other ways orderers' pages write the company's name (西日本建設業保証(株)): a
    /// `guarantors` entry containing the name or one of these names the issuer.
    #[serde(default)]
    pub aliases: Vec<String>,
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
/// mention on the guidance site names it from here; the verify site (its own small site, on
/// its own origin) carries this operator's identity and nobody else's.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationService {
    pub name: String,
    /// What it is: 発注者用保証確認サービス.
    pub description: String,
    /// Who runs it: the verify site's header and footer name them.
    pub operator: String,
    /// The operator as the diagram abbreviates it.
    pub operator_short: String,
    /// The verify site's public address (its own origin; ending in `/`). The guidance pages
    /// link there; without it they name the service without a link, since no address is known.
    #[serde(default)]
    pub url: Option<String>,
    /// The operator's contact, only what a cited source gives.
    #[serde(default)]
    pub contact: Option<ServiceContact>,
}

/// Where orderers reach the verification service's operator.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceContact {
    /// The operator's web site.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

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
