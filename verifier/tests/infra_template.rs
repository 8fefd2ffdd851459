//! The deployment template agrees with the code: the table the DynamoDB store expects, the
//! permissions it uses, and a CDN that lets every API status through.

use std::path::Path;

use serde_yaml::Value;
use verifier::store::TABLE_ATTRIBUTES;

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

#[test]
fn table_matches_the_dynamodb_store() {
    let t = template();
    let table = &t["Resources"]["CertificateTable"]["Properties"];
    let (pk, sk, ttl) = TABLE_ATTRIBUTES;
    let keys: Vec<(&str, &str)> = table["KeySchema"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|k| (k["AttributeName"].as_str().unwrap(), k["KeyType"].as_str().unwrap()))
        .collect();
    assert_eq!(keys, vec![(pk, "HASH"), (sk, "RANGE")]);
    assert_eq!(table["TimeToLiveSpecification"]["AttributeName"].as_str(), Some(ttl));
    assert_eq!(table["BillingMode"].as_str(), Some("PAY_PER_REQUEST"));
    assert_eq!(
        table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"].as_bool(),
        Some(true)
    );
}

#[test]
fn the_function_may_do_exactly_what_the_store_does() {
    let t = template();
    let statement = &t["Resources"]["VerifierRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0];
    let mut actions = strings(&statement["Action"]);
    actions.sort();
    assert_eq!(
        actions,
        [
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:UpdateItem"
        ]
    );
    let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/dynamo.rs")).unwrap();
    // Everything but `create_table`, which only the admin CLI runs against a local server.
    let verifier_calls = source.split("pub async fn create_table").next().unwrap().to_string()
        + source.split("impl CertificateStore for DynamoStore").nth(1).unwrap();
    for call in [".get_item()", ".put_item()", ".update_item()", ".query()"] {
        assert!(verifier_calls.contains(call), "{call}");
    }
    for admin_only in [".scan()", ".delete_item()", ".batch_write_item()"] {
        assert!(
            !verifier_calls.contains(admin_only),
            "{admin_only} would need a wider policy"
        );
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
