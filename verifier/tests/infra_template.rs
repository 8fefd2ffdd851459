//! The deployment template agrees with the code: the table the DynamoDB store expects, the
//! permissions it uses, a CDN that lets every API status through, and the verify site on its own
//! host name with the API on its origin.

use std::path::Path;

use serde_yaml::Value;
use verifier::store::{activity_table_name, TABLE_ATTRIBUTES};

fn template() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/template.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn key_schema(table: &Value) -> Vec<(&str, &str)> {
    table["KeySchema"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|k| (k["AttributeName"].as_str().unwrap(), k["KeyType"].as_str().unwrap()))
        .collect()
}

#[test]
fn tables_match_the_dynamodb_store() {
    let t = template();
    let certificates = &t["Resources"]["CertificateTable"]["Properties"];
    let activity = &t["Resources"]["ActivityTable"]["Properties"];
    let (pk, sk, ttl) = TABLE_ATTRIBUTES;
    for table in [certificates, activity] {
        assert_eq!(key_schema(table), vec![(pk, "HASH"), (sk, "RANGE")]);
        assert_eq!(table["BillingMode"].as_str(), Some("PAY_PER_REQUEST"));
        assert_eq!(
            table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"].as_bool(),
            Some(true)
        );
    }
    assert_eq!(activity["TimeToLiveSpecification"]["AttributeName"].as_str(), Some(ttl));
    // The store finds the activity table by the certificates table's name.
    let name = |table: &Value| format!("{:?}", table["TableName"]);
    assert!(name(certificates).contains("${AWS::StackName}-certificates"));
    assert!(name(activity).contains(&activity_table_name("${AWS::StackName}-certificates")));
}

fn policy<'a>(t: &'a Value, name: &str) -> &'a Value {
    t["Resources"]["VerifierRole"]["Properties"]["Policies"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|p| p["PolicyName"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("policy {name}"))
}

/// Least privilege: the function reads certificates and may change only a key hash there; it
/// writes activity; nothing else. The code agrees: the service never inserts or updates a
/// certificate, and the one certificate write it makes sets `key_hash` alone.
#[test]
fn the_function_may_do_exactly_what_the_service_does() {
    let t = template();
    let certificates = policy(&t, "certificate-table")["PolicyDocument"]["Statement"]
        .as_sequence()
        .unwrap();
    let actions: Vec<Vec<String>> = certificates.iter().map(|s| strings(&s["Action"])).collect();
    assert_eq!(actions, [vec!["dynamodb:GetItem"], vec!["dynamodb:UpdateItem"]]);
    assert_eq!(
        strings(&certificates[1]["Condition"]["ForAllValues:StringEquals"]["dynamodb:Attributes"]),
        ["PK", "SK", "key_hash"]
    );
    let mut activity = strings(&policy(&t, "activity-table")["PolicyDocument"]["Statement"][0]["Action"]);
    activity.sort();
    assert_eq!(
        activity,
        ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    );

    let source = |file: &str| std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    let service = source("src/service.rs");
    for admin_only in [".insert(", ".update(", ".audit_history("] {
        assert!(!service.contains(admin_only), "the service calls {admin_only}");
    }
    let dynamo = source("src/store/dynamo/mod.rs") + &source("src/store/dynamo/activity.rs");
    let swap = dynamo
        .split("async fn swap_key_hash")
        .nth(1)
        .unwrap()
        .split("async fn ")
        .next()
        .unwrap();
    assert!(
        swap.contains("\"SET key_hash = :new\""),
        "re-hashing writes key_hash only"
    );
    for admin_only in [".scan()", ".delete_item()", ".batch_write_item()"] {
        assert!(!dynamo.contains(admin_only), "{admin_only} would need a wider policy");
    }
}

#[test]
fn the_cdn_never_rewrites_an_api_status() {
    let t = template();
    let config = &t["Resources"]["VerifyDistribution"]["Properties"]["DistributionConfig"];
    let codes: Vec<u64> = config["CustomErrorResponses"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|r| r["ErrorCode"].as_u64().unwrap())
        .collect();
    assert_eq!(codes, vec![403], "only S3's 403 for a missing page is rewritten");
}

