//! What a simulation found: per entry point, service, link and broker.
//!
//! One replication gives [`Results<f64>`]; several replications are combined
//! into [`Results<Estimate>`], each number a mean with a 95 % confidence
//! interval across replications. The JSON form is documented in
//! docs/cli-json.md; field names are a contract.

use serde::{Deserialize, Deserializer, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A measured quantity over replications: the mean and the half-width of
/// its 95 % confidence interval (absent with one replication).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Mean over replications.
    #[serde(deserialize_with = "nan_if_null")]
    pub mean: f64,
    /// Half-width of the 95 % confidence interval (Student t); `None` with a
    /// single replication.
    pub ci95: Option<f64>,
}

/// A number read back from JSON, where an undefined one (NaN) is written
/// `null`: `null` reads as NaN.
pub fn nan_if_null<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// The 97.5 % quantile of Student's t with `dof` degrees of freedom. The
/// common ones are worked out once: a design of a million links asks for
/// seven figures per link, all with the same replications, and the
/// quantile cost more than the rest of the run.
fn t_975(dof: usize) -> f64 {
    const KEPT: usize = 256;
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let compute = |dof: usize| {
        StudentsT::new(0.0, 1.0, dof as f64)
            .map(|d| d.inverse_cdf(0.975))
            .unwrap_or(1.96)
    };
    if dof >= KEPT {
        return compute(dof);
    }
    TABLE.get_or_init(|| (0..KEPT).map(|d| compute(d.max(1))).collect())[dof]
}

impl From<&Estimate> for crate::numbers::Figure {
    fn from(e: &Estimate) -> Self {
        Self {
            mean: e.mean,
            ci95: e.ci95,
        }
    }
}

impl From<Estimate> for crate::numbers::Figure {
    fn from(e: Estimate) -> Self {
        (&e).into()
    }
}

impl Estimate {
    /// The mean and confidence interval of `xs` (NaN values, from quantities
    /// undefined in some replication such as a percentile of no requests,
    /// are left out).
    pub fn of(xs: &[f64]) -> Self {
        let xs: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
        let n = xs.len();
        if n == 0 {
            return Self {
                mean: f64::NAN,
                ci95: None,
            };
        }
        let mean = xs.iter().sum::<f64>() / n as f64;
        if n < 2 {
            return Self { mean, ci95: None };
        }
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let t = t_975(n - 1);
        Self {
            mean,
            ci95: Some(t * (var / n as f64).sqrt()),
        }
    }

    /// The largest of `xs`, with no interval: for maxima, the overall
    /// maximum is what a reader expects.
    pub fn max_of(xs: &[f64]) -> Self {
        let max = xs
            .iter()
            .copied()
            .filter(|x| !x.is_nan())
            .fold(f64::NAN, f64::max);
        Self {
            mean: max,
            ci95: None,
        }
    }

    /// The interval `(low, high)`; a point when there is no interval.
    pub fn interval(&self) -> (f64, f64) {
        let h = self.ci95.unwrap_or(0.0);
        (self.mean - h, self.mean + h)
    }
}

/// Everything measured, with `V` = `f64` for one replication and
/// [`Estimate`] for several.
#[derive(Debug, Clone, Serialize)]
pub struct Results<V> {
    /// One per entry point, in design order.
    pub entry_points: Vec<EntryResult<V>>,
    /// One per service and data store, in design order.
    pub services: Vec<ServiceResult<V>>,
    /// One per link, in design order.
    pub links: Vec<LinkResult<V>>,
    /// One per broker, in design order.
    pub brokers: Vec<BrokerResult<V>>,
}

/// Results for one entry point. Counts cover requests that arrived between
/// the end of warm-up and the end of the duration.
#[derive(Debug, Clone, Serialize)]
pub struct EntryResult<V> {
    /// The entry point's name.
    pub name: String,
    /// Requests sent.
    pub attempted: V,
    /// Requests whose client got a successful response.
    pub succeeded: V,
    /// Failed requests, by cause.
    pub failed: Failures<V>,
    /// Successful answers completed inside the measured window, per second
    /// of that window, whenever their request arrived: what the system
    /// delivers, never more than its capacity however long the drain.
    pub throughput_per_s: V,
    /// `succeeded / attempted`.
    pub availability: V,
    /// Client-visible latency of successful requests, ms.
    pub latency_ms: Percentiles<V>,
    /// Time until all work the request triggered (asynchronous and events
    /// included) had finished, ms, for successful requests whose work all
    /// finished within the run.
    pub flow_completion_ms: Percentiles<V>,
    /// Failures by the node where they started (a cascade's root).
    pub root_causes: Vec<RootCause<V>>,
}

