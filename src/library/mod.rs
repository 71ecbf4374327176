//! The built-in example designs, compiled into the binary so the app and the
//! command line find them from any directory.

pub mod stress;
mod synthetic;

pub use synthetic::{SyntheticSpec, synthetic};

use crate::model::{Design, LoadError, file};

/// One built-in example: its file name and text.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// The file name without extension, e.g. `fraud-check-blocking`.
    pub slug: &'static str,
    /// The file's text.
    pub text: &'static str,
}

macro_rules! examples {
    ($($slug:literal),* $(,)?) => {
        &[$(Example {
            slug: $slug,
            text: include_str!(concat!("../../examples/", $slug, ".archsim.ron")),
        }),*]
    };
}

/// Every built-in example, in the order they are listed.
pub const EXAMPLES: &[Example] = examples![
    "fraud-check-blocking",
    "fraud-check-background",
    "fraud-check-reply-first",
    "warehouse-fulfilment-blocking",
    "warehouse-fulfilment-async",
    "customer-registered-just-id",
    "customer-registered-detailed",
    "stockist-prices-sequential",
    "stockist-prices-parallel",
    "stock-check-no-timeout",
    "stock-check-timeout",
    "pricing-grid-unbounded-retries",
    "pricing-grid-dead-letter",
    "order-saga-choreography",
    "order-saga-orchestration",
    "order-outbox",
    "catalogue-cache",
    "recommendations-fallback",
    "product-importer-file-drop",
    "shared-order-table",
    "store-and-trading-shared-data",
];

/// The example the app opens when started without a file.
pub const DEFAULT_EXAMPLE: &str = "fraud-check-blocking";

impl Example {
    /// The file name, `slug.archsim.ron`.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.slug, file::EXTENSION)
    }

    /// Parses the example.
    pub fn design(&self) -> Result<Design, LoadError> {
        file::parse(self.text, &self.file_name())
    }
}

/// The example called `slug`.
pub fn find(slug: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.slug == slug)
}

/// The built-in example `slug`, parsed: for unit tests elsewhere in the
/// crate.
#[cfg(test)]
pub(crate) fn example(slug: &str) -> Design {
    find(slug)
        .and_then(|e| e.design().ok())
        .unwrap_or_else(|| panic!("no loadable example {slug}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_loads_is_canonical_and_says_what_it_teaches() {
        for example in EXAMPLES {
            let design = example
                .design()
                .unwrap_or_else(|e| panic!("{} does not load: {e}", example.slug));
            assert!(
                !design.description.is_empty(),
                "{} has no description",
                example.slug
            );
            let canonical = file::to_string(&design).expect("serialises");
            assert!(
                canonical == example.text,
                "{} is not in canonical form: run `archsim fmt` on it",
                example.slug
            );
        }
    }

    #[test]
    fn slugs_are_unique_and_the_default_exists() {
        let mut slugs: Vec<&str> = EXAMPLES.iter().map(|e| e.slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), EXAMPLES.len());
        assert!(find(DEFAULT_EXAMPLE).is_some());
        assert_eq!(EXAMPLES[0].slug, DEFAULT_EXAMPLE);
    }
}
