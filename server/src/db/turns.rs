//! Turns at SQLite's one writer among this process's threads.
//!
//! SQLite lets one connection write at a time. Writers of this process queue here in the order
//! they asked (a worker finishing a batch cannot take the next turn ahead of someone already
//! waiting), except that an *urgent* writer goes ahead of the queue: the audit row an officer's
//! read must write before it is answered is a millisecond's work that should not wait behind a
//! batch of manifests. A worker holding the turn sees that someone urgent is waiting
//! ([`Turns::urgent_waiting`]) and commits after the message it is loading. So that urgent writers
//! cannot starve the others, the first writer in line goes next once urgent writers have gone
//! ahead of it for [`MAX_DEFER`] (counted from the first time one did: the time it waited for the
//! turn to be free does not count, or after every long load the line would lose its priority).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

/// The longest urgent writers go ahead of the first writer in line.
pub const MAX_DEFER: Duration = Duration::from_millis(25);

/// The queue of writers.
pub struct Turns {
    state: Mutex<State>,
    freed: Condvar,
    /// Urgent writers waiting (read without the lock by writers deciding whether to yield).
    urgent: AtomicUsize,
}

struct State {
    held: bool,
    /// The ticket the next queued writer will get, and the ticket whose turn is next.
    next_ticket: u64,
    serving: u64,
    /// Since when urgent writers have been going ahead of the writer holding ticket `serving`.
    passed_over_since: Option<Instant>,
}

/// A writer's turn; dropping it lets the next one go.
#[must_use = "the turn ends when this is dropped"]
pub struct Turn<'a> {
    turns: &'a Turns,
}

impl Turns {
    pub const fn new() -> Turns {
        Turns {
            state: Mutex::new(State {
                held: false,
                next_ticket: 0,
                serving: 0,
                passed_over_since: None,
            }),
            freed: Condvar::new(),
            urgent: AtomicUsize::new(0),
        }
    }

    /// Waits for a turn: in line, or ahead of the line when `urgent`.
    pub fn take(&self, urgent: bool) -> Turn<'_> {
        let mut s = self.state.lock();
        if urgent {
            self.urgent.fetch_add(1, Ordering::SeqCst);
            loop {
                let line_due = s
                    .passed_over_since
                    .is_some_and(|t| t.elapsed() >= MAX_DEFER);
                if !s.held && !line_due {
                    break;
                }
                // Held, or the first in line goes next: its turn ends with a notification.
                self.freed.wait_for(&mut s, MAX_DEFER);
            }
            self.urgent.fetch_sub(1, Ordering::SeqCst);
        } else {
            let ticket = s.next_ticket;
            s.next_ticket += 1;
            loop {
                if ticket == s.serving && !s.held {
                    if !self.urgent_waiting() {
                        break;
                    }
                    let since = *s.passed_over_since.get_or_insert_with(Instant::now);
                    let passed_over = since.elapsed();
                    if passed_over >= MAX_DEFER {
                        break;
                    }
                    // Urgent writers go first, for a while: look again when that while is over.
                    self.freed.wait_for(&mut s, MAX_DEFER - passed_over);
                } else {
                    self.freed.wait(&mut s);
                }
            }
            s.serving += 1;
            s.passed_over_since = None;
        }
        s.held = true;
        Turn { turns: self }
    }

    /// Whether an urgent writer is waiting for the turn.
    pub fn urgent_waiting(&self) -> bool {
        self.urgent.load(Ordering::SeqCst) > 0
    }
}

impl Default for Turns {
    fn default() -> Self {
        Turns::new()
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut s = self.turns.state.lock();
        s.held = false;
        // Someone in line and someone urgent: the urgent one goes first, and the one in line
        // starts counting how long it has been passed over.
        if s.next_ticket > s.serving && self.turns.urgent_waiting() {
            s.passed_over_since.get_or_insert_with(Instant::now);
        }
        drop(s);
        self.turns.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex as StdMutex};

    #[test]
    fn queued_writers_go_in_the_order_they_asked() {
        let turns = Arc::new(Turns::new());
        let order = Arc::new(StdMutex::new(Vec::new()));
        let first = turns.take(false);
        let mut handles = Vec::new();
        for n in 0..4 {
            let (mine, order) = (turns.clone(), order.clone());
            handles.push(std::thread::spawn(move || {
                let _t = mine.take(false);
                order.lock().unwrap().push(n);
            }));
            // Each asks after the one before it.
            while turns.state.lock().next_ticket < n + 2 {
                std::thread::yield_now();
            }
        }
        drop(first);
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3]);
    }

    #[test]
    fn an_urgent_writer_goes_ahead_of_the_line_and_is_seen_waiting() {
        let turns = Arc::new(Turns::new());
        let order = Arc::new(StdMutex::new(Vec::new()));
        let held = turns.take(false);
        let queued = {
            let (turns, order) = (turns.clone(), order.clone());
            std::thread::spawn(move || {
                let _t = turns.take(false);
                order.lock().unwrap().push("queued");
            })
        };
        while turns.state.lock().next_ticket < 2 {
            std::thread::yield_now();
        }
        assert!(!turns.urgent_waiting());
        let urgent = {
            let (turns, order) = (turns.clone(), order.clone());
            std::thread::spawn(move || {
                let _t = turns.take(true);
                order.lock().unwrap().push("urgent");
            })
        };
        while !turns.urgent_waiting() {
            std::thread::yield_now();
        }
        // A long turn: the queued writer has waited longer than MAX_DEFER when it ends, but it
        // was not passed over until now, so the urgent one still goes first.
        std::thread::sleep(MAX_DEFER * 2);
        drop(held);
        urgent.join().unwrap();
        queued.join().unwrap();
        assert_eq!(*order.lock().unwrap(), vec!["urgent", "queued"]);
        assert!(!turns.urgent_waiting());
    }

    #[test]
    fn urgent_writers_do_not_starve_the_line() {
        let turns = Arc::new(Turns::new());
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        // Two threads keep asking for urgent turns, back to back, holding each for a while (for
        // ten seconds at most, so that a starved writer fails the test instead of hanging it).
        let hammers: Vec<_> = (0..2)
            .map(|_| {
                let (turns, done) = (turns.clone(), done.clone());
                std::thread::spawn(move || {
                    let until = Instant::now() + Duration::from_secs(10);
                    while !done.load(Ordering::SeqCst) && Instant::now() < until {
                        let _t = turns.take(true);
                        std::thread::sleep(Duration::from_millis(2));
                    }
                })
            })
            .collect();
        while !turns.urgent_waiting() {
            std::thread::yield_now();
        }
        let started = Instant::now();
        let t = turns.take(false);
        let waited = started.elapsed();
        drop(t);
        done.store(true, Ordering::SeqCst);
        for h in hammers {
            h.join().unwrap();
        }
        // It goes after MAX_DEFER plus at most the urgent turns then running (generous bound for
        // a busy machine; without the bound it would wait until the hammers stop: forever).
        assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    }
}
