//! Any bytes as a design file: loading never panics, and a design that
//! loads is written in canonical form and reads back as the same design.
#![no_main]

use archsim::model::file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(design) = file::parse_bytes(data, "fuzz.archsim.ron") else {
        return;
    };
    let text = file::to_string(&design).expect("a valid design can be written");
    let again = file::parse(&text, "canonical.archsim.ron")
        .unwrap_or_else(|e| panic!("the canonical text does not load: {e}\n{text}"));
    assert!(
        again == design,
        "the canonical text reads back differently:\n{text}"
    );
    assert_eq!(
        file::to_string(&again).expect("written"),
        text,
        "canonical twice"
    );
});
