//! Every error the verifier reports to a person, with its Japanese wording in one place: the
//! crate's [`Error`] (administrators and operators: the CLI, start-up, configuration) and
//! [`FieldError`] (an orderer's request field, answered as JSON). Store failures are
//! [`StoreError`]: logged, and turned into a 503 or into [`Error::Store`].

use std::path::PathBuf;

use thiserror::Error;

use crate::normalize::CertificateNumber;
pub use crate::store::StoreError;

/// Bounds of a typed certificate number and of any raw field, as the messages state them.
pub const MIN_NUMBER: usize = 6;
pub const MAX_NUMBER: usize = 20;
pub const MAX_RAW_CHARS: usize = 100;

/// The two fields of a look-up, by their JSON names and by what an orderer calls them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    CertificateNumber,
    AuthKey,
}

impl Field {
    /// The request's JSON field (`error.field` in an answer).
    pub fn name(self) -> &'static str {
        match self {
            Field::CertificateNumber => "certificate_number",
            Field::AuthKey => "auth_key",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::CertificateNumber => "保証契約番号",
            Field::AuthKey => "認証キー",
        }
    }
}

/// What was wrong with a request field, in words for the orderer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FieldError {
    #[error("{}がありません", .0.label())]
    Missing(Field),
    #[error("{}は文字列で送ってください", .0.label())]
    NotAString(Field),
    #[error("入力が長すぎます（{}文字まで）", MAX_RAW_CHARS)]
    TooLong(Field),
    #[error("{}を入力してください", .0.label())]
    Empty(Field),
    #[error("{}に使えない文字「{}」が含まれています", .0.label(), .1)]
    Forbidden(Field, char),
    #[error("保証契約番号は英数字{}〜{}文字です（ハイフンを除いて{}文字でした）", MIN_NUMBER, MAX_NUMBER, .0)]
    NumberLength(usize),
    #[error("認証キーは英数字{}文字です（ハイフンを除いて{}文字でした）", crate::keys::KEY_LENGTH, .0)]
    KeyLength(usize),
}

impl FieldError {
    pub fn field(&self) -> Field {
        match self {
            FieldError::Missing(field)
            | FieldError::NotAString(field)
            | FieldError::TooLong(field)
            | FieldError::Empty(field)
            | FieldError::Forbidden(field, _) => *field,
            FieldError::NumberLength(_) => Field::CertificateNumber,
            FieldError::KeyLength(_) => Field::AuthKey,
        }
    }
}

