//! The live preview's site (`generator serve`): built once into memory, then kept up to date
//! edit by edit. An edit of one orderer's file re-reads that file alone and re-renders its page
//! first, then the files that list every orderer; any other edit (templates, shared text,
//! `site.yaml`, the glossary) rebuilds the whole site. A broken edit changes nothing that is
//! served: the last good site stays, and its errors are kept until an edit mends them. The
//! verify site is rendered beside it, under `verify/` ([`VERIFY_PREFIX`]), so that the preview's
//! verify page (`/verify/`) works on one origin with the API served there.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use crate::content::Orderer;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{duplicate_errors, load_orderer_file, Content};
use crate::render::{render_part, render_verify_site, Output, Part, Sink, StreamedWrite, Templates};
use crate::site::{load, BuildOptions};

/// The site as served: every file's bytes by its path in the site (`ashiya-machi/index.html`).
#[derive(Debug, Default)]
pub struct SiteFiles(RwLock<HashMap<String, Arc<[u8]>>>);

impl SiteFiles {
    pub fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        self.0.read().unwrap_or_else(PoisonError::into_inner).get(path).cloned()
    }

    pub fn len(&self) -> usize {
        self.0.read().unwrap_or_else(PoisonError::into_inner).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts every file of `staged` in (and, for a whole site, removes what it no longer has).
    fn take(&self, staged: MemorySink, whole: bool) -> Vec<String> {
        let staged = staged.0.into_inner().unwrap_or_else(PoisonError::into_inner);
        let paths: Vec<String> = staged.keys().cloned().collect();
        let mut files = self.0.write().unwrap_or_else(PoisonError::into_inner);
        if whole {
            *files = staged;
        } else {
            files.extend(staged);
        }
        paths
    }

    fn remove(&self, path: &str) {
        self.0.write().unwrap_or_else(PoisonError::into_inner).remove(path);
    }
}

/// Where the preview serves the verify site: its files' paths begin with this.
pub const VERIFY_PREFIX: &str = "verify/";

/// Rendered files held in memory until the render that made them succeeded.
#[derive(Debug, Default)]
struct MemorySink(RwLock<HashMap<String, Arc<[u8]>>>);

impl MemorySink {
    fn insert(&self, path: &str, bytes: Vec<u8>) {
        self.0
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_string(), bytes.into());
    }
}

/// The verify site's files, put in the preview's site under [`VERIFY_PREFIX`].
struct VerifySink<'a>(&'a MemorySink);

impl Sink for VerifySink<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.0.put(&format!("{VERIFY_PREFIX}{path}"), bytes)
    }
    fn put_streamed(&self, path: &str, write: &mut StreamedWrite<'_>) -> Result<usize, Diagnostic> {
        self.0.put_streamed(&format!("{VERIFY_PREFIX}{path}"), write)
    }
    fn put_previous(&self, _path: &str, _live: &fs::Metadata) -> Result<bool, Diagnostic> {
        Ok(false)
    }
    fn swap_in_previous(&self, _path: &str) -> Result<bool, Diagnostic> {
        Ok(false)
    }
}

/// The whole site and its verify site, into memory.
fn render_whole(content: &Content, templates: &Templates, options: &BuildOptions) -> Result<MemorySink, Diagnostics> {
    let sink = MemorySink::default();
    render_part(content, templates, options.date, Output::uncached(&sink), Part::Whole)?;
    render_verify_site(content, templates, Output::uncached(&VerifySink(&sink)))?;
    Ok(sink)
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.insert(path, bytes.to_vec());
        Ok(())
    }
    fn put_streamed(&self, path: &str, write: &mut StreamedWrite<'_>) -> Result<usize, Diagnostic> {
        let mut bytes = Vec::new();
        write(&mut bytes as &mut dyn Write)?;
        let size = bytes.len();
        self.insert(path, bytes);
        Ok(size)
    }
    fn put_previous(&self, _path: &str, _live: &fs::Metadata) -> Result<bool, Diagnostic> {
        Ok(false)
    }
    fn swap_in_previous(&self, _path: &str) -> Result<bool, Diagnostic> {
        Ok(false)
    }
}

