//! The embedded store's throttle counters, bounded whatever callers do: each caller's windows
//! live in one entry of bounded size, and everyone's failures per number in an evictable table —
//! forgetting one of those costs an alert, never a lock, and never a correct answer (correct
//! keys touch no counter).

use std::collections::{HashMap, VecDeque};

use crate::normalize::CertificateNumber;
use crate::store::{fixed_window, Reservation, StoreError, ThrottleScope};

/// A caller fails on at most this many numbers at once before its oldest window goes (the
/// caller-wide window still counts every failure).
const NUMBERS_PER_CALLER: usize = 64;

#[derive(Clone, Copy)]
struct Window {
    attempts: u32,
    ends_at: u64,
}

impl Window {
    const NONE: Window = Window {
        attempts: 0,
        ends_at: 0,
    };

    fn reserve(&mut self, limit: u32, window_secs: u64, now: u64) -> Reservation {
        if self.ends_at <= now {
            *self = Window {
                attempts: 1,
                ends_at: now + window_secs,
            };
            return Reservation::Granted;
        }
        if self.attempts >= limit {
            return Reservation::Locked { until: self.ends_at };
        }
        self.attempts += 1;
        Reservation::Granted
    }

    fn live(&self, now: u64) -> Option<&Window> {
        (self.ends_at > now).then_some(self)
    }
}

/// One caller's windows: across all numbers, and per number it failed on.
#[derive(Default)]
struct CallerWindows {
    anywhere: Option<Window>,
    numbers: Vec<(CertificateNumber, Window)>,
}

impl CallerWindows {
    fn prune(&mut self, now: u64) {
        self.numbers.retain(|(_, w)| w.ends_at > now);
        if self.anywhere.is_some_and(|w| w.ends_at <= now) {
            self.anywhere = None;
        }
    }

    fn is_empty(&self) -> bool {
        self.anywhere.is_none() && self.numbers.is_empty()
    }

    fn window(&mut self, number: &CertificateNumber, scope: &ThrottleScope, now: u64) -> &mut Window {
        if scope.caller_wide().is_some() {
            return self.anywhere.get_or_insert(Window::NONE);
        }
        let index = match self.numbers.iter().position(|(n, _)| n == number) {
            Some(index) => index,
            None => {
                self.numbers.retain(|(_, w)| w.ends_at > now);
                if self.numbers.len() >= NUMBERS_PER_CALLER {
                    if let Some(soonest) = (0..self.numbers.len()).min_by_key(|&i| self.numbers[i].1.ends_at) {
                        self.numbers.swap_remove(soonest);
                    }
                }
                self.numbers.push((number.clone(), Window::NONE));
                self.numbers.len() - 1
            }
        };
        &mut self.numbers[index].1
    }

    fn find(&self, number: &CertificateNumber, scope: &ThrottleScope) -> Option<&Window> {
        match scope.caller_wide() {
            Some(_) => self.anywhere.as_ref(),
            None => self.numbers.iter().find(|(n, _)| n == number).map(|(_, w)| w),
        }
    }
}

/// Everyone's failures on one number in one fixed window.
struct NumberCount {
    window: u64,
    ends_at: u64,
    failures: u32,
}

pub(super) struct Counters {
    callers: HashMap<String, CallerWindows>,
    max_callers: usize,
    numbers: HashMap<CertificateNumber, NumberCount>,
    /// The order numbers were first counted in: the oldest count is forgotten first.
    arrival: VecDeque<CertificateNumber>,
    max_numbers: usize,
    forgotten: u64,
}

fn full(what: &str) -> StoreError {
    StoreError::Unavailable(format!(
        "embedded store full ({what}); refusals of new callers fail closed until windows expire"
    ))
}

impl Counters {
    pub(super) fn new(max_callers: usize, max_numbers: usize) -> Counters {
        Counters {
            callers: HashMap::new(),
            max_callers: max_callers.max(1),
            numbers: HashMap::new(),
            arrival: VecDeque::new(),
            max_numbers: max_numbers.max(1),
            forgotten: 0,
        }
    }

    /// Drops every expired window, and says how many number counts were forgotten.
    pub(super) fn sweep(&mut self, now: u64) {
        self.callers.retain(|_, windows| {
            windows.prune(now);
            !windows.is_empty()
        });
        self.numbers.retain(|_, count| count.ends_at > now);
        let numbers = &self.numbers;
        self.arrival.retain(|number| numbers.contains_key(number));
        if self.forgotten > 0 {
            tracing::warn!(
                forgotten = self.forgotten,
                "failure counts of numbers were forgotten to make room (the embedded store keeps {}); alerts on those numbers may be missed",
                self.max_numbers
            );
            self.forgotten = 0;
        }
    }

    pub(super) fn reserve(
        &mut self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        limit: u32,
        window_secs: u64,
        now: u64,
    ) -> Result<Reservation, StoreError> {
        let caller = scope.caller();
        if !self.callers.contains_key(caller) && self.callers.len() >= self.max_callers {
            return Err(full("caller counters"));
        }
        let windows = self.callers.entry(caller.to_string()).or_default();
        Ok(windows.window(number, scope, now).reserve(limit, window_secs, now))
    }

    pub(super) fn release(&mut self, number: &CertificateNumber, scope: &ThrottleScope, now: u64) {
        if let Some(windows) = self.callers.get_mut(scope.caller()) {
            let window = match scope.caller_wide() {
                Some(_) => windows.anywhere.as_mut(),
                None => windows.numbers.iter_mut().find(|(n, _)| n == number).map(|(_, w)| w),
            };
            if let Some(window) = window.filter(|w| w.ends_at > now && w.attempts > 0) {
                window.attempts -= 1;
            }
        }
    }

    pub(super) fn attempts(&self, number: &CertificateNumber, scope: &ThrottleScope, now: u64) -> u32 {
        self.callers
            .get(scope.caller())
            .and_then(|windows| windows.find(number, scope))
            .and_then(|w| w.live(now))
            .map_or(0, |w| w.attempts)
    }

    pub(super) fn count_failure(&mut self, number: &CertificateNumber, window_secs: u64, now: u64) -> u32 {
        let (window, ends_at) = fixed_window(now, window_secs);
        if !self.numbers.contains_key(number) {
            while self.numbers.len() >= self.max_numbers {
                let Some(oldest) = self.arrival.pop_front() else { break };
                if self.numbers.remove(&oldest).is_some() {
                    self.forgotten += 1;
                }
            }
            self.arrival.push_back(number.clone());
        }
        let count = self.numbers.entry(number.clone()).or_insert(NumberCount {
            window,
            ends_at,
            failures: 0,
        });
        if count.window != window {
            *count = NumberCount {
                window,
                ends_at,
                failures: 0,
            };
        }
        count.failures += 1;
        count.failures
    }

    pub(super) fn failures(&self, number: &CertificateNumber, window_secs: u64, now: u64) -> u32 {
        let (window, _) = fixed_window(now, window_secs);
        self.numbers
            .get(number)
            .filter(|count| count.window == window)
            .map_or(0, |count| count.failures)
    }

    pub(super) fn full(&self) -> bool {
        self.callers.len() >= self.max_callers
    }

    #[cfg(test)]
    pub(super) fn sizes(&self) -> (usize, usize) {
        (self.callers.len(), self.numbers.len())
    }
}
