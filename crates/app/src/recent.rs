//! Reads kept for a moment: a value is served again while nothing it depends on has changed
//! through this process (the store's account and settings epochs are where they were when it was
//! read) and for at most [`Recent::TTL_MS`], which bounds how long a change made by another
//! process (another node of a cluster) goes unseen. The portal's pages ask for the same person
//! and the same list again and again; these caches keep those pages as cheap as the REST API's.

use parking_lot::Mutex;
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

/// The epochs a value was read at: the store's account epoch and settings epoch.
pub(crate) type Epochs = (u64, u64);

/// Values by key, each served for at most `TTL` ms while its epochs stand; past `MAX` entries the
/// stale ones go, and all of them if that is not enough.
pub(crate) struct Recent<K, V, const TTL: i64 = 2_000, const MAX: usize = 10_000> {
    map: Mutex<HashMap<K, (Epochs, i64, V)>>,
}

impl<K, V, const TTL: i64, const MAX: usize> Default for Recent<K, V, TTL, MAX> {
    fn default() -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Clone, const TTL: i64, const MAX: usize> Recent<K, V, TTL, MAX> {
    pub(crate) const TTL_MS: i64 = TTL;
    const MAX: usize = MAX;

    pub(crate) fn get<Q>(&self, key: &Q, epochs: Epochs, now: i64) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let map = self.map.lock();
        let (at_epochs, at, value) = map.get(key)?;
        (*at_epochs == epochs && now - *at < Self::TTL_MS && now >= *at).then(|| value.clone())
    }

    pub(crate) fn put(&self, key: K, epochs: Epochs, now: i64, value: V) {
        let mut map = self.map.lock();
        if map.len() >= Self::MAX {
            map.retain(|_, (e, at, _)| *e == epochs && now - *at < Self::TTL_MS);
            if map.len() >= Self::MAX {
                map.clear();
            }
        }
        map.insert(key, (epochs, now, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_served_while_its_epochs_stand_and_for_two_seconds_at_most() {
        let r: Recent<&str, i32> = Recent::default();
        r.put("k", (1, 1), 1_000, 7);
        assert_eq!(r.get(&"k", (1, 1), 1_500), Some(7));
        assert_eq!(r.get(&"k", (2, 1), 1_500), None, "an account changed");
        assert_eq!(r.get(&"k", (1, 2), 1_500), None, "a setting changed");
        assert_eq!(r.get(&"k", (1, 1), 3_000), None, "too old");
        assert_eq!(r.get(&"k", (1, 1), 999), None, "the clock went back");
        assert_eq!(r.get(&"other", (1, 1), 1_500), None);
    }
}