/// Failed requests by cause.
#[derive(Debug, Clone, Serialize)]
pub struct Failures<V> {
    /// A node on the path was down.
    pub down: V,
    /// A caller on the path stopped waiting.
    pub timeout: V,
    /// A node on the path answered with an error.
    pub error: V,
    /// A full queue on the path turned the request away.
    pub rejected: V,
    /// No answer by the end of the run (drain included).
    pub unfinished: V,
}

impl<V> Failures<V> {
    /// Each cause with its name as results and reports write it (`down`,
    /// `timeout`, `error`, `rejected`, `unfinished`).
    pub fn by_cause(&self) -> [(&'static str, &V); 5] {
        [
            ("down", &self.down),
            ("timeout", &self.timeout),
            ("error", &self.error),
            ("rejected", &self.rejected),
            ("unfinished", &self.unfinished),
        ]
    }
}

/// A latency distribution summarised.
#[derive(Debug, Clone, Serialize)]
pub struct Percentiles<V> {
    /// Mean.
    pub mean: V,
    /// Median.
    pub p50: V,
    /// 95th percentile.
    pub p95: V,
    /// 99th percentile.
    pub p99: V,
    /// Largest value.
    pub max: V,
}

/// Failures of an entry point that started at one node.
#[derive(Debug, Clone, Serialize)]
pub struct RootCause<V> {
    /// The node id.
    pub node: String,
    /// How many failed requests started there.
    pub failures: V,
}

/// Results for a service or data store (time averages over the measured
/// window).
#[derive(Debug, Clone, Serialize)]
pub struct ServiceResult<V> {
    /// The node id.
    pub node: String,
    /// Mean fraction of workers occupied, blocked-on-sync time included.
    pub occupancy: V,
    /// Mean fraction of workers doing their own work.
    pub utilisation: V,
    /// Share of occupied worker time spent waiting on sync calls
    /// (`(occupancy - utilisation) / occupancy`).
    pub blocked_share: V,
    /// Mean number of requests waiting for a worker (messages waiting in a
    /// broker are counted at the broker).
    pub mean_queue: V,
    /// Largest number waiting.
    pub max_queue: V,
    /// Requests waiting for a worker when arrivals stopped (the end of the
    /// duration): what a drain still had to work off.
    pub queue_at_end: V,
    /// Requests that arrived per second.
    pub arrival_rate_per_s: V,
    /// Requests completed.
    pub handled: V,
    /// Mean number of requests at the node (waiting, working or blocked).
    pub mean_in_system: V,
    /// Mean time from arrival to completion, ms.
    pub mean_sojourn_ms: V,
}

/// Results for a link.
#[derive(Debug, Clone, Serialize)]
pub struct LinkResult<V> {
    /// `from -> to`.
    pub link: String,
    /// Messages sent (every attempt counts).
    pub messages: V,
    /// Most calls or messages under way at once.
    pub max_in_flight: V,
    /// Calls whose caller stopped waiting.
    pub timeouts: V,
    /// Calls that ended in failure after their retries.
    pub errors: V,
    /// Attempts after the first.
    pub retries: V,
    /// Messages lost in transit (a drop fault) or by a non-durable broker.
    pub lost: V,
    /// Deliveries after the first of a consumed message.
    pub redeliveries: V,
}

/// Results for a broker.
#[derive(Debug, Clone, Serialize)]
pub struct BrokerResult<V> {
    /// The node id.
    pub node: String,
    /// Events published to it.
    pub published: V,
    /// Asynchronous requests that went through it (a queue).
    pub requests: V,
    /// Mean number of messages waiting for a consumer.
    pub mean_backlog: V,
    /// Largest number waiting.
    pub max_backlog: V,
    /// Messages waiting for a consumer when arrivals stopped.
    pub backlog_at_end: V,
    /// Messages it received as a dead-letter queue.
    pub dead_lettered: V,
}

/// The whole distribution of one entry point's client latency (measured
/// successes of every replication together), for plots that overlay two
/// runs: a few percentiles hide the shape a change gives the tail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyDistribution {
    /// The entry point's name.
    pub entry_point: String,
    /// Points of the cumulative distribution, `(ms, fraction at or below)`,
    /// with the latency rising; empty when nothing succeeded.
    pub cdf: Vec<(f64, f64)>,
}