/// Secrets are never in the function's environment; the function may read exactly its secret;
/// CloudFront sends the origin secret from that secret and forwards the viewer's address.
#[test]
fn secrets_stay_in_secrets_manager_and_the_api_is_reached_only_through_the_cdn() {
    let t = template();
    let env = &t["Resources"]["VerifierFunction"]["Properties"]["Environment"]["Variables"];
    for secret in verifier::secrets::SECRET_VARIABLES {
        assert!(env.get(*secret).is_none(), "{secret} in the function's environment");
    }
    assert!(env.get("VERIFIER_SECRET_ARN").is_some());
    let policies = t["Resources"]["VerifierRole"]["Properties"]["Policies"]
        .as_sequence()
        .unwrap();
    let secret_policy = policies
        .iter()
        .find(|p| p["PolicyName"].as_str() == Some("deployment-secret"))
        .expect("a policy for the secret");
    assert_eq!(
        strings(&secret_policy["PolicyDocument"]["Statement"][0]["Action"]),
        ["secretsmanager:GetSecretValue"]
    );
    let origins = t["Resources"]["VerifyDistribution"]["Properties"]["DistributionConfig"]["Origins"]
        .as_sequence()
        .unwrap();
    let api = origins.iter().find(|o| o["Id"].as_str() == Some("api")).unwrap();
    let header = &api["OriginCustomHeaders"][0];
    assert_eq!(header["HeaderName"].as_str(), Some("X-Origin-Verify"));
    assert!(format!("{:?}", header["HeaderValue"]).contains("SecretString:origin_secret"));
    let forwarded = strings(
        &t["Resources"]["ApiOriginRequestPolicy"]["Properties"]["OriginRequestPolicyConfig"]["HeadersConfig"]
            ["Headers"],
    );
    assert!(forwarded.contains(&"CloudFront-Viewer-Address".to_string()));
    assert!(format!("{:?}", api["DomainName"]).contains("ApiDomainName"));
}

/// Attack 4: the execute-api endpoint was on unless a domain was given. It is off by default:
/// only an explicit `ExecuteApiEndpoint: enabled` turns it on, and while it is off the stack
/// cannot be created without the API's own domain and certificate.
#[test]
fn the_execute_api_endpoint_is_disabled_by_default() {
    let t = template();
    let parameter = &t["Parameters"]["ExecuteApiEndpoint"];
    assert_eq!(parameter["Default"].as_str(), Some("disabled"));
    let disabled = format!(
        "{:?}",
        t["Resources"]["HttpApi"]["Properties"]["DisableExecuteApiEndpoint"]
    );
    assert!(
        disabled.contains("ExecuteApiEnabled") && disabled.contains("Bool(false), Bool(true)"),
        "{disabled}"
    );
    assert_eq!(
        format!("{:?}", t["Conditions"]["ExecuteApiEnabled"]),
        format!(
            "{:?}",
            serde_yaml::from_str::<Value>("!Equals [!Ref ExecuteApiEndpoint, enabled]").unwrap()
        )
    );
    let rule = format!("{:?}", t["Rules"]["ApiDomainWhenExecuteApiIsDisabled"]);
    assert!(
        rule.contains("ApiDomainName") && rule.contains("ApiCertificateArn"),
        "{rule}"
    );
}

/// Attack 6: the CDN's `/api/*` behaviour sent no HSTS. Every behaviour has a response-headers
/// policy with Strict-Transport-Security.
#[test]
fn every_cdn_behaviour_sends_hsts() {
    let t = template();
    let mut behaviours = Vec::new();
    for distribution in ["Distribution", "VerifyDistribution"] {
        let config = &t["Resources"][distribution]["Properties"]["DistributionConfig"];
        behaviours.push(&config["DefaultCacheBehavior"]);
        behaviours.extend(config["CacheBehaviors"].as_sequence().into_iter().flatten());
    }
    assert_eq!(behaviours.len(), 3, "two sites and the API");
    for behaviour in behaviours {
        let reference = format!("{:?}", behaviour["ResponseHeadersPolicyId"]);
        let name = reference
            .split('"')
            .nth(1)
            .unwrap_or_else(|| panic!("{:?} has no response-headers policy", behaviour["PathPattern"]));
        let hsts = &t["Resources"][name]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
            ["StrictTransportSecurity"];
        assert!(
            hsts["AccessControlMaxAgeSec"].as_u64().unwrap_or(0) >= 31_536_000,
            "{name}: HSTS of a year or more"
        );
        assert_eq!(hsts["Override"].as_bool(), Some(true), "{name}");
    }
}

/// Attack 4: 50 reserved runs each held 2 s by a sleeping refusal, and a stage limit of 50 a
/// second shared by everyone. The limits are now sized against each other: the stage admits
/// what the function's runs serve (at the design figure of 40 ms a look-up, nothing held), and
/// exhausting the stage takes 1,000 addresses each at the WAF's per-address limit.
#[test]
fn concurrency_stage_and_edge_limits_are_sized_against_each_other() {
    const DESIGN_LOOK_UP_SECS: f64 = 0.04;
    let t = template();
    let concurrency = t["Resources"]["VerifierFunction"]["Properties"]["ReservedConcurrentExecutions"]
        .as_u64()
        .unwrap() as f64;
    let stage = &t["Resources"]["HttpApiStage"]["Properties"]["DefaultRouteSettings"];
    let rate = stage["ThrottlingRateLimit"].as_f64().unwrap();
    let burst = stage["ThrottlingBurstLimit"].as_f64().unwrap();
    let rule = &t["Resources"]["ApiWebAcl"]["Properties"]["Rules"][0]["Statement"]["RateBasedStatement"];
    let per_address = rule["Limit"].as_f64().unwrap() / rule["EvaluationWindowSec"].as_f64().unwrap();
    assert!(
        concurrency / DESIGN_LOOK_UP_SECS >= rate,
        "the runs serve what the stage admits"
    );
    assert!(burst >= rate, "a burst is at least a second's worth");
    assert!(
        rate / per_address >= 1_000.0,
        "{} addresses at the WAF's limit fill the stage",
        rate / per_address
    );
    let timeout = t["Resources"]["VerifierFunction"]["Properties"]["Timeout"]
        .as_u64()
        .unwrap();
    let integration = t["Resources"]["HttpApiIntegration"]["Properties"]["TimeoutInMillis"]
        .as_u64()
        .unwrap();
    assert!(integration <= timeout * 1000);
    // No refusal is held inside the function: the service has no sleep.
    let service = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/service.rs")).unwrap();
    assert!(!service.contains("sleep("), "the service never sleeps");
}

