//! `--seed`, `--duration` and `--time-limit`: the overrides and the bound
//! every simulating subcommand takes, defined once so their meaning and
//! help stay the same.

use std::path::Path;
use std::time::{Duration, Instant};

use archsim::model::Design;
use archsim::sim::Limits;

use super::{EXIT_INVALID, input, usage_error};

/// Overrides of the design's scenario for one command.
#[derive(Debug, clap::Args)]
pub struct ScenarioArgs {
    /// Seed of the first replication (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Simulated seconds of arrivals (default: the scenario's).
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<f64>,
    #[command(flatten)]
    pub time_limit: TimeLimit,
}

impl ScenarioArgs {
    /// The design `file` names and the limits of this command, its
    /// deadline counted from now; `Err` with the exit code once what is
    /// wrong has been said.
    pub fn design_and_limits(&self, file: &Path) -> Result<(Design, Limits), u8> {
        let design = input::load(file).map_err(|e| {
            input::report(file, &e);
            EXIT_INVALID
        })?;
        let limits = self.time_limit.limits().map_err(|e| usage_error(&e))?;
        Ok((design, limits))
    }
}

/// How long a command may simulate, all its simulations together.
#[derive(Debug, clap::Args)]
pub struct TimeLimit {
    /// Stop simulating after this many seconds of wall-clock time, all
    /// simulations of the command together, and report what was measured
    /// so far (with a warning).
    #[arg(long = "time-limit", value_name = "SECONDS", default_value_t = 120.0)]
    seconds: f64,
}

impl TimeLimit {
    /// The simulation limits with this command's deadline, counted from
    /// now; `Err` for a time that is not a positive number of seconds.
    pub fn limits(&self) -> Result<Limits, String> {
        let time = Duration::try_from_secs_f64(self.seconds)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| {
                format!(
                    "--time-limit must be a positive number of seconds, not {}",
                    self.seconds
                )
            })?;
        Ok(Limits {
            deadline: Instant::now().checked_add(time),
            ..Limits::default()
        })
    }
}
