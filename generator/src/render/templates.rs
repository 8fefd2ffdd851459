//! The minijinja environments: page templates from `templates/`, and shared Markdown from
//! `content/sections/` (whose placeholders are filled per orderer).

use std::path::{Path, PathBuf};

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::content::{lint_glossary, GlossaryEntry};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Section;
use crate::read;

/// Page templates, and where they came from, so errors name the file.
pub struct Templates {
    pub env: Environment<'static>,
    pub dir: PathBuf,
    /// Files under `templates/static/`, copied verbatim into the guidance site.
    pub assets: Vec<(String, Vec<u8>)>,
    /// Files under `templates/verify-static/`, copied verbatim into the verify site.
    pub verify_assets: Vec<(String, Vec<u8>)>,
    /// Every text file read (templates, scripts, styles), for the wording lint.
    pub sources: Vec<(PathBuf, String)>,
}

/// The macros that word an orderer's facts; the generator calls them for the placeholders of
/// `content/sections/*.md`, and the page templates import them.
pub const SENTENCES_TEMPLATE: &str = "partials/sentences.jinja";

/// Template names every build renders.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    SENTENCES_TEMPLATE,
    "index.html",
    "prefecture.html",
    "orderer.html",
    "verify.html",
    "verify-404.html",
    "404.html",
    "accessibility.html",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
];

impl Templates {
    pub fn load(dir: &Path) -> Result<Templates, Diagnostics> {
        let mut errors = Diagnostics::default();
        let mut env = strict_environment();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".svg") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(|out, state, value| {
            // minijinja's HTML escaping also escapes `/`, which turns every URL in the sitemap,
            // the feed and the pages into `https:&#x2f;&#x2f;…`; the five characters below are
            // the ones HTML and XML need escaped.
            if *state.auto_escape() == AutoEscape::Html && !value.is_safe() {
                if let Some(text) = value.as_str() {
                    write_escaped(out, text)?;
                    return Ok(());
                }
            }
            minijinja::escape_formatter(out, state, value)
        });
        let mut assets = Vec::new();
        let mut verify_assets = Vec::new();
        let mut sources = Vec::new();
        let mut files = collect_files(dir, &mut errors);
        files.sort();
        for (name, path) in files {
            let asset = match (name.strip_prefix("static/"), name.strip_prefix("verify-static/")) {
                (Some(asset), _) => Some((asset, &mut assets)),
                (None, Some(asset)) => Some((asset, &mut verify_assets)),
                (None, None) => None,
            };
            if let Some((asset, into)) = asset {
                match read::bytes(&path) {
                    Ok(bytes) => {
                        if let Ok(text) = std::str::from_utf8(&bytes) {
                            sources.push((path.clone(), text.to_string()));
                        }
                        into.push((asset.to_string(), bytes))
                    }
                    Err(e) => errors.push(e),
                }
                continue;
            }
            match read::text(&path) {
                Ok(source) => {
                    sources.push((path.clone(), source.clone()));
                    if let Err(e) = env.add_template_owned(name, source) {
                        errors.push(template_error(dir, &e));
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        for required in REQUIRED_TEMPLATES {
            if env.get_template(required).is_err() && !errors.iter().any(|d| d.file.ends_with(required)) {
                errors.push(
                    Diagnostic::new(dir.join(required), "テンプレートがありません")
                        .hint("templates/ の内容を確認してください"),
                );
            }
        }
        errors.into_result(Templates {
            env,
            dir: dir.to_path_buf(),
            assets,
            verify_assets,
            sources,
        })
    }

    /// The glossary applied to every template, script and style sheet: wording written there
    /// reaches the pages as much as content does.
    pub fn lint(&self, glossary: &[GlossaryEntry]) -> Diagnostics {
        let mut found = Diagnostics::default();
        for (path, source) in &self.sources {
            found.extend(lint_glossary(path, source, glossary));
        }
        found
    }

    pub fn render(&self, name: &str, context: Value) -> Result<String, Diagnostic> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(context))
            .map_err(|e| template_error(&self.dir, &e))
    }

    /// A page that lists `items` things (the index, the feed, the sitemap): its budget grows
    /// with the list, so a site of any size builds while a loop inside the loop still stops.
    pub fn render_listing(&self, name: &str, context: Value, items: usize) -> Result<String, Diagnostic> {
        let mut out = Vec::new();
        self.render_listing_to(name, context, items, &mut out)?;
        String::from_utf8(out).map_err(|_| Diagnostic::new(self.dir.join(name), "出力が UTF-8 ではありません"))
    }

    /// [`Templates::render_listing`] written piece by piece to `out`: a feed or a sitemap of
    /// tens of thousands of entries is never held in memory whole.
    pub fn render_listing_to(
        &self,
        name: &str,
        context: Value,
        items: usize,
        out: &mut dyn std::io::Write,
    ) -> Result<(), Diagnostic> {
        let mut env = self.env.clone();
        env.set_fuel(Some(listing_fuel(items)));
        env.get_template(name)
            .and_then(|t| t.render_captured_to(context, out).map(|_| ()))
            .map_err(|e| template_error(&self.dir, &e))
    }

    /// A few lines of template source rendered as part of an HTML page (escaped as a page's
    /// text is): for calling a partial's macro once and pasting its output into many pages.
    pub fn render_html_snippet(&self, source: &str, context: Value) -> Result<String, Diagnostic> {
        self.env
            .render_named_str("snippet.html", source, context)
            .map_err(|e| template_error(&self.dir, &e))
    }

    /// Calls macros of one template, each with its arguments, and returns their output in order.
    pub fn call_macros(&self, template: &str, calls: &[(&str, Vec<Value>)]) -> Result<Vec<String>, Diagnostic> {
        let error = |e: minijinja::Error| template_error(&self.dir, &e);
        let mut captured = self
            .env
            .get_template(template)
            .and_then(|t| t.render_captured(()))
            .map_err(error)?;
        captured
            .with_state_mut(|state| {
                calls
                    .iter()
                    .map(|(name, args)| state.call_macro(name, args))
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(error)
    }
}

/// Shared Markdown files as templates named by their path, for placeholder errors.
pub fn section_environment(sections: &[&Section]) -> Result<Environment<'static>, Diagnostics> {
    let mut env = strict_environment();
    env.set_auto_escape_callback(|_| AutoEscape::None);
    let mut errors = Diagnostics::default();
    for section in sections {
        let name = section.path.to_string_lossy().into_owned();
        if let Err(e) = env.add_template_owned(name, section.source.clone()) {
            errors.push(template_error(Path::new(""), &e));
        }
    }
    errors.into_result(env)
}

pub(super) fn escape_markup(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = write_escaped(&mut escaped, text);
    escaped
}

/// `text` with the five characters HTML and XML need escaped; the runs between them are
/// written whole (most text has none of them).
fn write_escaped(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[start..at])?;
        out.write_str(entity)?;
        start = at + 1;
    }
    out.write_str(&text[start..])
}

