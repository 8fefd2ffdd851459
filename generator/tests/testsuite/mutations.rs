//! A seeded mutation test: a few hundred broken copies of the frozen real-content fixture — characters and
//! lines deleted, duplicated or swapped, files cut short, hostile tokens (tabs, full-width
//! spaces and colons, aliases, brackets, quotes, template tags, NUL) inserted, values blown up.
//! For each: no panic, an answer within a bound, every error naming its file, and a failed
//! build leaving the previous output as it was. Reproducible: the seed is fixed, and a failure
//! prints the case number and the mutated file.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use crate::util::{fixtures, snapshot, Scratch, REAL};

const CASES: u64 = 300;
/// Far above a real check (tens of milliseconds): only a hang or runaway work reaches it.
const HANG: Duration = Duration::from_secs(30);

const TOKENS: &[&str] = &[
    "\t",
    "\u{3000}",
    "：",
    "&a ",
    "*a ",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "- ",
    ": ",
    "|\n",
    "#",
    "\0",
    "{{",
    "{%",
    "\n",
    "  ",
    "---\n",
    "~",
    "!!binary ",
    "? ",
    "%YAML 1.2\n",
];

/// xorshift64*: deterministic without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn char_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut text = text.to_string();
    for _ in 0..1 + rng.below(3) {
        let lines: Vec<&str> = text.split('\n').collect();
        let at = char_boundary(&text, rng.below(text.len() + 1));
        text = match rng.below(7) {
            0 => {
                let end = char_boundary(&text, at + 1 + rng.below(3));
                let end = if end <= at {
                    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
                } else {
                    end
                };
                format!("{}{}", &text[..at], &text[end..])
            }
            1 => {
                let i = rng.below(lines.len());
                let mut out = lines.clone();
                out.insert(i, lines[i]);
                out.join("\n")
            }
            2 => {
                let mut out = lines.clone();
                out.remove(rng.below(lines.len()));
                out.join("\n")
            }
            3 => {
                let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
                let mut out = lines.clone();
                out.swap(i, j);
                out.join("\n")
            }
            4 => text[..at].to_string(),
            5 => {
                let i = rng.below(lines.len());
                let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                out[i] = format!("{}{}", out[i], "9".repeat(20_000));
                out.join("\n")
            }
            _ => format!("{}{}{}", &text[..at], TOKENS[rng.below(TOKENS.len())], &text[at..]),
        };
    }
    text
}

#[test]
fn mutated_content_never_panics_hangs_or_loses_the_previous_site() {
    let mut targets: Vec<String> = fs::read_dir(fixtures().join("sites").join(REAL).join("municipalities"))
        .unwrap()
        .map(|e| format!("content/municipalities/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    targets.sort();
    targets.extend(["content/site.yaml", "content/glossary.yaml", "content/sections/qa.md"].map(String::from));
    let mut rng = Rng(0x5EED_2026_1123_0001);
    let mut failures = 0;
    let mut slowest = Duration::ZERO;
    for case in 0..CASES {
        let scratch = Scratch::of(REAL);
        let build_too = case % 25 == 0;
        let before = build_too.then(|| {
            generator::build(&scratch.options("2026-11-23")).unwrap();
            snapshot(&scratch.path("public"))
        });
        let target = &targets[rng.below(targets.len())];
        let original = fs::read_to_string(scratch.path(target)).unwrap();
        let mutated = mutate(&original, &mut rng);
        fs::write(scratch.path(target), &mutated).unwrap();
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if build_too {
                generator::build(&scratch.options("2026-11-23")).map(|_| ())
            } else {
                generator::check(&scratch.options("2026-11-23")).map(|_| ())
            }
        }));
        let took = started.elapsed();
        slowest = slowest.max(took);
        let describe = || {
            format!(
                "case {case}: {target} mutated to:\n{}",
                mutated.chars().take(600).collect::<String>()
            )
        };
        assert!(took < HANG, "{} took {took:?}", describe());
        match outcome {
            Err(_) => panic!("panicked on {}", describe()),
            Ok(Ok(())) => {}
            Ok(Err(errors)) => {
                failures += 1;
                for error in errors.iter() {
                    assert!(
                        !error.file.as_os_str().is_empty(),
                        "an error without a file: {error}\n{}",
                        describe()
                    );
                    assert!(
                        error.message.chars().count() < 400,
                        "an error echoing too much: {error}"
                    );
                }
                if let Some(before) = &before {
                    assert_eq!(before, &snapshot(&scratch.path("public")), "{}", describe());
                }
            }
        }
    }
    assert!(
        failures > CASES / 3,
        "the mutations broke only {failures} of {CASES} cases: too gentle to test anything"
    );
    eprintln!("{CASES} mutated cases, {failures} refused with errors, slowest {slowest:?}");
}
