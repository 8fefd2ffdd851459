//! Japanese command-line texts for clap, shared by the project's programs (`generator`,
//! `verifier`): the help layout and headings, the built-in `--help` / `--version` flags, the
//! usage line and the error messages. clap's own texts are English and not configurable one by
//! one, so the help template, the built-in flags and the error formatter are replaced here.

use std::error::Error as _;
use std::fmt::Write as _;

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, Error, ErrorFormatter, ErrorKind};
use clap::{Arg, ArgAction, Command, Parser};

const HELP_TEMPLATE: &str = "{about-with-newline}\n使い方: {usage}\n\n{all-args}{after-help}";
const OPTIONS_HEADING: &str = "オプション";
const ARGUMENTS_HEADING: &str = "引数";
const COMMANDS_HEADING: &str = "コマンド";

/// Parses the process's arguments into `P` with Japanese help and errors; on an error (or
/// `--help`, `--version`) it prints and exits as clap does (status 2 for a usage error).
pub fn parse<P: Parser>() -> P {
    try_parse_from(std::env::args_os()).unwrap_or_else(|error| error.exit())
}

/// [`parse`] over given arguments, returning clap's error (already in Japanese) instead of exiting.
pub fn try_parse_from<P, I, T>(args: I) -> Result<P, Error<Japanese>>
where
    P: Parser,
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut command = localize(P::command());
    let matches = command
        .try_get_matches_from_mut(args)
        .map_err(Error::apply::<Japanese>)?;
    P::from_arg_matches(&matches).map_err(|error| error.format(&mut command).apply::<Japanese>())
}

/// The same command with every English text clap would print replaced, recursively.
pub fn localize(command: Command) -> Command {
    let path = command.get_name().to_string();
    localize_at(command, &path)
}

fn localize_at(command: Command, path: &str) -> Command {
    let has_version = command.get_version().is_some();
    let mut command = command
        .help_template(HELP_TEMPLATE)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading(COMMANDS_HEADING)
        .subcommand_value_name(COMMANDS_HEADING)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("このヘルプを表示します"),
        );
    if has_version {
        command = command.arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("バージョンを表示します"),
        );
    }
    let command = command.mut_args(|arg| {
        if arg.get_help_heading().is_some() {
            arg
        } else if arg.is_positional() {
            arg.help_heading(ARGUMENTS_HEADING)
        } else {
            arg.help_heading(OPTIONS_HEADING)
        }
    });
    let usage = usage_line(&command, path);
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    let mut command = command.override_usage(usage);
    for name in names {
        let sub_path = format!("{path} {name}");
        command = command.mut_subcommand(&name, |sub| localize_at(sub, &sub_path));
    }
    command
}

/// `verifier set-status [オプション] <保証契約番号> <状態>`: clap's own usage says `[OPTIONS]`.
fn usage_line(command: &Command, path: &str) -> String {
    let mut usage = format!("{path} [{OPTIONS_HEADING}]");
    for arg in command.get_positionals() {
        let name = arg
            .get_value_names()
            .and_then(|names| names.first())
            .map(|n| n.to_string())
            .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
        if arg.is_required_set() {
            let _ = write!(usage, " <{name}>");
        } else {
            let _ = write!(usage, " [{name}]");
        }
    }
    if command.has_subcommands() {
        let _ = write!(usage, " <{COMMANDS_HEADING}>");
    }
    usage
}

/// clap's error messages in Japanese, with the usage line and where to read more.
pub struct Japanese;