/// Besides every percent, the cumulative distribution is given at these
/// fractions: finer in the tail, where designs differ most.
const CDF_TAIL: [f64; 5] = [0.995, 0.999, 0.9995, 0.9999, 1.0];

impl LatencyDistribution {
    /// The distribution recorded in `histogram` (µs).
    pub(crate) fn of(entry_point: &str, histogram: &hdrhistogram::Histogram<u64>) -> Self {
        let cdf = if histogram.is_empty() {
            Vec::new()
        } else {
            (0..100)
                .map(|p| f64::from(p) / 100.0)
                .chain(CDF_TAIL)
                .map(|q| (histogram.value_at_quantile(q) as f64 / 1e3, q))
                .collect()
        };
        Self {
            entry_point: entry_point.to_owned(),
            cdf,
        }
    }
}

impl Results<f64> {
    /// Combines replications field by field into estimates.
    pub fn aggregate(runs: &[Results<f64>]) -> Results<Estimate> {
        let Some(first) = runs.first() else {
            return Results {
                entry_points: Vec::new(),
                services: Vec::new(),
                links: Vec::new(),
                brokers: Vec::new(),
            };
        };
        let entry_points = (0..first.entry_points.len())
            .map(|i| {
                let rows: Vec<&EntryResult<f64>> =
                    runs.iter().map(|r| &r.entry_points[i]).collect();
                let mut roots: Vec<&str> = rows
                    .iter()
                    .flat_map(|e| e.root_causes.iter().map(|c| c.node.as_str()))
                    .collect();
                roots.sort_unstable();
                roots.dedup();
                EntryResult {
                    name: rows[0].name.clone(),
                    attempted: mean(&rows, |e| e.attempted),
                    succeeded: mean(&rows, |e| e.succeeded),
                    failed: Failures {
                        down: mean(&rows, |e| e.failed.down),
                        timeout: mean(&rows, |e| e.failed.timeout),
                        error: mean(&rows, |e| e.failed.error),
                        rejected: mean(&rows, |e| e.failed.rejected),
                        unfinished: mean(&rows, |e| e.failed.unfinished),
                    },
                    throughput_per_s: mean(&rows, |e| e.throughput_per_s),
                    availability: mean(&rows, |e| e.availability),
                    latency_ms: percentiles(&rows, |e| &e.latency_ms),
                    flow_completion_ms: percentiles(&rows, |e| &e.flow_completion_ms),
                    root_causes: roots
                        .into_iter()
                        .map(|node| RootCause {
                            node: node.to_owned(),
                            failures: mean(&rows, |e| {
                                e.root_causes
                                    .iter()
                                    .find(|c| c.node == node)
                                    .map_or(0.0, |c| c.failures)
                            }),
                        })
                        .collect(),
                }
            })
            .collect();
        let services = (0..first.services.len())
            .map(|i| {
                let rows: Vec<&ServiceResult<f64>> = runs.iter().map(|r| &r.services[i]).collect();
                ServiceResult {
                    node: rows[0].node.clone(),
                    occupancy: mean(&rows, |s| s.occupancy),
                    utilisation: mean(&rows, |s| s.utilisation),
                    blocked_share: mean(&rows, |s| s.blocked_share),
                    mean_queue: mean(&rows, |s| s.mean_queue),
                    max_queue: max(&rows, |s| s.max_queue),
                    queue_at_end: mean(&rows, |s| s.queue_at_end),
                    arrival_rate_per_s: mean(&rows, |s| s.arrival_rate_per_s),
                    handled: mean(&rows, |s| s.handled),
                    mean_in_system: mean(&rows, |s| s.mean_in_system),
                    mean_sojourn_ms: mean(&rows, |s| s.mean_sojourn_ms),
                }
            })
            .collect();
        let links = (0..first.links.len())
            .map(|i| {
                let rows: Vec<&LinkResult<f64>> = runs.iter().map(|r| &r.links[i]).collect();
                LinkResult {
                    link: rows[0].link.clone(),
                    messages: mean(&rows, |l| l.messages),
                    max_in_flight: max(&rows, |l| l.max_in_flight),
                    timeouts: mean(&rows, |l| l.timeouts),
                    errors: mean(&rows, |l| l.errors),
                    retries: mean(&rows, |l| l.retries),
                    lost: mean(&rows, |l| l.lost),
                    redeliveries: mean(&rows, |l| l.redeliveries),
                }
            })
            .collect();
        let brokers = (0..first.brokers.len())
            .map(|i| {
                let rows: Vec<&BrokerResult<f64>> = runs.iter().map(|r| &r.brokers[i]).collect();
                BrokerResult {
                    node: rows[0].node.clone(),
                    published: mean(&rows, |b| b.published),
                    requests: mean(&rows, |b| b.requests),
                    mean_backlog: mean(&rows, |b| b.mean_backlog),
                    max_backlog: max(&rows, |b| b.max_backlog),
                    backlog_at_end: mean(&rows, |b| b.backlog_at_end),
                    dead_lettered: mean(&rows, |b| b.dead_lettered),
                }
            })
            .collect();
        Results {
            entry_points,
            services,
            links,
            brokers,
        }
    }
}

