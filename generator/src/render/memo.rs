//! Work done once for text that repeats on every page: shared Markdown rendered to HTML, shared
//! text cut into phrases. Shared by the rendering threads, and bounded: the first entries met
//! are kept, which on a large site are the shared ones (one orderer's own text is met once).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use xxhash_rust::xxh3::Xxh3DefaultBuilder;

pub struct Memo<V> {
    // Keys are whole paragraphs and pages' texts: hashed with xxh3 rather than SipHash, which
    // costs several times more per byte. The keys come from the site's own content.
    entries: Mutex<HashMap<String, V, Xxh3DefaultBuilder>>,
    capacity: usize,
}

impl<V> Memo<V> {
    pub fn new(capacity: usize) -> Memo<V> {
        Memo {
            entries: Mutex::new(HashMap::with_hasher(Xxh3DefaultBuilder::new())),
            capacity,
        }
    }

    /// `read` of the value remembered for `key`, made by `make` (outside the lock) when it is
    /// not remembered.
    pub fn with<R>(&self, key: &str, make: impl FnOnce() -> V, read: impl FnOnce(&V) -> R) -> R {
        if let Some(value) = self.lock().get(key) {
            return read(value);
        }
        let value = make();
        let result = read(&value);
        let mut entries = self.lock();
        if entries.len() < self.capacity {
            entries.insert(key.to_string(), value);
        }
        result
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, V, Xxh3DefaultBuilder>> {
        // A thread that panicked mid-insert leaves a map that is still whole.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::Memo;

    #[test]
    fn makes_each_value_once_and_stops_remembering_at_capacity() {
        let memo = Memo::new(2);
        let mut made = 0;
        for key in ["a", "b", "a", "c", "c", "b"] {
            let value = memo.with(
                key,
                || {
                    made += 1;
                    key.repeat(2)
                },
                String::clone,
            );
            assert_eq!(value, key.repeat(2));
        }
        // a and b remembered; c made each time it was asked for.
        assert_eq!(made, 4);
        assert_eq!(memo.len(), 2);
    }
}
