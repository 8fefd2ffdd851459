//! Watching `content/` and `templates/` (notify, debounced) and taking each batch of saves on
//! one thread: the preview updated, the browsers told — the edited pages as soon as they are
//! served, the lists after them — or the errors shown.

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use generator::frames::{self, Colour};
use generator::preview::Preview;
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use super::{Live, LiveEvent};

/// Saves closer together than this are one batch. Short: an editor's save is one write (or a
/// write and a rename), and every millisecond here is one before the browser reloads.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// Watches until the returned debouncer is dropped.
pub fn start(mut preview: Preview, live: Arc<Live>) -> Result<Debouncer<RecommendedWatcher, RecommendedCache>, String> {
    let (sender, batches) = mpsc::channel::<(Instant, Vec<PathBuf>)>();
    let mut debouncer = new_debouncer(
        DEBOUNCE,
        Some(Duration::from_millis(2)),
        move |result: DebounceEventResult| {
            let seen = Instant::now();
            match result {
                Ok(events) => {
                    let paths: Vec<PathBuf> = events
                        .into_iter()
                        .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                        .flat_map(|e| e.event.paths)
                        .filter(|p| !scratch_file(p))
                        .collect();
                    if !paths.is_empty() {
                        let _ = sender.send((seen, paths));
                    }
                }
                Err(errors) => {
                    for error in errors {
                        eprintln!("注意: ファイルの監視でエラーがありました: {error}");
                    }
                }
            }
        },
    )
    .map_err(|e| format!("ファイルの監視を始められません: {e}"))?;
    for dir in [&preview.options().content, &preview.options().templates] {
        debouncer
            .watch(dir, RecursiveMode::Recursive)
            .map_err(|e| format!("{} を監視できません: {e}", dir.display()))?;
    }
    std::thread::spawn(move || {
        while let Ok((seen, mut paths)) = batches.recv() {
            // Saves that arrived during the last rebuild are taken together.
            while let Ok((_, more)) = batches.try_recv() {
                paths.extend(more);
            }
            paths.sort();
            paths.dedup();
            take(&mut preview, &live, &paths, seen);
        }
    });
    Ok(debouncer)
}

/// One batch of saves taken, and what it did said in the terminal and to the browsers.
fn take(preview: &mut Preview, live: &Live, paths: &[PathBuf], seen: Instant) {
    let had_errors = live.errors().is_some();
    let mut announce_pages = |pages: &[String]| {
        if had_errors {
            live.set_errors(None);
            live.send(LiveEvent::Fixed);
        }
        live.send(LiveEvent::Reload(pages.to_vec()));
        eprintln!(
            "再生成: {}（{:.1} ms）",
            pages.join(" "),
            seen.elapsed().as_secs_f64() * 1000.0
        );
    };
    match preview.update(paths, &mut announce_pages) {
        Ok(update) if update.everything => {
            if had_errors {
                live.set_errors(None);
                live.send(LiveEvent::Fixed);
            }
            live.send(LiveEvent::Reload(vec!["*".to_string()]));
            eprintln!(
                "サイト全体を再生成しました（{} ファイル、{:.0} ms）",
                live.files.len(),
                seen.elapsed().as_secs_f64() * 1000.0
            );
        }
        Ok(update) => {
            live.send(LiveEvent::Reload(update.lists.clone()));
            eprintln!(
                "一覧・フィード・サイトマップ・オープンデータを再生成しました（{:.0} ms）",
                seen.elapsed().as_secs_f64() * 1000.0
            );
        }
        Err(errors) => {
            let report = frames::render(&errors, Colour::Plain);
            eprintln!("{}", frames::render(&errors, Colour::for_stream(&std::io::stderr())));
            eprintln!("前回正しく生成できたサイトを表示し続けます。直して保存すると再生成します。");
            live.set_errors(Some(report.clone()));
            live.send(LiveEvent::Errors(report));
        }
    }
}

/// Files editors write beside the one they save (Vim's swap files and its `4913` probe,
/// backups, dotfiles): none of them is content.
fn scratch_file(path: &std::path::Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".swx") || name == "4913"
}