/// What one update did, in the order it did it; each step's paths are in the site (`/`,
/// `/ashiya-machi/`), for the browsers showing them.
#[derive(Debug, Default)]
pub struct Update {
    /// Every file changed (a whole rebuild).
    pub everything: bool,
    /// Pages re-rendered (or removed) first: the edited orderers'.
    pub pages: Vec<String>,
    /// Then the lists and the site's own pages.
    pub lists: Vec<String>,
}

/// The preview's state: the last good content and templates, and the site made from them.
pub struct Preview {
    options: BuildOptions,
    content: Content,
    templates: Templates,
    files: Arc<SiteFiles>,
    /// The orderers' folder as the watcher names it (absolute), to tell an orderer's file.
    municipalities: PathBuf,
    /// What the last update could not take: orderers' files with errors, and whether the rest
    /// of the site (templates, shared text, settings) failed to load.
    broken_files: BTreeSet<PathBuf>,
    broken_site: bool,
}

impl Preview {
    /// Loads and renders the whole site into memory.
    pub fn start(options: BuildOptions) -> Result<Preview, Diagnostics> {
        let (content, templates) = load(&options)?;
        let files = Arc::new(SiteFiles::default());
        files.take(render_whole(&content, &templates, &options)?, true);
        let municipalities = absolute(&options.content.join("municipalities"));
        Ok(Preview {
            options,
            content,
            templates,
            files,
            municipalities,
            broken_files: BTreeSet::new(),
            broken_site: false,
        })
    }

    /// The files served, shared with the server.
    pub fn files(&self) -> Arc<SiteFiles> {
        self.files.clone()
    }

    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// Takes the edits of `changed` (paths as the watcher reports them). `pages_done` is
    /// called as soon as the edited pages are served, before the lists are rendered. On an
    /// error nothing served changes, and the error is reported again at every update until it
    /// is mended.
    pub fn update(
        &mut self,
        changed: &[PathBuf],
        pages_done: &mut dyn FnMut(&[String]),
    ) -> Result<Update, Diagnostics> {
        let mut orderer_files: BTreeSet<PathBuf> = BTreeSet::new();
        let mut site_changed = self.broken_site;
        for path in changed {
            match self.orderer_file(path) {
                Some(file) => {
                    orderer_files.insert(file);
                }
                None => site_changed = true,
            }
        }
        if site_changed {
            return self.rebuild();
        }
        orderer_files.extend(self.broken_files.iter().cloned());
        self.update_orderers(&orderer_files, pages_done)
    }

    /// The file in the content's own terms (`content/municipalities/x.yaml`) when `path` is an
    /// orderer's file.
    fn orderer_file(&self, path: &Path) -> Option<PathBuf> {
        let absolute_path = absolute(path);
        let (Some(parent), Some(name)) = (absolute_path.parent(), absolute_path.file_name()) else {
            return None;
        };
        let name = name.to_string_lossy();
        (parent == self.municipalities && name.ends_with(".yaml") && !name.starts_with('.'))
            .then(|| self.options.content.join("municipalities").join(&*name))
    }

    /// Everything again: load, render into memory, and serve the new site when it rendered.
    fn rebuild(&mut self) -> Result<Update, Diagnostics> {
        self.broken_site = true;
        let (content, templates) = load(&self.options)?;
        let sink = render_whole(&content, &templates, &self.options)?;
        self.files.take(sink, true);
        self.content = content;
        self.templates = templates;
        self.broken_site = false;
        self.broken_files.clear();
        Ok(Update {
            everything: true,
            ..Update::default()
        })
    }

