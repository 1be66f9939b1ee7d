//! The policy file's schema, generated from the types themselves: a JSON
//! Schema (for editors that check TOML against one) and the Markdown
//! reference in `docs/policy.md`. A test keeps the document in step.

use super::Policy;
use serde_json::Value;
use std::fmt::Write;

/// The JSON Schema of a policy file.
pub fn json_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(Policy)).unwrap_or(Value::Null)
}

/// How each table of the schema is written in TOML.
fn toml_header(def: &str) -> Option<&'static str> {
    Some(match def {
        "Service" => "[service]",
        "Controller" => "[controller]",
        "Contact" => "[data_protection_contact]",
        "Purpose" => "[[purpose]]",
        "Category" => "[[category]]",
        "Retention" => "[category.retention]",
        "Recipient" => "[[recipient]]",
        "Processor" => "[[processor]]",
        "Transfer" => "[processor.transfer]",
        "Statement" => "[[statement]]",
        _ => return None,
    })
}

/// Order of the tables in the reference.
const TABLES: [&str; 10] = [
    "Service",
    "Controller",
    "Contact",
    "Purpose",
    "Category",
    "Retention",
    "Recipient",
    "Processor",
    "Transfer",
    "Statement",
];

const WORD_LISTS: [&str; 7] = [
    "CategoryKind",
    "Art6Basis",
    "Art9Condition",
    "Source",
    "ClockStart",
    "ExpiryAction",
    "Period",
];

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn type_of(prop: &Value) -> String {
    if let Some(r) = prop.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return match toml_header(name) {
            Some(h) => format!("table {h}"),
            None => format!("word ({name})"),
        };
    }
    if let Some(any) = prop.get("anyOf").and_then(Value::as_array) {
        let parts: Vec<String> = any
            .iter()
            .filter(|v| v.get("type").and_then(Value::as_str) != Some("null"))
            .map(type_of)
            .collect();
        return parts.join(" or ");
    }
    match prop.get("type") {
        Some(Value::String(t)) if t == "array" => {
            let item = prop.get("items").map(type_of).unwrap_or_default();
            format!("list of {item}")
        }
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "value".into(),
    }
}

/// The Markdown reference of the policy file.
pub fn reference_markdown() -> String {
    let schema = json_schema();
    let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
    let mut out = String::new();
    out.push_str("# Policy file reference\n\n");
    out.push_str(
        "Generated from the code by `tolbooth policy schema --format md`; do not edit by hand \
         (a test compares this file with the generated text). `tolbooth policy schema` prints \
         the same schema as JSON Schema for editors. See `docs/retention.md` for how the \
         policy is used.\n\n",
    );
    out.push_str("A policy file is TOML with these tables. Unknown keys are refused.\n\n");
    let tables = std::iter::once(("Policy", &schema)).chain(
        TABLES
            .iter()
            .filter_map(|name| defs.get(*name).map(|d| (*name, d))),
    );
    for (name, def) in tables {
        table_section(&mut out, name, def);
    }
    out.push_str("## Words\n\n");
    for name in WORD_LISTS {
        if let Some(def) = defs.get(name) {
            word_section(&mut out, name, def);
        }
    }
    out
}

/// One table of the policy file: its keys, their types and meanings.
fn table_section(out: &mut String, name: &str, def: &Value) {
    let header = if name == "Policy" {
        "Top level"
    } else {
        toml_header(name).unwrap_or(name)
    };
    let _ = writeln!(out, "## {header}\n");
    if let Some(d) = def.get("description").and_then(Value::as_str) {
        let _ = writeln!(out, "{}\n", one_line(d));
    }
    let required: Vec<&str> = def
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str("| Key | Type | Required | Meaning |\n|---|---|---|---|\n");
    if let Some(props) = def.get("properties").and_then(Value::as_object) {
        for (key, prop) in props {
            let meaning = prop
                .get("description")
                .and_then(Value::as_str)
                .map(one_line)
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| `{key}` | {} | {} | {} |",
                type_of(prop),
                if required.contains(&key.as_str()) {
                    "yes"
                } else {
                    "no"
                },
                meaning.replace('|', "\\|")
            );
        }
    }
    out.push('\n');
}

/// One list of words a key takes, with what each means.
fn word_section(out: &mut String, name: &str, def: &Value) {
    let _ = writeln!(out, "### {name}\n");
    if let Some(d) = def.get("description").and_then(Value::as_str) {
        let _ = writeln!(out, "{}\n", one_line(d));
    }
    if let Some(variants) = def.get("oneOf").and_then(Value::as_array) {
        for v in variants {
            let word = v
                .get("const")
                .or_else(|| v.get("enum").and_then(|e| e.get(0)))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let meaning = v
                .get("description")
                .and_then(Value::as_str)
                .map(one_line)
                .unwrap_or_default();
            let _ = writeln!(out, "- `{word}`: {meaning}");
        }
        out.push('\n');
    } else if let Some(words) = def.get("enum").and_then(Value::as_array) {
        for w in words.iter().filter_map(Value::as_str) {
            let _ = writeln!(out, "- `{w}`");
        }
        out.push('\n');
    }
    if name == "CategoryKind" {
        out.push_str("Fields Tolbooth keeps for each kind (a category's `fields` are chosen from these):\n\n");
        for kind in super::CategoryKind::ALL {
            let fields: Vec<String> = kind
                .fields()
                .iter()
                .map(|(f, _)| format!("`{f}`"))
                .collect();
            let _ = writeln!(out, "- `{}`: {}", kind.name(), fields.join(", "));
        }
        out.push('\n');
    }
}
