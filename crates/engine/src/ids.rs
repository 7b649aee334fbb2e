//! Where the engine's own identifiers come from: Via branches, tags and Call-IDs. RFC 3261
//! wants them unique in space and time (§8.1.1.4, §19.3) and a branch unguessable enough that
//! nobody can answer a transaction they did not see (§8.1.1.7), so in production each is 64
//! random bits. A test may seed its own thread's source instead: a whole call then sends the
//! same text on every run, and its messages can be compared with the wire text expected.

/// A fresh identifier: 16 hexadecimal digits.
pub(crate) fn token() -> String {
    #[cfg(test)]
    if let Some(t) = seeded::next() {
        return t;
    }
    let b = sb_app::secrets::random_bytes::<8>();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The seeded source of tests: per thread, so tests running side by side do not share it
/// (a `#[tokio::test]` runs the call and everything it spawns on its own thread).
#[cfg(test)]
pub(crate) mod seeded {
    use std::cell::Cell;

    thread_local! {
        static STATE: Cell<Option<u64>> = const { Cell::new(None) };
    }

    /// From now on this thread's identifiers follow from `seed`, the same on every run.
    pub(crate) fn seed(seed: u64) {
        STATE.set(Some(seed));
    }

    /// The next seeded identifier (SplitMix64), or `None` when this thread was not seeded.
    pub(super) fn next() -> Option<String> {
        let state = STATE.get()?.wrapping_add(0x9e37_79b9_7f4a_7c15);
        STATE.set(Some(state));
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Some(format!("{:016x}", z ^ (z >> 31)))
    }

    #[test]
    fn a_seeded_thread_gives_the_same_identifiers_on_every_run() {
        seed(7);
        let first: Vec<String> = (0..3).map(|_| super::token()).collect();
        seed(7);
        let again: Vec<String> = (0..3).map(|_| super::token()).collect();
        assert_eq!(first, again);
        assert_ne!(first[0], first[1]);
        assert!(first.iter().all(|t| t.len() == 16));
    }
}
