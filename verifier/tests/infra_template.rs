//! The deployment template agrees with the code: the table the DynamoDB store expects, the
//! permissions it uses, and a CDN that lets every API status through.

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
    let dynamo = source("src/store/dynamo.rs");
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
    let config = &t["Resources"]["Distribution"]["Properties"]["DistributionConfig"];
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
    let origins = t["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["Origins"]
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
    // With a domain for the API origin, the execute-api endpoint is switched off.
    let disabled = format!(
        "{:?}",
        t["Resources"]["HttpApi"]["Properties"]["DisableExecuteApiEndpoint"]
    );
    assert!(
        disabled.contains("HasApiDomain") && disabled.contains("Bool(true)"),
        "{disabled}"
    );
    assert!(format!("{:?}", api["DomainName"]).contains("ApiDomainName"));
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