/// The crate's error: what an administrator or operator reads after `エラー: `.
#[derive(Debug, Error)]
pub enum Error {
    // --- admin commands
    #[error("保証契約番号 {0} は登録済みです")]
    AlreadyRegistered(CertificateNumber),
    #[error(
        "保証契約番号 {0} は登録済みで、内容がファイルと違います（別の証書に同じ番号を付けていないか確かめてください）"
    )]
    RegisteredDifferently(CertificateNumber),
    #[error("保証契約番号 {0} は登録されていません")]
    NotRegistered(CertificateNumber),
    #[error("ほかの変更と重なりました。もう一度実行してください")]
    Contention,
    #[error("乱数を取得できません: {0}")]
    Random(getrandom::Error),
    #[error("状態「{0}」はありません（有効・変更あり・解約・失効）")]
    UnknownStatus(String),
    #[error("日付「{0}」は YYYY-MM-DD の日付ではありません（例: 2026-06-30）")]
    InvalidDate(String),
    #[error("{0}")]
    Field(#[from] FieldError),
    #[error("{} 件目（保証契約番号 {number}）: {problem}", .entry)]
    Entry {
        entry: usize,
        number: String,
        problem: Box<Error>,
    },
    #[error("{} 件目と {} 件目の保証契約番号 {number} が重なっています", .first, .second)]
    DuplicateInFile {
        first: usize,
        second: usize,
        number: CertificateNumber,
    },
    #[error("取り込めない証書があるため、何も登録していません:\n{}", .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    NothingImported(Vec<Error>),
    #[error("{number} は登録しましたが、認証キーを出力できませんでした（{source}）。reissue {number} で新しいキーを発行してください")]
    KeyNotPrinted {
        number: CertificateNumber,
        source: std::io::Error,
    },
    #[error("出力できません: {0}")]
    Output(#[source] std::io::Error),
    #[error("お知らせの出力先 {} を作れません・読めません: {source}", path.display())]
    NoticeDir { path: PathBuf, source: std::io::Error },
    #[error("お知らせの出力先 {} は所有者以外も読めるか、ディレクトリではありません（ヒント: chmod 700 {}）", .0.display(), .0.display())]
    NoticeDirOpen(PathBuf),
    #[error("お知らせのフォント {} を読めません: {source}（ヒント: Debian の fonts-ipafont-gothic を入れるか、--notice-font でフォントファイルを指定してください）", path.display())]
    NoticeFont { path: PathBuf, source: std::io::Error },
    #[error("お知らせのフォント {} は TrueType/OpenType として読めません（--notice-font で別のフォントを指定してください）", .0.display())]
    NoticeFontUnusable(PathBuf),
    #[error("お知らせの PDF を作れません: {0}")]
    NoticePdf(String),
    #[error("お知らせ {} を書けません（同じ名前のファイルがあれば上書きしません）: {source}", path.display())]
    NoticeWrite { path: PathBuf, source: std::io::Error },
    #[error("お知らせに載せる確認サービスの URL がありません（ヒント: --verify-url か site.yaml の verification_service.url で指定してください）")]
    NoticeNoVerifyUrl,
    #[error("{} を読めません: {message}", path.display())]
    SiteConfig { path: PathBuf, message: String },
    #[error("create-table は --store dynamodb で使います")]
    CreateTableNeedsDynamodb,
    #[error("ストアを使えません: {0}")]
    Store(#[from] StoreError),

    // --- files
    #[error("{}: {source}", .path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", .path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{}: {message}", .path.display())]
    Yaml { path: PathBuf, message: String },
    #[error("証書ファイルを読めません: {}: {} 件目: {problem}", .path.display(), .entry)]
    CertificatesFile {
        path: PathBuf,
        entry: usize,
        problem: String,
    },
    #[error("{} にサイトがありません。先に generator build を実行してください", .0.display())]
    NoSite(PathBuf),

    // --- configuration and secrets
    #[error("{name}「{text}」は正の整数ではありません")]
    NotAnInteger { name: &'static str, text: String },
    #[error("{name}「{text}」は大きすぎます")]
    TooLarge { name: &'static str, text: String },
    #[error("peppers は id=secret をカンマで区切って書きます")]
    PepperSyntax,
    #[error("pepper id「{0}」は英数字で書いてください")]
    PepperId(String),
    #[error("pepper「{id}」が短すぎます（{min}バイト以上）")]
    PepperTooShort { id: String, min: usize },
    #[error("pepper id「{0}」が重複しています")]
    PepperDuplicate(String),
    #[error("pepper がありません")]
    NoPepper,
    #[error("caller_key が短すぎます（{0}バイト以上）")]
    CallerKeyTooShort(usize),
    #[error("開発用の pepper は本番（Lambda、--store dynamodb）では使えません。本番用の pepper を設定してください")]
    DevelopmentPepper,
    #[error("origin_secret は16文字以上にしてください")]
    OriginSecretTooShort,
    #[error("秘密がありません。--secret-file（所有者だけが読める JSON ファイル）か --secret-arn（Secrets Manager）で peppers を渡してください。本番（--store dynamodb）では必須です")]
    MissingSecret,
    #[error("シークレットに caller_key がありません（32バイト以上、pepper とは別の秘密）。サーバーには必須です")]
    MissingCallerKey,
    #[error("Lambda のシークレットに origin_secret がありません（CloudFront が X-Origin-Verify に付ける値）。Lambda では必須です")]
    MissingOriginSecret,
    #[error("{0} が環境変数にあります。秘密は --secret-file（所有者だけが読めるファイル）か --secret-arn（Lambda は VERIFIER_SECRET_ARN）で渡してください。環境変数はシェルの履歴や関数の設定に残ります")]
    SecretInEnvironment(&'static str),
    #[error("{name} は廃止しました。{instead} を使ってください")]
    RetiredVariable { name: &'static str, instead: &'static str },
    #[error("VERIFIER_TRUSTED_PROXIES の「{0}」はアドレスでも CIDR（例: 10.0.0.0/8）でもありません")]
    InvalidProxy(String),
    #[error("{}: 所有者以外も読めます（{:o}）。chmod 600 {} としてください", .path.display(), .mode, .path.display())]
    SecretFilePermissions { path: PathBuf, mode: u32 },
    #[error("シークレットの形式が違います（{{\"peppers\": …, \"caller_key\": …, \"origin_secret\": …}}）: {0}")]
    SecretFormat(String),
    #[error("Secrets Manager から {id} を読めません: {message}")]
    SecretFetch { id: String, message: String },
    #[error("シークレット {0} に文字列がありません")]
    SecretEmpty(String),
    #[error("{0}")]
    Serve(std::io::Error),
    #[error("{addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
}

impl Error {
    /// The error of one entry of a file of certificates (its position counted from 1).
    pub fn in_entry(self, entry: usize, number: &str) -> Error {
        Error::Entry {
            entry,
            number: number.to_string(),
            problem: Box::new(self),
        }
    }
}