/// Attack 6: audit records are written only where none is (`attribute_not_exists`), so the
/// function's PutItem can never overwrite one.
#[test]
fn audit_writes_never_overwrite() {
    let read = |file: &str| std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    let dynamo = read("src/store/dynamo/mod.rs") + &read("src/store/dynamo/activity.rs");
    let append = dynamo
        .split("async fn put_audit")
        .nth(1)
        .unwrap()
        .split("async fn ")
        .next()
        .unwrap();
    assert!(
        append.contains(".condition_expression(\"attribute_not_exists(SK)\")"),
        "{append}"
    );
    assert_eq!(
        dynamo.matches(".put_item()").count(),
        2,
        "the certificate's insert and the audit record"
    );
}

/// Guessing on one number raises an alarm; the edge limits requests per IP on the API.
#[test]
fn guessing_alarms_and_the_edge_limits_each_address() {
    let t = template();
    let filter = &t["Resources"]["GuessingMetricFilter"]["Properties"];
    assert_eq!(
        filter["FilterPattern"].as_str(),
        Some("{ $.fields.alert = \"guessing\" }")
    );
    let service = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/service.rs")).unwrap();
    assert!(
        service.contains("alert = \"guessing\""),
        "the service logs what the filter matches"
    );
    assert_eq!(
        t["Resources"]["GuessingAlarm"]["Properties"]["MetricName"],
        filter["MetricTransformations"][0]["MetricName"]
    );
    let rule = &t["Resources"]["ApiWebAcl"]["Properties"]["Rules"][0]["Statement"]["RateBasedStatement"];
    assert_eq!(rule["AggregateKeyType"].as_str(), Some("IP"));
    assert_eq!(
        rule["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"].as_str(),
        Some("/api/")
    );
}

fn distribution<'a>(t: &'a Value, name: &str) -> &'a Value {
    &t["Resources"][name]["Properties"]["DistributionConfig"]
}

fn origin_ids(config: &Value) -> Vec<String> {
    config["Origins"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|o| o["Id"].as_str().unwrap().to_string())
        .collect()
}

/// The verify site is served from its own origin — its own distribution, bucket and host name
/// — with the API on that origin (its page posts to `/api/verify` there); the guidance site's
/// distribution serves the guidance bucket alone, with no API behind it.
#[test]
fn the_verify_site_has_its_own_host_name_with_the_api_on_its_origin() {
    let t = template();
    let guidance = distribution(&t, "Distribution");
    let verify = distribution(&t, "VerifyDistribution");
    assert_eq!(origin_ids(guidance), ["site"]);
    assert!(
        guidance.get("CacheBehaviors").is_none(),
        "no /api/* on the guidance site"
    );
    assert_eq!(origin_ids(verify), ["verify-site", "api"]);
    assert_eq!(
        verify["DefaultCacheBehavior"]["TargetOriginId"].as_str(),
        Some("verify-site")
    );
    let api = &verify["CacheBehaviors"][0];
    assert_eq!(api["PathPattern"].as_str(), Some("/api/*"));
    assert_eq!(api["TargetOriginId"].as_str(), Some("api"));
    assert!(format!("{:?}", verify["Aliases"]).contains("VerifyDomainName"));
    assert!(format!("{:?}", verify["ViewerCertificate"]).contains("VerifyCertificateArn"));
    // Each bucket is read by its own distribution only.
    let bucket = |origin: &Value| format!("{:?}", origin["Origins"][0]["DomainName"]);
    assert!(bucket(guidance).contains("\"SiteBucket.RegionalDomainName\""));
    assert!(bucket(verify).contains("\"VerifySiteBucket.RegionalDomainName\""));
    let reader = |policy: &str| {
        format!(
            "{:?}",
            t["Resources"][policy]["Properties"]["PolicyDocument"]["Statement"][0]["Condition"]
        )
    };
    assert!(reader("SiteBucketPolicy").contains("distribution/${Distribution}"));
    assert!(reader("VerifySiteBucketPolicy").contains("distribution/${VerifyDistribution}"));
    // The edge limit per address guards the API where it is.
    assert!(format!("{:?}", verify["WebACLId"]).contains("ApiWebAcl"));
    assert!(guidance.get("WebACLId").is_none());
    // The address site.yaml gives the guidance pages is an output.
    assert!(format!("{:?}", t["Outputs"]["VerifySiteUrl"]["Value"]).contains("VerifyDomainName"));
}