/// The mean and interval of one field over replications.
fn mean<T>(rows: &[&T], field: impl Fn(&T) -> f64) -> Estimate {
    Estimate::of(&rows.iter().map(|r| field(r)).collect::<Vec<_>>())
}

/// The maximum of one field over replications.
fn max<T>(rows: &[&T], field: impl Fn(&T) -> f64) -> Estimate {
    Estimate::max_of(&rows.iter().map(|r| field(r)).collect::<Vec<_>>())
}

/// A latency summary over replications: percentiles averaged, the maximum
/// taken over all.
fn percentiles<T>(rows: &[&T], field: impl Fn(&T) -> &Percentiles<f64>) -> Percentiles<Estimate> {
    Percentiles {
        mean: mean(rows, |r| field(r).mean),
        p50: mean(rows, |r| field(r).p50),
        p95: mean(rows, |r| field(r).p95),
        p99: mean(rows, |r| field(r).p99),
        max: max(rows, |r| field(r).max),
    }
}

#[cfg(test)]
mod t_tests {
    use super::t_975;

    #[test]
    fn the_kept_quantiles_are_the_textbook_ones() {
        // Tables of Student's t, two-sided 95 %.
        for (dof, t) in [
            (1, 12.706),
            (4, 2.776),
            (9, 2.262),
            (30, 2.042),
            (1000, 1.962),
        ] {
            assert!((t_975(dof) - t).abs() < 1e-3, "{dof}: {}", t_975(dof));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_uses_student_t_for_few_replications() {
        // Five values with sample sd 1: t(0.975, 4) = 2.776.
        let xs = [1.0, 2.0, 3.0, 2.0 + 0.5f64.sqrt(), 2.0 - 0.5f64.sqrt()];
        let e = Estimate::of(&xs);
        assert!((e.mean - 2.0).abs() < 1e-12);
        let sd = (xs.iter().map(|x| (x - 2.0f64).powi(2)).sum::<f64>() / 4.0).sqrt();
        let expected = 2.776 * sd / 5f64.sqrt();
        assert!(
            (e.ci95.unwrap() - expected).abs() < 1e-3,
            "{e:?} vs {expected}"
        );
    }

    #[test]
    fn one_replication_has_no_interval_and_nan_is_ignored() {
        assert_eq!(Estimate::of(&[3.0]).ci95, None);
        let e = Estimate::of(&[f64::NAN, 4.0, 6.0]);
        assert_eq!(e.mean, 5.0);
        assert!(Estimate::of(&[]).mean.is_nan());
        assert_eq!(Estimate::max_of(&[1.0, f64::NAN, 7.0]).mean, 7.0);
    }
}
