//! `--seed` and `--duration`: the scenario overrides every simulating
//! subcommand takes, defined once so their meaning and help stay the same.

/// Overrides of the design's scenario for one command.
#[derive(Debug, clap::Args)]
pub struct ScenarioArgs {
    /// Seed of the first replication (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Simulated seconds of arrivals (default: the scenario's).
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<f64>,
}
