//! JSON, JSONL and CSV records of case studies.
//!
//! Field names are matched case-insensitively, ignoring `_`, `-` and spaces, against the
//! aliases in [`Field`]. Wrong types coerce where sensible (a number where text is
//! expected, a list where one industry is expected); a nested object where text is
//! expected fails that record, never the file.

use crate::import::detect::{csv_delimiter, field_key};
use crate::import::markdown::{self, clean, split_tags, year_from_str};
use crate::import::{limits, ParseError, ParsedEntry};
use crate::model::{ParsedCaseStudy, SourceFormat};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Slug,
    Company,
    Industry,
    Year,
    Link,
    Tags,
    Summary,
    Body,
    /// A date whose year serves when no `year` is given.
    Date,
}

/// (normalised alias, field, priority: lower wins when several aliases are present).
const ALIASES: &[(&str, Field, u8)] = &[
    ("title", Field::Title, 0),
    ("name", Field::Title, 1),
    ("slug", Field::Slug, 0),
    ("company", Field::Company, 0),
    ("companyname", Field::Company, 1),
    ("organization", Field::Company, 2),
    ("organisation", Field::Company, 2),
    ("industry", Field::Industry, 0),
    ("industries", Field::Industry, 1),
    ("industrytags", Field::Industry, 2),
    ("industrytag", Field::Industry, 2),
    ("year", Field::Year, 0),
    ("publicationyear", Field::Year, 1),
    ("publishedyear", Field::Year, 1),
    ("date", Field::Date, 0),
    ("datepublished", Field::Date, 1),
    ("publishedat", Field::Date, 1),
    ("publishedtime", Field::Date, 1),
    ("published", Field::Date, 2),
    ("sourceurl", Field::Link, 0),
    ("link", Field::Link, 1),
    ("url", Field::Link, 2),
    // Only when it is a web address (`source: YouTube` names a publisher, not a link).
    ("source", Field::Link, 3),
    ("tags", Field::Tags, 0),
    ("llmopstags", Field::Tags, 1),
    ("techniques", Field::Tags, 2),
    ("shortsummary", Field::Summary, 0),
    ("summary", Field::Summary, 1),
    ("description", Field::Summary, 2),
    ("bodymarkdown", Field::Body, 0),
    ("markdown", Field::Body, 1),
    ("fullsummary", Field::Body, 2),
    ("body", Field::Body, 3),
    ("content", Field::Body, 4),
    ("text", Field::Body, 5),
];

/// The alias a key spells (normalised), with its field and priority.
fn field_of(key: &str) -> Option<(&'static str, Field, u8)> {
    let k = field_key(key);
    ALIASES.iter().find(|(a, _, _)| *a == k).copied()
}

/// Whether a value reads as a web address (`https://…`, `www.…`).
fn is_web_address(s: &str) -> bool {
    let s = s.trim_start();
    ["http://", "https://", "www."]
        .iter()
        .any(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
}

/// True when an object has at least one known case-study field.
fn has_known_field(obj: &Map<String, Value>) -> bool {
    obj.keys().any(|k| field_of(k).is_some())
}

/// Text of a scalar; `Err` with a reason for nested values (strict) or `Ok(None)` (lenient).
fn text_of(name: &str, v: &Value, strict: bool) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(clean(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Array(items) => {
            // A list of strings where one text is expected: join what is textual.
            let parts: Vec<String> = items
                .iter()
                .filter_map(|i| match i {
                    Value::String(s) => clean(s),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect();
            if parts.len() == items.len() || !strict {
                Ok(clean(&parts.join(", ")))
            } else {
                Err(format!("field `{name}` is a list of non-text values"))
            }
        }
        Value::Object(_) if strict => Err(format!("field `{name}` is an object, expected text")),
        Value::Object(_) => Ok(None),
    }
}

/// Build a case study from a loose key/value object (a JSON record, a CSV row, or YAML
/// front matter). `strict` fails on nested objects where text is expected.
pub(crate) fn from_object(
    obj: &Map<String, Value>,
    strict: bool,
) -> Result<ParsedCaseStudy, String> {
    // Pick, per field, the present alias with the best priority.
    let mut best: Vec<(Field, u8, &str, &Value)> = Vec::new();
    for (k, v) in obj {
        let Some((alias, f, p)) = field_of(k) else {
            continue;
        };
        if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
            continue;
        }
        if alias == "source" && !v.as_str().is_some_and(is_web_address) {
            continue;
        }
        match best.iter_mut().find(|(bf, ..)| *bf == f) {
            Some(slot) if p < slot.1 => *slot = (f, p, k.as_str(), v),
            Some(_) => {}
            None => best.push((f, p, k.as_str(), v)),
        }
    }
    let mut cs = ParsedCaseStudy::default();
    let mut date_year = None;
    for (f, _, name, v) in best {
        match f {
            Field::Title => cs.title = text_of(name, v, strict)?,
            Field::Slug => cs.slug = text_of(name, v, strict)?,
            Field::Company => cs.company = text_of(name, v, strict)?,
            Field::Link => cs.link = text_of(name, v, strict)?,
            Field::Summary => cs.summary = text_of(name, v, strict)?,
            Field::Body => cs.body_markdown = text_of(name, v, strict)?.unwrap_or_default(),
            Field::Industry => {
                cs.industry = match v {
                    Value::Array(items) => items.iter().find_map(|i| match i {
                        Value::String(s) => clean(s),
                        _ => None,
                    }),
                    _ => text_of(name, v, strict)?,
                }
            }
            Field::Year => cs.year = year_of(v),
            Field::Date => date_year = year_of(v),
            Field::Tags => cs.tags = tags_of(name, v, strict)?,
        }
    }
    if cs.year.is_none() {
        cs.year = date_year;
    }
    cs.body_markdown = markdown::body_markdown(&cs.body_markdown);
    Ok(cs)
}

fn year_of(v: &Value) -> Option<i32> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .and_then(markdown::plausible_year),
        Value::String(s) => year_from_str(s),
        _ => None,
    }
}

