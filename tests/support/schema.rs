//! A validator for the part of JSON Schema (draft 2020-12) that
//! docs/report.schema.json uses: `type`, `properties`, `required`,
//! `additionalProperties: false`, `items`, `enum`, `const`, `minimum`,
//! `$ref` into `$defs`. Any other keyword is refused, so the schema cannot
//! claim more than the tests check.

use serde_json::Value;

/// Keywords that only describe (not checked).
const ANNOTATIONS: &[&str] = &["$schema", "$id", "title", "description", "$defs"];

/// The places where `value` breaks `schema`, as `path: problem`.
pub fn validate(schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, schema, value, "$", &mut errors);
    errors
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_u64() || value.is_i64(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        other => panic!("unknown type {other:?} in the schema"),
    }
}

fn resolve<'a>(root: &'a Value, reference: &str) -> &'a Value {
    let name = reference
        .strip_prefix("#/$defs/")
        .unwrap_or_else(|| panic!("unsupported $ref {reference:?}"));
    root.get("$defs")
        .and_then(|d| d.get(name))
        .unwrap_or_else(|| panic!("no $defs/{name} in the schema"))
}

fn check(root: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else {
        panic!("{path}: a schema must be an object");
    };
    for (keyword, rule) in schema {
        match keyword.as_str() {
            k if ANNOTATIONS.contains(&k) => {}
            "$ref" => check(
                root,
                resolve(root, rule.as_str().expect("a string")),
                value,
                path,
                errors,
            ),
            "type" => {
                let names: Vec<&str> = match rule {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(a) => a.iter().map(|t| t.as_str().expect("type names")).collect(),
                    _ => panic!("{path}: bad type"),
                };
                if !names.iter().any(|n| type_matches(n, value)) {
                    errors.push(format!("{path}: {value} is not {names:?}"));
                }
            }
            "const" => {
                if rule != value {
                    errors.push(format!("{path}: {value} is not {rule}"));
                }
            }
            "enum" => {
                if !rule.as_array().expect("an array").contains(value) {
                    errors.push(format!("{path}: {value} is not one of {rule}"));
                }
            }
            "minimum" => {
                if let Some(x) = value.as_f64()
                    && x < rule.as_f64().expect("a number")
                {
                    errors.push(format!("{path}: {x} is below {rule}"));
                }
            }
            "required" => {
                if let Some(object) = value.as_object() {
                    for name in rule.as_array().expect("an array") {
                        let name = name.as_str().expect("field names");
                        if !object.contains_key(name) {
                            errors.push(format!("{path}: no field {name:?}"));
                        }
                    }
                }
            }
            "properties" => {
                if let Some(object) = value.as_object() {
                    for (name, sub) in rule.as_object().expect("an object") {
                        if let Some(v) = object.get(name) {
                            check(root, sub, v, &format!("{path}.{name}"), errors);
                        }
                    }
                }
            }
            "additionalProperties" => {
                assert_eq!(
                    rule,
                    &Value::Bool(false),
                    "{path}: only additionalProperties: false is supported"
                );
                if let Some(object) = value.as_object() {
                    let known = schema
                        .get("properties")
                        .and_then(Value::as_object)
                        .expect("additionalProperties goes with properties");
                    for name in object.keys() {
                        if !known.contains_key(name) {
                            errors.push(format!("{path}: undocumented field {name:?}"));
                        }
                    }
                }
            }
            "items" => {
                if let Some(items) = value.as_array() {
                    for (i, item) in items.iter().enumerate() {
                        check(root, rule, item, &format!("{path}[{i}]"), errors);
                    }
                }
            }
            other => {
                panic!("{path}: the schema uses {other:?}, which this validator does not check")
            }
        }
    }
}

/// Every property name the schema defines, anywhere.
pub fn property_names(schema: &Value) -> Vec<String> {
    let mut names = Vec::new();
    collect(schema, &mut names);
    names.sort();
    names.dedup();
    names
}

fn collect(schema: &Value, names: &mut Vec<String>) {
    match schema {
        Value::Object(o) => {
            if let Some(Value::Object(props)) = o.get("properties") {
                names.extend(props.keys().cloned());
            }
            for v in o.values() {
                collect(v, names);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect(v, names)),
        _ => {}
    }
}