impl ErrorFormatter for Japanese {
    fn format_error(error: &Error<Self>) -> StyledStr {
        let text = |kind| error.get(kind).map(ContextValue::to_string).unwrap_or_default();
        let arg = text(ContextKind::InvalidArg);
        let value = text(ContextKind::InvalidValue);
        let mut message = match error.kind() {
            ErrorKind::InvalidValue if value.is_empty() => format!("{arg} に値を指定してください"),
            ErrorKind::InvalidValue => format!("{arg} に「{value}」は指定できません"),
            ErrorKind::UnknownArgument => format!("不明な引数「{arg}」があります"),
            ErrorKind::InvalidSubcommand => {
                format!("不明なコマンド「{}」です", text(ContextKind::InvalidSubcommand))
            }
            ErrorKind::NoEquals => format!("{arg} の値は「=」でつないで書いてください"),
            ErrorKind::ValueValidation => {
                let reason = error.source().map(|s| s.to_string()).unwrap_or_default();
                format!("{arg} の値「{value}」が正しくありません: {reason}")
            }
            ErrorKind::TooManyValues => format!("{arg} の値「{value}」が多すぎます"),
            ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
                format!("{arg} の値の数が違います")
            }
            ErrorKind::ArgumentConflict => {
                format!("{arg} は {} と同時に指定できません", text(ContextKind::PriorArg))
            }
            ErrorKind::MissingRequiredArgument => format!("必須の引数がありません: {arg}"),
            ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                "コマンドを指定してください".to_string()
            }
            ErrorKind::Io | ErrorKind::Format => format!(
                "出力できません: {}",
                error.source().map(|s| s.to_string()).unwrap_or_default()
            ),
            _ => "引数が正しくありません".to_string(),
        };
        for (kind, label) in [
            (ContextKind::ValidValue, "使える値"),
            (ContextKind::ValidSubcommand, "使えるコマンド"),
        ] {
            if let Some(ContextValue::Strings(values)) = error.get(kind) {
                let _ = write!(message, "（{label}: {}）", values.join(", "));
            }
        }
        for kind in [
            ContextKind::SuggestedArg,
            ContextKind::SuggestedSubcommand,
            ContextKind::SuggestedValue,
        ] {
            let suggestion = text(kind);
            if !suggestion.is_empty() {
                let _ = write!(message, "\nヒント: 「{suggestion}」の書き間違いではありませんか");
            }
        }
        let mut out = format!("エラー: {message}\n");
        let usage = text(ContextKind::Usage);
        if let Some(usage) = usage.trim().strip_prefix("Usage:") {
            let _ = write!(out, "\n使い方: {}\n", usage.trim());
        }
        out.push_str("\n詳しくは --help をご覧ください\n");
        StyledStr::from(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Subcommand;

    #[derive(Parser, Debug)]
    #[command(name = "tool", version, about = "道具です")]
    struct Cli {
        /// 詳しく表示します
        #[arg(long, global = true)]
        verbose: bool,
        #[command(subcommand)]
        command: Sub,
    }

    #[derive(Subcommand, Debug)]
    enum Sub {
        /// 状態を変えます
        SetStatus {
            /// 保証契約番号
            #[arg(value_name = "保証契約番号")]
            number: String,
            /// 種類
            #[arg(long, value_parser = ["a", "b"])]
            kind: Option<String>,
            /// 日付
            #[arg(long, value_parser = |t: &str| if t.len() == 10 { Ok(t.to_string()) } else { Err("YYYY-MM-DD で書いてください".to_string()) })]
            date: Option<String>,
        },
    }

    fn error_text(args: &[&str]) -> (ErrorKind, String) {
        let error = try_parse_from::<Cli, _, _>(args.iter().copied()).unwrap_err();
        (error.kind(), error.render().to_string())
    }

    fn assert_no_english(text: &str) {
        for english in [
            "Usage",
            "Options",
            "Arguments",
            "Commands",
            "Print",
            "error:",
            "For more",
            "[OPTIONS]",
            "COMMAND",
        ] {
            assert!(!text.contains(english), "「{english}」が残っています:\n{text}");
        }
    }

    #[test]
    fn help_is_japanese_at_every_level() {
        let (kind, root) = error_text(&["tool", "--help"]);
        assert_eq!(kind, ErrorKind::DisplayHelp);
        assert!(root.contains("使い方: tool [オプション] <コマンド>"), "{root}");
        assert!(
            root.contains("コマンド:") && root.contains("set-status  状態を変えます"),
            "{root}"
        );
        assert!(
            root.contains("-h, --help") && root.contains("このヘルプを表示します"),
            "{root}"
        );
        assert!(root.contains("バージョンを表示します"), "{root}");
        assert_no_english(&root);
        let (_, sub) = error_text(&["tool", "set-status", "--help"]);
        assert!(
            sub.contains("使い方: tool set-status [オプション] <保証契約番号>"),
            "{sub}"
        );
        assert!(
            sub.contains("引数:") && sub.contains("<保証契約番号>") && sub.contains("オプション:"),
            "{sub}"
        );
        assert!(sub.contains("--verbose"), "global options are listed: {sub}");
        assert_no_english(&sub);
    }

    #[test]
    fn errors_are_japanese_with_a_hint() {
        let (kind, text) = error_text(&["tool", "set-statu"]);
        assert_eq!(kind, ErrorKind::InvalidSubcommand);
        assert!(text.starts_with("エラー: 不明なコマンド「set-statu」です"), "{text}");
        assert!(text.contains("「set-status」の書き間違い"), "{text}");
        assert_no_english(&text);

        let (_, text) = error_text(&["tool", "set-status", "W1", "--kind", "c"]);
        assert!(
            text.contains("--kind <KIND> に「c」は指定できません（使える値: a, b）"),
            "{text}"
        );
        let (_, text) = error_text(&["tool", "set-status", "W1", "--date", "x"]);
        assert!(
            text.contains("「x」が正しくありません: YYYY-MM-DD で書いてください"),
            "{text}"
        );
        let (kind, text) = error_text(&["tool", "set-status"]);
        assert_eq!(kind, ErrorKind::MissingRequiredArgument);
        assert!(text.contains("必須の引数がありません: <保証契約番号>"), "{text}");
        assert!(
            text.contains("使い方: tool set-status [オプション] <保証契約番号>"),
            "{text}"
        );
        let (_, text) = error_text(&["tool", "set-status", "W1", "--colour"]);
        assert!(text.contains("不明な引数「--colour」があります"), "{text}");
        assert_no_english(&text);
    }

    #[test]
    fn parses_as_clap_does() {
        let cli: Cli = try_parse_from(["tool", "set-status", "W1", "--kind", "b", "--verbose"]).unwrap();
        assert!(cli.verbose);
        let Sub::SetStatus { number, kind, .. } = cli.command;
        assert_eq!((number.as_str(), kind.as_deref()), ("W1", Some("b")));
    }
}
