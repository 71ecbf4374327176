//! Work on another thread, so the window never freezes: a simulation, or
//! the advisor simulating every suggestion. The UI polls a [`Job`] once a
//! frame, shows its progress from the simulation's [`RunControl`], and can
//! cancel it; dropping a job cancels it too.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use crate::sim::RunControl;

/// How much simulating a job does, to turn the engine's counters into a
/// fraction done.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Workload {
    /// Replications in all, over every simulation the job runs.
    pub replications: u32,
    /// Simulated time of one replication, ns.
    pub span_ns: u64,
}

/// What polling a job found.
#[derive(Debug)]
pub enum Polled<T> {
    /// Still working.
    Running,
    /// Finished with this.
    Done(T),
    /// The thread ended without an answer (a bug in the work: it
    /// panicked). The window carries on.
    Lost,
}

/// Work under way on another thread.
#[derive(Debug)]
pub struct Job<T> {
    control: RunControl,
    receiver: Receiver<T>,
    workload: Workload,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a new thread named `name`; it reports through the
    /// control it is given. Fails only when the system cannot start a
    /// thread.
    pub fn spawn(
        name: &str,
        workload: Workload,
        work: impl FnOnce(RunControl) -> T + Send + 'static,
    ) -> std::io::Result<Self> {
        let control = RunControl::default();
        let (sender, receiver) = mpsc::channel();
        let theirs = control.clone();
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                // The receiver is gone when the job was dropped: nobody
                // wants the answer any more.
                let _ = sender.send(work(theirs));
            })?;
        Ok(Self {
            control,
            receiver,
            workload,
        })
    }
}

impl<T> Job<T> {
    /// Whether the job finished, without waiting.
    pub fn poll(&self) -> Polled<T> {
        match self.receiver.try_recv() {
            Ok(answer) => Polled::Done(answer),
            Err(TryRecvError::Empty) => Polled::Running,
            Err(TryRecvError::Disconnected) => Polled::Lost,
        }
    }

    /// Asks the work to stop as soon as it can; it still answers, with
    /// what it did so far.
    pub fn cancel(&self) {
        self.control.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether [`Job::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.control.cancel.load(Ordering::Relaxed)
    }

    /// The fraction done, 0 to 1: finished replications, plus the
    /// simulated time reached by the one under way.
    pub fn progress(&self) -> f32 {
        let total = self.workload.replications.max(1);
        let done = self.control.replications_done.load(Ordering::Relaxed);
        let partial = if done < total {
            let reached = self.control.progress_ns.load(Ordering::Relaxed);
            (reached as f64 / self.workload.span_ns.max(1) as f64).min(1.0)
        } else {
            0.0
        };
        ((f64::from(done) + partial) / f64::from(total)).clamp(0.0, 1.0) as f32
    }
}

impl<T> Drop for Job<T> {
    fn drop(&mut self) {
        self.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn wait<T>(job: &Job<T>) -> Polled<T> {
        let started = Instant::now();
        loop {
            match job.poll() {
                Polled::Running if started.elapsed() < Duration::from_secs(10) => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                other => return other,
            }
        }
    }

    #[test]
    fn a_job_answers_and_reports_progress() -> std::io::Result<()> {
        let workload = Workload {
            replications: 2,
            span_ns: 100,
        };
        let job = Job::spawn("test", workload, |control: RunControl| {
            control.replications_done.store(1, Ordering::Relaxed);
            control.progress_ns.store(50, Ordering::Relaxed);
            42
        })?;
        assert!(matches!(wait(&job), Polled::Done(42)));
        assert_eq!(job.progress(), 0.75);
        Ok(())
    }

    #[test]
    fn cancelling_reaches_the_work_and_a_panic_is_not_an_answer() -> std::io::Result<()> {
        let job = Job::spawn(
            "test",
            Workload {
                replications: 1,
                span_ns: 1,
            },
            |control: RunControl| {
                while !control.cancel.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(1));
                }
                "stopped"
            },
        )?;
        assert!(matches!(job.poll(), Polled::Running));
        job.cancel();
        assert!(job.is_cancelled());
        assert!(matches!(wait(&job), Polled::Done("stopped")));
        let lost: Job<()> = Job::spawn(
            "test",
            Workload {
                replications: 1,
                span_ns: 1,
            },
            |_| panic!("a bug"),
        )?;
        assert!(matches!(wait(&lost), Polled::Lost));
        Ok(())
    }
}