fn tags_of(name: &str, v: &Value, strict: bool) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    match v {
        Value::String(s) => out = split_tags(s),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => {
            for i in items {
                if out.len() >= limits::MAX_TAGS * 4 {
                    break;
                }
                match i {
                    Value::String(s) => out.extend(clean(s)),
                    Value::Number(n) => out.push(n.to_string()),
                    // `{"name": "rag"}`-style tag objects.
                    Value::Object(o) => {
                        let n = ["name", "slug", "label", "title"]
                            .iter()
                            .find_map(|k| o.get(*k).and_then(Value::as_str).and_then(clean));
                        match n {
                            Some(n) => out.push(n),
                            None if strict => {
                                return Err(format!("field `{name}` holds an object with no name"))
                            }
                            None => {}
                        }
                    }
                    _ => {}
                }
            }
        }
        Value::Object(_) if strict => {
            return Err(format!("field `{name}` is an object, expected a list"))
        }
        _ => {}
    }
    Ok(out)
}

fn record_result(obj: &Map<String, Value>) -> Result<ParsedCaseStudy, ParseError> {
    let cs = from_object(obj, true).map_err(|reason| ParseError::Malformed {
        format: "record",
        reason,
    })?;
    let cs = markdown::finish(cs);
    if markdown::is_empty(&cs) {
        return Err(ParseError::NoText);
    }
    Ok(cs)
}

fn entry(locator: Option<String>, result: Result<ParsedCaseStudy, ParseError>) -> ParsedEntry {
    ParsedEntry {
        locator,
        format: SourceFormat::Record,
        result,
    }
}

/// Keys that commonly hold the list of records in a wrapping object.
const LIST_KEYS: &[&str] = &[
    "casestudies",
    "items",
    "records",
    "data",
    "entries",
    "results",
    "rows",
    "documents",
];

/// The array of records an object holds (`{"case_studies": […]}`), looking at most two
/// levels down (`{"data": {"items": […]}}`).
fn find_array(obj: &Map<String, Value>, depth: u8) -> Option<&Vec<Value>> {
    let is_records = |a: &Vec<Value>| a.iter().take(16).any(Value::is_object);
    for k in LIST_KEYS {
        if let Some((_, Value::Array(a))) = obj.iter().find(|(key, _)| field_key(key) == *k) {
            if is_records(a) || a.is_empty() {
                return Some(a);
            }
        }
    }
    if let Some(a) = obj.values().find_map(|v| match v {
        Value::Array(a) if is_records(a) => Some(a),
        _ => None,
    }) {
        return Some(a);
    }
    if depth < 2 {
        for v in obj.values() {
            if let Value::Object(o) = v {
                if let Some(a) = find_array(o, depth + 1) {
                    return Some(a);
                }
            }
        }
    }
    None
}

