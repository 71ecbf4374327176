//! The rules of the Mermaid flowcharts archsim writes, checked line by
//! line: the header, node declarations (ids, shapes, quoted and escaped
//! labels), edges (ids, arrows, labels), classes and link styles. A line
//! that is none of these is an error, so anything unexpected fails.

/// The arrows archsim uses, one per style.
pub const ARROWS: [&str; 4] = ["-->", "-.->", "==>", "--o"];

/// The shapes archsim uses: opening and closing brackets.
const SHAPES: [(&str, &str); 4] = [("(", ")"), ("{{", "}}"), ("[(", ")]"), ("([", "])")];

/// What a checked flowchart holds.
#[derive(Debug, Default)]
pub struct Flowchart {
    /// Node ids, in declaration order.
    pub nodes: Vec<String>,
    /// Node labels, as written (escaped).
    pub labels: Vec<String>,
    /// Edges: from, arrow, to.
    pub edges: Vec<(String, String, String)>,
}

/// A node id: `n` and digits (never a keyword, never read as an arrow's end
/// mark).
fn is_id(s: &str) -> bool {
    s.strip_prefix('n')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// A quoted label's content: no quote, no raw markup, no line break, `#`
/// only in entity codes `#123;`.
fn check_label(label: &str) -> Result<(), String> {
    if let Some(c) = label.chars().find(|c| {
        matches!(c, '"' | '<' | '>' | '`' | '|' | '%' | '[' | ']' | '{' | '}') || c.is_control()
    }) {
        return Err(format!("label {label:?} holds {c:?}"));
    }
    let mut rest = label;
    while let Some(i) = rest.find('#') {
        let after = &rest[i + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || !after[digits..].starts_with(';') {
            return Err(format!(
                "label {label:?} has a # that is not an entity code"
            ));
        }
        rest = &after[digits + 1..];
    }
    Ok(())
}

/// `"label"` → label, checked.
fn quoted(s: &str) -> Result<&str, String> {
    let inner = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| format!("{s:?} is not a quoted label"))?;
    check_label(inner)?;
    Ok(inner)
}

fn style_props(props: &str) -> Result<(), String> {
    for prop in props.split(',') {
        let (k, v) = prop
            .split_once(':')
            .ok_or_else(|| format!("style {prop:?} is not key:value"))?;
        let key_ok = !k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
        let value_ok = !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'#');
        if !key_ok || !value_ok {
            return Err(format!("bad style {prop:?}"));
        }
    }
    Ok(())
}

fn ids(list: &str, chart: &Flowchart) -> Result<(), String> {
    for id in list.split(',') {
        if !chart.nodes.iter().any(|n| n == id) {
            return Err(format!("undeclared node {id:?}"));
        }
    }
    Ok(())
}

/// Checks `text` (the content of a ```mermaid block) line by line.
pub fn check(text: &str) -> Result<Flowchart, String> {
    let mut lines = text.lines();
    if lines.next() != Some("flowchart LR") {
        return Err("the first line must be `flowchart LR`".into());
    }
    let mut chart = Flowchart::default();
    let mut link_styles = Vec::new();
    for line in lines {
        let line = line
            .strip_prefix("  ")
            .ok_or_else(|| format!("line {line:?} is not indented"))?;
        let words: Vec<&str> = line.splitn(3, ' ').collect();
        match words.as_slice() {
            ["classDef", name, props] => {
                if !name.bytes().all(|b| b.is_ascii_lowercase()) {
                    return Err(format!("bad class name {name:?}"));
                }
                style_props(props)?;
            }
            ["class", list, name] => {
                ids(list, &chart)?;
                if !name.bytes().all(|b| b.is_ascii_lowercase()) {
                    return Err(format!("bad class name {name:?}"));
                }
            }
            ["linkStyle", list, props] => {
                for i in list.split(',') {
                    link_styles.push(
                        i.parse::<usize>()
                            .map_err(|_| format!("bad edge index {i:?}"))?,
                    );
                }
                style_props(props)?;
            }
            [from, arrow, rest] if is_id(from) && ARROWS.iter().any(|a| arrow.starts_with(a)) => {
                let base = ARROWS
                    .iter()
                    .find(|a| {
                        **a == *arrow || arrow.strip_prefix(**a).is_some_and(|l| l.starts_with('|'))
                    })
                    .ok_or_else(|| format!("bad arrow {arrow:?}"))?;
                if let Some(label) = arrow.strip_prefix(base).filter(|l| !l.is_empty()) {
                    let label = label
                        .strip_prefix('|')
                        .and_then(|l| l.strip_suffix('|'))
                        .ok_or_else(|| format!("bad edge label {label:?}"))?;
                    quoted(label)?;
                }
                if !is_id(rest) {
                    return Err(format!("bad edge end {rest:?}"));
                }
                ids(from, &chart)?;
                ids(rest, &chart)?;
                chart
                    .edges
                    .push((from.to_string(), base.to_string(), rest.to_string()));
            }
            _ => {
                let id_len = line.bytes().take_while(u8::is_ascii_alphanumeric).count();
                let (id, shape) = line.split_at(id_len);
                if !is_id(id) {
                    return Err(format!(
                        "line {line:?} is neither a node, an edge nor a style"
                    ));
                }
                let (open, close) = SHAPES
                    .iter()
                    .find(|(o, c)| {
                        shape.starts_with(&format!("{o}\"")) && shape.ends_with(&format!("\"{c}"))
                    })
                    .ok_or_else(|| format!("node {line:?} has no known shape"))?;
                let label = quoted(&shape[open.len()..shape.len() - close.len()])?;
                if chart.nodes.iter().any(|n| n == id) {
                    return Err(format!("node {id} declared twice"));
                }
                chart.nodes.push(id.to_owned());
                chart.labels.push(label.to_owned());
            }
        }
    }
    if let Some(i) = link_styles.iter().find(|&&i| i >= chart.edges.len()) {
        return Err(format!("linkStyle {i} names no edge"));
    }
    Ok(chart)
}

/// The ```mermaid blocks of a Markdown text.
pub fn blocks(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        match &mut current {
            None => {
                let fence: String = line.chars().take_while(|c| *c == '`').collect();
                if fence.len() >= 3 && line[fence.len()..].trim() == "mermaid" {
                    current = Some((fence, String::new()));
                }
            }
            Some((fence, text)) => {
                if line.trim_end() == fence {
                    out.push(text.trim_end().to_owned());
                    current = None;
                } else {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    out
}

#[test]
fn the_checker_refuses_what_breaks_a_flowchart() {
    let ok = "flowchart LR\n  n0(\"a #35; b\")\n  n1{{\"q\"}}\n  n0 -->|\"REST\"| n1";
    assert!(check(ok).is_ok(), "{:?}", check(ok));
    for bad in [
        "graph TD\n  n0(\"a\")",
        "flowchart LR\n  n0(\"a\"b\")",
        "flowchart LR\n  n0(\"a # b\")",
        "flowchart LR\n  end(\"a\")",
        "flowchart LR\n  n0(\"a\")\n  n0 --> n1",
        "flowchart LR\n  n0(\"a\")\n  n0 ---> n0",
        "flowchart LR\n  n0(\"<b>x</b>\")",
        "flowchart LR\n  n0(\"a\")\n  linkStyle 0 stroke:#fff",
    ] {
        assert!(check(bad).is_err(), "accepted {bad:?}");
    }
}