/// Instructions one render may run: the largest real page needs a few tens of thousands;
/// a loop inside a loop in shared text stops here instead of hanging the build.
pub const RENDER_FUEL: u64 = 2_000_000;

/// What a listing page may spend on each thing it lists: a row of the index costs about a
/// hundred instructions, so one loop over every orderer fits and a loop inside it does not.
pub const FUEL_PER_LISTED_ITEM: u64 = 2_000;

pub fn listing_fuel(items: usize) -> u64 {
    RENDER_FUEL.saturating_add(FUEL_PER_LISTED_ITEM.saturating_mul(items as u64))
}

/// `{{ phone | tel_href }}`: the `tel:` address of a telephone number as the sources write it
/// (0940-43-8196 → tel:0940438196), so that a reader on a phone calls with a tap; "" for text
/// that is not a number alone (「内線」 and the like), which is then shown without a link.
fn tel_href(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let number_only = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '(' | ')'));
    if number_only && digits.starts_with('0') && (10..=11).contains(&digits.len()) {
        format!("tel:{digits}")
    } else {
        String::new()
    }
}

fn strict_environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.add_filter("tel_href", |phone: &str| tel_href(phone));
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(RENDER_FUEL));
    // Errors keep the template's source, so that an editor is told the name and column of a
    // mistake: minijinja keeps it only in debug builds unless asked, and the release binary
    // said 「存在しない差し込み項目があります」 at line 1 instead.
    env.set_debug(true);
    // Default delimiters always build; trim and strip keep `{% if %}` lines out of the output.
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env
}

