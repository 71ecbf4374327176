//! Lists written for people: names joined into one line of a title or a
//! warning. A file decides how long a list is, so a long one keeps its
//! first and last items and says how many it leaves out.

/// The text of `items` joined by `separator`. A list longer than a title
/// can hold keeps its first and last items and says how many it leaves
/// out: a chain of a hundred thousand calls would otherwise make a title
/// of megabytes (and cost as many name lookups).
pub fn abbreviated<'a, T>(
    items: &'a [T],
    separator: &str,
    text: impl Fn(&'a T) -> &'a str,
) -> String {
    const HEAD: usize = 10;
    const TAIL: usize = 3;
    let join = |items: &'a [T]| items.iter().map(&text).collect::<Vec<_>>().join(separator);
    if items.len() <= HEAD + TAIL + 1 {
        return join(items);
    }
    format!(
        "{}{separator}… {} more …{separator}{}",
        join(&items[..HEAD]),
        items.len() - HEAD - TAIL,
        join(&items[items.len() - TAIL..])
    )
}

#[cfg(test)]
mod tests {
    use super::abbreviated;

    #[test]
    fn long_lists_keep_their_ends_and_count_the_rest() {
        let short = ["a", "b", "c"];
        assert_eq!(abbreviated(&short, " → ", |s| s), "a → b → c");
        let names: Vec<String> = (0..100_000).map(|i| format!("n{i}")).collect();
        let text = abbreviated(&names, ", ", String::as_str);
        assert!(text.starts_with("n0, n1, "), "{text}");
        assert!(text.contains("… 99987 more …"), "{text}");
        assert!(text.ends_with(", n99997, n99998, n99999"), "{text}");
        assert!(text.len() < 200);
    }
}
