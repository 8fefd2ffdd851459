//! One orderer's submission rules (STEP3 and STEP4): one rule per kind and procurement, a rule
//! names only the orderer's kinds, 電子申請 names its form.

use super::super::{Orderer, RefusedCopy, Step3Submission, Step4Submission, SubmissionMethod, SubmissionRule};

/// Two of `rules` apply to one procurement: no `procurements` means every procurement.
fn overlapping(rules: &[&SubmissionRule]) -> bool {
    rules
        .iter()
        .enumerate()
        .any(|(i, a)| rules[i + 1..].iter().any(|b| a.overlaps(b)))
}

/// Every kind has exactly one rule (or none at all, when the sources do not say); a rule names
/// only the orderer's kinds; 電子申請 names its form.
pub(super) fn validate_submission(o: &Orderer, report: &mut impl FnMut(&str, String, &str)) {
    let rules = &o.submission.rules;
    // Absent (empty): the sources name no document, and the answer says so.
    if o.submission.documents.iter().any(|d| d.trim().is_empty()) {
        report(
            "submission.documents",
            "提出する書類（submission.documents）に空の項目があります".into(),
            "書類名を書いてください（例: [認証キー]）。出典に書類名がなければ documents を削除してください",
        );
    }
    if rules.is_empty() {
        return;
    }
    if o.submission.ask.is_some() {
        report(
            "submission.ask",
            "submission.ask は提出ルール（rules）がないときだけ書きます".into(),
            "問い合わせ先はルールごとの ask に書いてください（rules[].ask）",
        );
    }
    let catch_all = rules.iter().filter(|r| r.guarantee_kinds.is_empty()).count();
    let catch_alls: Vec<&SubmissionRule> = rules.iter().filter(|r| r.guarantee_kinds.is_empty()).collect();
    if overlapping(&catch_alls) {
        report(
            "submission.rules",
            "guarantee_kinds のない提出ルールが二つ以上あります".into(),
            "保証の種類を書かないルール（すべての種類に共通）は一つだけにしてください",
        );
    }
    for kind in &o.guarantee_kinds {
        let naming: Vec<&SubmissionRule> = rules.iter().filter(|r| r.guarantee_kinds.contains(kind)).collect();
        let named = naming.len();
        if overlapping(&naming) {
            report(
                "submission.rules",
                format!("「{kind}」の提出ルールが二つあります"),
                "一つの保証の種類は一つのルールにだけ書いてください",
            );
        }
        if named == 0 && catch_all == 0 {
            report(
                "submission.rules",
                format!("「{kind}」の提出ルール（submission.rules）がありません"),
                "この種類の guarantee_kinds を持つルールを足すか、guarantee_kinds のないルールを一つ書いてください",
            );
        }
    }
    for (i, rule) in rules.iter().enumerate() {
        let field = format!("submission.rules[{i}]");
        for kind in rule.guarantee_kinds.iter().filter(|k| !o.guarantee_kinds.contains(k)) {
            report(
                &field,
                format!("「{kind}」は発注者の guarantee_kinds にありません"),
                "発注者の guarantee_kinds にある種類だけを書いてください",
            );
        }
        let online =
            rule.methods.contains(&SubmissionMethod::OnlineForm) || rule.also.contains(&SubmissionMethod::OnlineForm);
        if online != rule.form.is_some() {
            report(
                &field,
                if online {
                    "電子申請の申請先（form）がありません".into()
                } else {
                    "form は電子申請のときだけ書きます".into()
                },
                "電子申請なら form に name と url を書き、methods に「電子申請」を入れてください",
            );
        }
        if rule.subject.is_some() && !rule.subjects.is_empty() {
            report(
                &field,
                "subject と subjects の両方があります".into(),
                "件名が保証の種類ごとに違うなら subjects だけに、同じなら subject だけにしてください",
            );
        }
        for subject in &rule.subjects {
            for kind in subject.guarantee_kinds.iter().filter(|k| {
                !(if rule.guarantee_kinds.is_empty() {
                    &o.guarantee_kinds
                } else {
                    &rule.guarantee_kinds
                })
                .contains(k)
            }) {
                report(
                    &field,
                    format!("subjects の「{kind}」はこのルールの保証の種類ではありません"),
                    "subjects には、このルールの guarantee_kinds にある種類だけを書いてください",
                );
            }
        }
        if let Some(email) = &rule.email {
            if !email.contains('@') || email.contains(char::is_whitespace) {
                report(
                    &field,
                    format!("「{email}」はメールアドレスではありません"),
                    "例: keiyaku@city.example.lg.jp",
                );
            }
        }
        if o.certificate_refused.contains(&RefusedCopy::Printed)
            && (rule.step3 == Some(Step3Submission::Print) || rule.step4 == Some(Step4Submission::Print))
        {
            report(
                &field,
                "印刷したものを受け付けない（certificate_refused: [印刷]）のに、印刷して提出するルールがあります"
                    .into(),
                "step3・step4 か certificate_refused のどちらかを直してください",
            );
        }
    }
}