/// A JSON document: one record, an array of records, or an object holding one.
pub fn parse_json(text: &str) -> Result<Vec<ParsedEntry>, ParseError> {
    let value: Value =
        serde_json::from_str(text.trim_start()).map_err(|e| ParseError::Malformed {
            format: "JSON",
            reason: e.to_string(),
        })?;
    match value {
        Value::Array(items) => Ok(array_entries(&items)),
        Value::Object(obj) => {
            if !has_known_field(&obj) {
                if let Some(items) = find_array(&obj, 0) {
                    return Ok(array_entries(items));
                }
                return Err(ParseError::Malformed {
                    format: "JSON",
                    reason: "an object with no case-study fields and no list of records".into(),
                });
            }
            Ok(vec![entry(None, record_result(&obj))])
        }
        other => Err(ParseError::Malformed {
            format: "JSON",
            reason: format!(
                "expected an object or an array, found {}",
                type_name(&other)
            ),
        }),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn array_entries(items: &[Value]) -> Vec<ParsedEntry> {
    if items.len() > limits::MAX_RECORDS_PER_FILE {
        tracing::warn!(
            records = items.len(),
            limit = limits::MAX_RECORDS_PER_FILE,
            "too many records; the rest are skipped"
        );
    }
    items
        .iter()
        .take(limits::MAX_RECORDS_PER_FILE)
        .enumerate()
        .map(|(i, v)| {
            let result = match v {
                Value::Object(o) => record_result(o),
                other => Err(ParseError::Malformed {
                    format: "record",
                    reason: format!("expected an object, found {}", type_name(other)),
                }),
            };
            entry(Some(format!("#{i}")), result)
        })
        .collect()
}

/// JSON Lines: one object per line; blank lines are skipped; a bad line fails only its
/// entry. The locator is the 0-based line number.
pub fn parse_jsonl(text: &str) -> Result<Vec<ParsedEntry>, ParseError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if out.len() >= limits::MAX_RECORDS_PER_FILE {
            tracing::warn!(
                limit = limits::MAX_RECORDS_PER_FILE,
                "too many records; the rest are skipped"
            );
            break;
        }
        let result = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(o)) => record_result(&o),
            Ok(other) => Err(ParseError::Malformed {
                format: "JSONL",
                reason: format!(
                    "line {}: expected an object, found {}",
                    i + 1,
                    type_name(&other)
                ),
            }),
            Err(e) => Err(ParseError::Malformed {
                format: "JSONL",
                reason: format!("line {}: {e}", i + 1),
            }),
        };
        out.push(entry(Some(format!("#{i}")), result));
    }
    if out.is_empty() {
        return Err(ParseError::NoText);
    }
    Ok(out)
}

/// CSV (or TSV/semicolon-separated) with a header row. Quoted fields may hold delimiters
/// and newlines. A row with the wrong number of fields fails only its entry. The locator
/// is the 0-based row index (header excluded).
pub fn parse_csv(text: &str) -> Result<Vec<ParsedEntry>, ParseError> {
    let header_line = text.lines().next().unwrap_or("");
    let delim = csv_delimiter(header_line).unwrap_or(b',');
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| ParseError::Malformed {
            format: "CSV",
            reason: format!("header row: {e}"),
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if !headers.iter().any(|h| field_of(h).is_some()) {
        return Err(ParseError::Malformed {
            format: "CSV",
            reason: "the header row names no case-study field (title, company, summary, …)".into(),
        });
    }
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        if out.len() >= limits::MAX_RECORDS_PER_FILE {
            tracing::warn!(
                limit = limits::MAX_RECORDS_PER_FILE,
                "too many records; the rest are skipped"
            );
            break;
        }
        let result = match rec {
            Ok(rec) => {
                if rec.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let obj: Map<String, Value> = headers
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.clone(), Value::String(v.to_string())))
                    .collect();
                record_result(&obj)
            }
            Err(e) => Err(ParseError::Malformed {
                format: "CSV",
                reason: csv_error(&e),
            }),
        };
        out.push(entry(Some(format!("#{i}")), result));
    }
    if out.is_empty() {
        return Err(ParseError::NoText);
    }
    Ok(out)
}