    /// The orderers of `files` read again (a file gone is an orderer removed), checked across
    /// files, their pages rendered and served, then the lists.
    fn update_orderers(
        &mut self,
        files: &BTreeSet<PathBuf>,
        pages_done: &mut dyn FnMut(&[String]),
    ) -> Result<Update, Diagnostics> {
        let mut errors = Diagnostics::default();
        let mut replaced = Vec::new();
        let mut removed = HashSet::new();
        for file in files {
            let slug = file_stem(file);
            if !file.exists() {
                removed.insert(slug);
                continue;
            }
            match load_orderer_file(
                file,
                &self.content.glossary,
                self.content.local_governments.as_ref(),
                Some(&self.content.site.issuer),
                Some(self.options.date),
            ) {
                Ok(mut orderer) => {
                    orderer.slug = slug;
                    replaced.push(orderer);
                }
                Err(found) => errors.extend(found.0),
            }
        }
        // Rules across files, as a full load checks them, on the orderers as they would be.
        let kept = self
            .content
            .orderers
            .iter()
            .filter(|o| !removed.contains(&o.slug) && !replaced.iter().any(|r| r.slug == o.slug));
        let after: Vec<&Orderer> = kept.chain(replaced.iter()).collect();
        let paths: Vec<PathBuf> = after.iter().map(|o| self.file_of(&o.slug)).collect();
        let mut by_name: Vec<(&Path, &Orderer)> =
            paths.iter().map(PathBuf::as_path).zip(after.iter().copied()).collect();
        by_name.sort_by(|a, b| (&a.1.prefecture, &a.1.name, a.0).cmp(&(&b.1.prefecture, &b.1.name, b.0)));
        errors.extend(duplicate_errors(&by_name));
        if after.is_empty() {
            errors.push(
                Diagnostic::new(
                    self.options.content.join("municipalities"),
                    "発注者のファイルが一つもありません",
                )
                .hint("content/municipalities/<名前>.yaml を追加してください"),
            );
        }
        drop(by_name);
        drop(after);
        if !errors.is_empty() {
            self.broken_files = files.iter().filter(|f| f.exists()).cloned().collect();
            return errors.into_result(Update::default());
        }
        let slugs: HashSet<String> = replaced.iter().map(|o| o.slug.clone()).collect();
        // In place: no render holds the list between updates, so nothing is copied.
        let orderers = Arc::make_mut(&mut self.content.orderers);
        orderers.retain(|o| !removed.contains(&o.slug) && !slugs.contains(&o.slug));
        orderers.extend(replaced);
        orderers.sort_by(|a, b| a.index_key().cmp(&b.index_key()));
        let content = &self.content;

        // The edited pages first: rendered, served and announced before the lists.
        let sink = MemorySink::default();
        if let Err(errors) = render_part(
            content,
            &self.templates,
            self.options.date,
            Output::uncached(&sink),
            Part::Pages(&slugs),
        ) {
            // Tried again at the next update, whichever file it edits.
            self.broken_files = files.clone();
            return Err(errors);
        }
        self.files.take(sink, false);
        for slug in &removed {
            self.files.remove(&format!("{slug}/index.html"));
        }
        let mut pages: Vec<String> = slugs
            .iter()
            .chain(removed.iter())
            .map(|slug| format!("/{slug}/"))
            .collect();
        pages.sort();
        let mut update = Update {
            pages,
            ..Update::default()
        };
        self.broken_files.clear();
        pages_done(&update.pages);

        let sink = MemorySink::default();
        render_part(
            &self.content,
            &self.templates,
            self.options.date,
            Output::uncached(&sink),
            Part::Lists,
        )?;
        update.lists = self
            .files
            .take(sink, false)
            .into_iter()
            .map(|path| site_path(&path))
            .collect();
        update.lists.sort();
        Ok(update)
    }

    fn file_of(&self, slug: &str) -> PathBuf {
        self.options.content.join("municipalities").join(format!("{slug}.yaml"))
    }
}

/// `x/index.html` → `/x/`, `index.html` → `/`, others with a leading `/`.
pub fn site_path(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{file}"),
    }
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `path` from the root, its folder's links resolved (the watcher reports resolved paths);
/// the file itself may be gone.
fn absolute(path: &Path) -> PathBuf {
    let joined = std::env::current_dir()
        .map(|dir| dir.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    match (joined.parent(), joined.file_name()) {
        (Some(parent), Some(name)) => parent.canonicalize().map(|p| p.join(name)).unwrap_or(joined),
        _ => joined,
    }
}
