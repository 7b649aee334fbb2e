//! Which agents of a queue ring for a waiting caller, moment by moment. Pure:
//! the SIP engine asks again every second and rings or cancels to match.

use crate::model::QueueStrategy;

/// How a queue's ringing is timed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// How long one agent rings before the next is tried (top-down, round-robin).
    pub ring_secs: u64,
    /// How long before the next agent is added (ring-progressively).
    pub delay_secs: u64,
}

/// The positions, among `available` agents in list order, that ring `elapsed_secs` after the
/// caller started waiting. `start` is where round-robin begins (the position after the agent
/// who took the previous call). Nobody rings when nobody is available.
pub fn ringing(
    strategy: QueueStrategy,
    available: usize,
    start: usize,
    elapsed_secs: u64,
    t: Timing,
) -> Vec<usize> {
    if available == 0 {
        return Vec::new();
    }
    let turn = |secs: u64| usize::try_from(elapsed_secs / secs.max(1)).unwrap_or(usize::MAX);
    match strategy {
        QueueStrategy::RingAll => (0..available).collect(),
        QueueStrategy::TopDown => vec![turn(t.ring_secs) % available],
        QueueStrategy::RoundRobin => {
            vec![(start % available + turn(t.ring_secs) % available) % available]
        }
        QueueStrategy::RingProgressively => {
            (0..available.min(turn(t.delay_secs).saturating_add(1))).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timing = Timing {
        ring_secs: 15,
        delay_secs: 10,
    };

    #[test]
    fn ring_all_rings_every_available_agent_and_nobody_rings_when_none_is() {
        assert_eq!(ringing(QueueStrategy::RingAll, 3, 0, 0, T), vec![0, 1, 2]);
        assert_eq!(
            ringing(QueueStrategy::RingAll, 0, 0, 99, T),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn top_down_rings_one_agent_at_a_time_from_the_top_and_starts_over() {
        let at = |s| ringing(QueueStrategy::TopDown, 3, 2, s, T);
        assert_eq!(at(0), vec![0]);
        assert_eq!(at(14), vec![0]);
        assert_eq!(at(15), vec![1]);
        assert_eq!(at(30), vec![2]);
        assert_eq!(at(45), vec![0]);
    }

    #[test]
    fn round_robin_starts_after_the_agent_who_took_the_last_call() {
        let at = |s| ringing(QueueStrategy::RoundRobin, 3, 2, s, T);
        assert_eq!(at(0), vec![2]);
        assert_eq!(at(15), vec![0]);
        assert_eq!(at(30), vec![1]);
        assert_eq!(ringing(QueueStrategy::RoundRobin, 2, 5, 0, T), vec![1]);
    }

    #[test]
    fn ring_progressively_adds_the_next_agent_each_delay_and_keeps_the_earlier_ones() {
        let at = |s| ringing(QueueStrategy::RingProgressively, 3, 0, s, T);
        assert_eq!(at(0), vec![0]);
        assert_eq!(at(9), vec![0]);
        assert_eq!(at(10), vec![0, 1]);
        assert_eq!(at(20), vec![0, 1, 2]);
        assert_eq!(at(500), vec![0, 1, 2]);
    }
}