fn csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => format!(
            "row{} has {len} fields, the header has {expected_len}",
            pos.as_ref()
                .map(|p| format!(" at line {}", p.line()))
                .unwrap_or_default()
        ),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(e: &ParsedEntry) -> &ParsedCaseStudy {
        e.result.as_ref().expect("entry should parse")
    }

    /// `source` is the link only when it is a web address; publication years and schema.org's
    /// `datePublished` give the year.
    #[test]
    fn source_links_and_publication_years() {
        let j = r#"[
          {"title": "A", "source": "https://example.com/a", "published_year": 2023, "body": "b"},
          {"title": "B", "source": "YouTube", "datePublished": "2022-05-01", "body": "b"},
          {"title": "C", "source": "www.example.com/c", "url": "https://example.com/u",
           "publicationYear": "2021", "body": "b"}
        ]"#;
        let es = parse_json(j).unwrap();
        let got: Vec<(Option<&str>, Option<i32>)> = es
            .iter()
            .map(|e| (ok(e).link.as_deref(), ok(e).year))
            .collect();
        assert_eq!(
            got,
            [
                (Some("https://example.com/a"), Some(2023)),
                (None, Some(2022)),
                (Some("https://example.com/u"), Some(2021)),
            ]
        );
    }

    #[test]
    fn json_array_with_aliases_and_coercions() {
        let j = r#"[
          {"Title": "A", "Organisation": "Acme", "industry_tags": ["Tech", "Finance"],
           "YEAR": "2024", "source-url": "https://a", "llmops tags": "rag; agents|evals",
           "short_summary": "S", "full_summary": "Body **md**"},
          {"name": 42, "company": "B", "year": 2023.0, "date": "2020-01-01", "tags": [1, "x"], "text": "t"},
          {"title": {"nested": true}},
          7,
          {"title": "", "company": "  "}
        ]"#;
        let es = parse_json(j).unwrap();
        assert_eq!(es.len(), 5);
        let a = ok(&es[0]);
        assert_eq!(es[0].locator.as_deref(), Some("#0"));
        assert_eq!(a.title.as_deref(), Some("A"));
        assert_eq!(a.company.as_deref(), Some("Acme"));
        assert_eq!(a.industry.as_deref(), Some("Tech"));
        assert_eq!(a.year, Some(2024));
        assert_eq!(a.link.as_deref(), Some("https://a"));
        assert_eq!(a.tags, ["rag", "agents", "evals"]);
        assert_eq!(a.summary.as_deref(), Some("S"));
        assert_eq!(a.body_markdown, "Body **md**");
        let b = ok(&es[1]);
        assert_eq!(b.title.as_deref(), Some("42"));
        assert_eq!(b.year, Some(2023));
        assert_eq!(b.tags, ["1", "x"]);
        assert!(
            matches!(&es[2].result, Err(ParseError::Malformed { reason, .. }) if reason.contains("`title`"))
        );
        assert!(
            matches!(&es[3].result, Err(ParseError::Malformed { reason, .. }) if reason.contains("number"))
        );
        assert_eq!(es[4].result, Err(ParseError::NoText));
    }

    #[test]
    fn json_single_object_and_wrapped_array() {
        let es = parse_json(r#"{"title": "One", "body": "b"}"#).unwrap();
        assert_eq!(es.len(), 1);
        assert_eq!(es[0].locator, None);
        let es =
            parse_json(r#"{"meta": {"v": 1}, "case_studies": [{"title": "x"}, {"title": "y"}]}"#)
                .unwrap();
        assert_eq!(es.len(), 2);
        assert_eq!(ok(&es[1]).title.as_deref(), Some("y"));
        let es = parse_json(r#"{"data": {"items": [{"title": "deep"}]}}"#).unwrap();
        assert_eq!(ok(&es[0]).title.as_deref(), Some("deep"));
        assert!(matches!(
            parse_json("{\"x\": 1}"),
            Err(ParseError::Malformed { .. })
        ));
        assert!(matches!(
            parse_json("[1, 2"),
            Err(ParseError::Malformed { .. })
        ));
        assert!(matches!(
            parse_json("\"s\""),
            Err(ParseError::Malformed { .. })
        ));
    }

    #[test]
    fn json_deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(matches!(
            parse_json(&deep),
            Err(ParseError::Malformed { .. })
        ));
    }

    #[test]
    fn jsonl_bad_line_is_per_entry() {
        let t = "{\"title\": \"a\"}\n\n{oops\n[1]\n{\"title\": \"b\"}\n";
        let es = parse_jsonl(t).unwrap();
        assert_eq!(es.len(), 4);
        assert_eq!(es[0].locator.as_deref(), Some("#0"));
        assert!(
            matches!(&es[1].result, Err(ParseError::Malformed { reason, .. }) if reason.starts_with("line 3"))
        );
        assert_eq!(es[1].locator.as_deref(), Some("#2"));
        assert!(es[2].result.is_err());
        assert_eq!(ok(&es[3]).title.as_deref(), Some("b"));
    }

    #[test]
    fn csv_quoted_multiline_and_broken_row() {
        let t = "title,company,tags,body\n\"A, with comma\",Acme,\"rag,agents\",\"line 1\nline 2\"\nonly,two\n\n\"B\",Beta,,\"x \"\"q\"\"\"\n";
        let es = parse_csv(t).unwrap();
        assert_eq!(es.len(), 3);
        let a = ok(&es[0]);
        assert_eq!(a.title.as_deref(), Some("A, with comma"));
        assert_eq!(a.tags, ["rag", "agents"]);
        assert_eq!(a.body_markdown, "line 1\nline 2");
        assert!(matches!(
            &es[1].result,
            Err(ParseError::Malformed { format: "CSV", .. })
        ));
        assert_eq!(es[1].locator.as_deref(), Some("#1"));
        assert_eq!(ok(&es[2]).body_markdown, "x \"q\"");
    }

    #[test]
    fn tsv_and_unknown_header() {
        let es = parse_csv("Title\tCompany\nX\tY\n").unwrap();
        assert_eq!(ok(&es[0]).company.as_deref(), Some("Y"));
        assert!(parse_csv("a,b\n1,2\n").is_err());
    }
}