/// A minijinja error as a diagnostic on the template's own file and line.
pub fn template_error(dir: &Path, error: &minijinja::Error) -> Diagnostic {
    let file = match error.name() {
        Some(name) => dir.join(name),
        None => dir.to_path_buf(),
    };
    let (message, hint) = match error.kind() {
        minijinja::ErrorKind::UndefinedError => (
            match undefined_name(error) {
                Some(name) => format!("存在しない差し込み項目「{name}」があります"),
                None => "存在しない差し込み項目があります".to_string(),
            },
            "{{ }} の中の名前を確認してください。使える名前は docs/fields.md の「The site file」の末尾にあります",
        ),
        minijinja::ErrorKind::OutOfFuel => (
            format!(
                "処理量の上限（{RENDER_FUEL} 命令、一覧のページは 1 件につき {FUEL_PER_LISTED_ITEM} 命令を加算）を超えました"
            ),
            "繰り返し（{% for %}）が多すぎないか、入れ子になっていないか確認してください",
        ),
        minijinja::ErrorKind::SyntaxError => (
            format!("テンプレートの構文エラーです（{}）", error.detail().unwrap_or("syntax")),
            "{{ }} と {% %} の対応を確認してください",
        ),
        _ => (
            format!(
                "テンプレートを処理できません（{}）",
                error
                    .detail()
                    .map(str::to_string)
                    .unwrap_or_else(|| error.kind().to_string())
            ),
            "テンプレートの該当行を確認してください",
        ),
    };
    let column = error.range().and_then(|range| column_of(error, range.start));
    Diagnostic::new(file, message)
        .at(error.line().map(|line| (line, column.unwrap_or(1))))
        .hint(hint)
}

/// The expression that was undefined, as written in the template (minijinja reports its span).
fn undefined_name(error: &minijinja::Error) -> Option<String> {
    let source = error.template_source()?;
    let name = source.get(error.range()?)?.trim();
    (!name.is_empty() && name.chars().count() <= 60).then(|| name.to_string())
}

/// Column of a byte offset in the template source, when minijinja kept it.
fn column_of(error: &minijinja::Error, offset: usize) -> Option<usize> {
    let source = error.template_source()?;
    let before = source.get(..offset)?;
    Some(
        before
            .rsplit('\n')
            .next()
            .map(|line| line.chars().count() + 1)
            .unwrap_or(1),
    )
}

/// Every file under `dir` by its name there (`partials/sentences.jinja`), without following
/// symbolic links (a link to a parent would never end); a link is reported rather than skipped,
/// and so is a folder that cannot be listed.
fn collect_files(dir: &Path, errors: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    for entry in read::entries(dir, usize::MAX) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(e.hint("--templates で templates/ の場所を指定してください"));
                continue;
            }
        };
        let path = entry.path();
        let kind = entry.file_type();
        if kind.is_symlink() {
            errors.push(
                Diagnostic::new(path, "シンボリックリンクは読み込みません")
                    .hint("リンク先のファイルそのものを置いてください"),
            );
        } else if kind.is_dir() {
            continue;
        } else if let Ok(relative) = path.strip_prefix(dir) {
            let name = relative.to_string_lossy().replace('\\', "/");
            if !name.rsplit('/').next().is_some_and(|n| n.starts_with('.')) {
                files.push((name, path.to_path_buf()));
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates(source: &str) -> Templates {
        let mut env = strict_environment();
        env.add_template_owned("list.xml", source.to_string()).unwrap();
        Templates {
            env,
            dir: PathBuf::from("templates"),
            assets: Vec::new(),
            verify_assets: Vec::new(),
            sources: Vec::new(),
        }
    }

    #[test]
    fn a_telephone_number_becomes_a_tel_address_and_anything_else_none() {
        assert_eq!(tel_href("0940-43-8196"), "tel:0940438196");
        assert_eq!(tel_href("082-243-3343"), "tel:0822433343");
        assert_eq!(tel_href("090-1234-5678"), "tel:09012345678");
        assert_eq!(tel_href("0972-22-3100（内線 123）"), "");
        assert_eq!(tel_href("12-34"), "");
    }

    #[test]
    fn a_listing_page_may_list_any_number_of_items_but_not_loop_inside_the_loop() {
        let many: Vec<usize> = (0..400_000).collect();
        let context = minijinja::context! { items => many };
        let one_loop = templates("{% for i in items %}<url>{{ i }}</url>{% endfor %}");
        // The fixed budget of an orderer page is too small for 400,000 rows …
        assert!(one_loop.render("list.xml", context.clone()).is_err());
        // … the listing budget grows with them.
        let page = one_loop.render_listing("list.xml", context, 400_000).unwrap();
        assert_eq!(page.matches("<url>").count(), 400_000);
        // A loop inside the loop still stops, with the error an editor can act on.
        let some: Vec<usize> = (0..3_000).collect();
        let nested = templates("{% for i in items %}{% for j in items %}x{% endfor %}{% endfor %}");
        let error = nested
            .render_listing("list.xml", minijinja::context! { items => some }, 3_000)
            .unwrap_err();
        assert!(error.message.contains("処理量の上限"), "{error:?}");
    }
}
