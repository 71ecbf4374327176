//! The yardstick archsim's engine is measured against: the fastest bare
//! Rust discrete-event library we know (desque 0.4) running a hand-written
//! chain of M/M/1 stations that records only the mean time in system.
//!
//! It is what a programmer would write in an afternoon for one model, with
//! none of archsim's statistics (histograms, failure causes, utilisation,
//! series) and none of its generality, so archsim passing it means the
//! generality costs nothing a user would notice.

use std::collections::VecDeque;

use desque::serial::{Event, Simulation};
use desque::{Result, SimState};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp};
use rand_pcg::Pcg64Mcg;

/// Nanoseconds, the resolution archsim's engine keeps time in.
type Nanos = u64;

/// A tandem of M/M/1 stations: customers arrive at the first, and each
/// leaves a station for the next.
struct Tandem {
    /// Each station's waiting customers (their arrival in the system),
    /// the one in service first.
    stations: Vec<VecDeque<Nanos>>,
    arrivals: Exp<f64>,
    service: Exp<f64>,
    rng: Pcg64Mcg,
    end: Nanos,
    customers: u64,
    done: u64,
    time_in_system_ns: u128,
}

impl SimState<Nanos> for Tandem {
    fn is_complete(&self, now: &Nanos) -> bool {
        *now >= self.end
    }
}

impl Tandem {
    fn draw(&mut self, exp: Exp<f64>) -> Nanos {
        // At least one nanosecond, so an event never lands on its cause.
        (exp.sample(&mut self.rng) * 1e9) as Nanos + 1
    }
}

#[derive(Debug)]
struct Arrival;

#[derive(Debug)]
struct Departure(usize);

fn start_service(sim: &mut Simulation<Tandem, Nanos>, station: usize) -> Result {
    let service = sim.state().service;
    let d = sim.state_mut().draw(service);
    sim.schedule_with_delay(Departure(station), d)
}

fn join(sim: &mut Simulation<Tandem, Nanos>, station: usize, since: Nanos) -> Result {
    let queue = &mut sim.state_mut().stations[station];
    queue.push_back(since);
    if queue.len() == 1 {
        start_service(sim, station)?;
    }
    Ok(())
}

impl Event<Tandem, Nanos> for Arrival {
    fn execute(&mut self, sim: &mut Simulation<Tandem, Nanos>) -> Result {
        let now = *sim.current_time();
        sim.state_mut().customers += 1;
        join(sim, 0, now)?;
        let arrivals = sim.state().arrivals;
        let d = sim.state_mut().draw(arrivals);
        sim.schedule_with_delay(Arrival, d)
    }
}

impl Event<Tandem, Nanos> for Departure {
    fn execute(&mut self, sim: &mut Simulation<Tandem, Nanos>) -> Result {
        let now = *sim.current_time();
        let station = self.0;
        let state = sim.state_mut();
        let since = state.stations[station]
            .pop_front()
            .expect("a departure has its customer");
        let more = !state.stations[station].is_empty();
        if station + 1 == state.stations.len() {
            state.done += 1;
            state.time_in_system_ns += u128::from(now - since);
        } else {
            join(sim, station + 1, since)?;
        }
        if more {
            start_service(sim, station)?;
        }
        Ok(())
    }
}

/// What one run of the yardstick found.
pub struct Outcome {
    /// Customers that arrived.
    pub customers: u64,
    /// Mean time in the system of those that left, in seconds.
    pub mean_time_in_system_s: f64,
}

/// Runs `stations` M/M/1 stations in tandem: Poisson arrivals at
/// `rate_per_s`, exponential service of `service_ms` at each, for
/// `duration_s` simulated seconds.
pub fn tandem(
    stations: usize,
    rate_per_s: f64,
    service_ms: f64,
    duration_s: f64,
    seed: u64,
) -> Outcome {
    let state = Tandem {
        stations: vec![VecDeque::new(); stations],
        arrivals: Exp::new(rate_per_s).expect("a positive rate"),
        service: Exp::new(1000.0 / service_ms).expect("a positive service time"),
        rng: Pcg64Mcg::seed_from_u64(seed),
        end: (duration_s * 1e9) as Nanos,
        customers: 0,
        done: 0,
        time_in_system_ns: 0,
    };
    let mut sim = Simulation::new(state, 0);
    sim.schedule(Arrival, 0)
        .expect("the first arrival is in the future");
    sim.run().expect("the model has no failing event");
    let s = sim.state();
    Outcome {
        customers: s.customers,
        mean_time_in_system_s: s.time_in_system_ns as f64 / 1e9 / s.done.max(1) as f64,
    }
}
