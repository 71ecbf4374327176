//! The built-in examples are what a newcomer sees first: every one must
//! load, validate, survive a save and a load unchanged, and be shipped in
//! the canonical form `archsim fmt` writes.

use std::collections::BTreeSet;
use std::path::Path;

use archsim::library::{self, DEFAULT_EXAMPLE, EXAMPLES};
use archsim::model::file;

#[test]
fn every_example_loads_and_validates() {
    for example in EXAMPLES {
        let design = example
            .design()
            .unwrap_or_else(|e| panic!("{} does not load:\n{e}", example.slug));
        let problems = design.problems();
        assert!(problems.is_empty(), "{}: {problems:?}", example.slug);
        assert!(!design.name.is_empty(), "{} has no name", example.slug);
        assert!(!design.nodes.is_empty(), "{} has no nodes", example.slug);
    }
}

#[test]
fn every_example_round_trips_through_text() {
    for example in EXAMPLES {
        let design = example.design().expect("loads");
        let text = file::to_string(&design).expect("serializes");
        let again = file::parse(&text, &example.file_name())
            .unwrap_or_else(|e| panic!("{}: canonical text does not load:\n{e}", example.slug));
        assert_eq!(
            again, design,
            "{}: text round trip changed it",
            example.slug
        );
        let text_again = file::to_string(&again).expect("serializes");
        assert_eq!(
            text_again, text,
            "{}: to_string is not stable",
            example.slug
        );
    }
}

#[test]
fn every_example_round_trips_through_a_saved_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    for example in EXAMPLES {
        let design = example.design().expect("loads");
        let first = dir.path().join(example.file_name());
        let second = dir.path().join(format!("again-{}", example.file_name()));
        file::save(&design, &first).expect("saves");
        let loaded = file::load(&first)
            .unwrap_or_else(|e| panic!("{}: saved file does not load:\n{e}", example.slug));
        assert_eq!(loaded, design, "{}: save and load changed it", example.slug);
        file::save(&loaded, &second).expect("saves again");
        let (a, b) = (read(&first), read(&second));
        assert_eq!(a, b, "{}: saving twice gave different bytes", example.slug);
        // Saving over an existing file replaces it with the same bytes.
        file::save(&loaded, &first).expect("saves over itself");
        assert_eq!(read(&first), a, "{}", example.slug);
    }
    // Atomic saves leave no temporary files behind.
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("lists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with(".archsim.ron"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_example_is_shipped_in_canonical_form() {
    let mut not_canonical = Vec::new();
    for example in EXAMPLES {
        let design = example.design().expect("loads");
        let canonical = file::to_string(&design).expect("serializes");
        if example.text != canonical {
            not_canonical.push(example.file_name());
        }
    }
    assert!(
        not_canonical.is_empty(),
        "not in canonical form (run `archsim fmt examples/*.archsim.ron`): {not_canonical:?}"
    );
}

#[test]
fn the_library_lists_exactly_the_files_in_examples() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let suffix = format!(".{}", file::EXTENSION);
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("examples/ exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter_map(|name| name.strip_suffix(&suffix).map(str::to_owned))
        .collect();
    let listed: BTreeSet<String> = EXAMPLES.iter().map(|e| e.slug.to_owned()).collect();
    assert_eq!(
        listed.len(),
        EXAMPLES.len(),
        "an example is listed twice in src/library.rs"
    );
    let forgotten: Vec<&String> = on_disk.difference(&listed).collect();
    let missing: Vec<&String> = listed.difference(&on_disk).collect();
    assert!(
        forgotten.is_empty(),
        "in examples/ but not in the examples! list of src/library.rs: {forgotten:?}"
    );
    assert!(
        missing.is_empty(),
        "listed but not in examples/: {missing:?}"
    );
    // And each listed text is that file's content.
    for example in EXAMPLES {
        let on_disk = std::fs::read_to_string(dir.join(example.file_name())).expect("reads");
        assert_eq!(on_disk, example.text, "{}", example.slug);
    }
}

#[test]
fn there_are_at_least_12_examples() {
    assert!(
        EXAMPLES.len() >= 12,
        "only {} examples: {:?}",
        EXAMPLES.len(),
        EXAMPLES.iter().map(|e| e.slug).collect::<Vec<_>>()
    );
}

#[test]
fn the_default_example_exists_and_loads() {
    let example = library::find(DEFAULT_EXAMPLE).expect("the default example is listed");
    assert_eq!(example.slug, DEFAULT_EXAMPLE);
    example.design().expect("the default example loads");
}

#[test]
fn example_slugs_are_usable_file_names() {
    for example in EXAMPLES {
        assert!(
            !example.slug.is_empty()
                && example
                    .slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "slug {:?} should be lower-case words joined by '-'",
            example.slug
        );
        assert_eq!(example.file_name(), format!("{}.archsim.ron", example.slug));
        assert_eq!(
            library::find(example.slug).map(|e| e.slug),
            Some(example.slug)
        );
    }
    assert!(library::find("no-such-example").is_none());
}
