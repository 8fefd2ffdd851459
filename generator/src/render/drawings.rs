//! The drawings on every orderer's page, rendered once per build rather than once per page: the
//! STEP screens (`templates/partials/screens.jinja`), the same on every page, and the mechanism
//! diagram (`templates/partials/mechanism.jinja`), which differs between orderers only by what
//! their rules make of step ③ and by their name. A diagram is rendered once for each distinct
//! step ③ with a stand-in character where the name goes; each page puts its orderer's name in
//! its place, escaped as the page template escapes it.

use minijinja::value::Serde;
use minijinja::{context, Value};
use serde::Serialize;

use crate::content::SiteConfig;
use crate::diagnostics::Diagnostic;

use super::memo::Memo;
use super::templates::{escape_markup, Templates};
use super::views::StepView;

/// The calls, as `templates/orderer.html` made them before they were made once per build.
const SCREENS: [&str; 3] = [
    r#"{% import "partials/screens.jinja" as screens %}{{ screens.step1(site) }}"#,
    r#"{% import "partials/screens.jinja" as screens %}{{ screens.step3() }}"#,
    r#"{% import "partials/screens.jinja" as screens %}{{ screens.step4() }}"#,
];
const DIAGRAM: &str =
    r#"{% from "partials/mechanism.jinja" import diagram %}{{ diagram(layout, name, documents_named, site, step3) }}"#;

/// Where the orderer's name goes in a diagram rendered once: a private-use character, which no
/// name and no text of the site holds (where one does, each page's diagram is rendered whole).
const NAME_STAND_IN: char = '\u{E000}';
/// Distinct step ③s remembered: a handful on any real site.
const REMEMBERED_DIAGRAMS: usize = 64;

/// The STEP screens as HTML, for the page template.
#[derive(Debug, Clone, Serialize)]
pub struct Screens {
    pub step1: String,
    pub step3: String,
    pub step4: String,
}

/// The mechanism diagram in both layouts, for one orderer.
#[derive(Debug, Clone, Serialize)]
pub struct Diagram {
    pub wide: String,
    pub tall: String,
}

pub struct Drawings<'a> {
    pub screens: Screens,
    templates: &'a Templates,
    site: Value,
    /// False when the site's settings or a template hold the stand-in character themselves.
    stand_in_free: bool,
    diagrams: Memo<Result<Diagram, Diagnostic>>,
}

impl<'a> Drawings<'a> {
    pub fn new(templates: &'a Templates, site: &SiteConfig) -> Result<Drawings<'a>, Diagnostic> {
        let site_value = Value::from(Serde(site));
        let screen = |source| templates.render_html_snippet(source, context! { site => site_value.clone() });
        let screens = Screens {
            step1: screen(SCREENS[0])?,
            step3: screen(SCREENS[1])?,
            step4: screen(SCREENS[2])?,
        };
        let stand_in_free = !serde_json::to_string(site).is_ok_and(|s| s.contains(NAME_STAND_IN))
            && !templates
                .sources
                .iter()
                .any(|(_, source)| source.contains(NAME_STAND_IN));
        Ok(Drawings {
            screens,
            templates,
            site: site_value,
            stand_in_free,
            diagrams: Memo::new(REMEMBERED_DIAGRAMS),
        })
    }

    /// The diagram for an orderer named `name`, whose page names what to hand over or not
    /// (`documents_named`), with its step ③.
    pub fn diagram(&self, name: &str, documents_named: bool, step3: &StepView) -> Result<Diagram, Diagnostic> {
        let key = serde_json::to_string(&(documents_named, step3)).ok();
        let (Some(key), true, false) = (key, self.stand_in_free, name.contains(NAME_STAND_IN)) else {
            return self.render_diagram(name, documents_named, step3);
        };
        let stand_in = NAME_STAND_IN.to_string();
        let once = self.diagrams.with(
            &key,
            || self.render_diagram(&stand_in, documents_named, step3),
            Clone::clone,
        )?;
        let escaped = escape_markup(name);
        Ok(Diagram {
            wide: once.wide.replace(NAME_STAND_IN, &escaped),
            tall: once.tall.replace(NAME_STAND_IN, &escaped),
        })
    }

    fn render_diagram(&self, name: &str, documents_named: bool, step3: &StepView) -> Result<Diagram, Diagnostic> {
        let layout = |layout: &str| {
            self.templates.render_html_snippet(
                DIAGRAM,
                context! {
                    layout => layout,
                    name => name,
                    documents_named => documents_named,
                    site => self.site.clone(),
                    step3 => Serde(step3),
                },
            )
        };
        Ok(Diagram {
            wide: layout("wide")?,
            tall: layout("tall")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::content::GuaranteeKind;

    #[test]
    fn a_diagram_rendered_once_reads_as_one_rendered_for_its_page_escaping_included() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let templates = Templates::load(&root.join("templates")).expect("the templates load");
        let content = crate::load::load_content(
            &root.join("generator/tests/testsuite/fixtures/sites/flyers"),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
        )
        .expect("the flyers site loads");
        let drawings = Drawings::new(&templates, &content.site).expect("the drawings render");
        let printed = StepView {
            known: true,
            print_kinds: vec![GuaranteeKind::Advance],
            all_print: true,
            ..StepView::default()
        };
        for step3 in [StepView::default(), printed] {
            for documents_named in [false, true] {
                for name in ["芦屋町", "東&西<町>", "佐伯市"] {
                    let once = drawings.diagram(name, documents_named, &step3).unwrap();
                    let whole = drawings.render_diagram(name, documents_named, &step3).unwrap();
                    assert_eq!((&once.wide, &once.tall), (&whole.wide, &whole.tall), "{name}");
                    assert!(!once.wide.contains(NAME_STAND_IN) && !once.tall.contains(NAME_STAND_IN));
                }
            }
        }
        let escaped = drawings.diagram("東&西<町>", true, &StepView::default()).unwrap();
        assert!(escaped.wide.contains("東&amp;西&lt;町&gt;") && !escaped.wide.contains("東&西"));
    }
}
