//! Markdown with a YAML front-matter block (the LLMOps Database's own shape).
//!
//! The YAML is read by serde-saphyr (with its budgets against hostile input) into a loose
//! value and mapped field by field; when it is not valid YAML a lenient line reader takes
//! its `key: value` lines so the body is still imported. `webflow`, `notion`, `seo` and
//! `draft` are provenance and ignored, except that `seo.description` serves as the summary
//! when there is none.

use crate::import::detect::front_matter_bounds;
use crate::import::markdown::{self, clean};
use crate::import::records::from_object;
use crate::model::ParsedCaseStudy;
use serde_json::{Map, Value};

/// Parse a front-matter document. `None` when `text` has no complete front-matter block
/// (the caller then reads it as Markdown).
pub fn parse(text: &str) -> Option<ParsedCaseStudy> {
    let (ys, ye, bs) = front_matter_bounds(text)?;
    let yaml = text.get(ys..ye)?;
    let body = text.get(bs..).unwrap_or("");
    let meta = read_yaml(yaml).unwrap_or_else(|| lenient_yaml(yaml));
    let mut cs = from_object(&meta, false).unwrap_or_default();
    if cs.summary.is_none() {
        cs.summary = meta
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("seo"))
            .and_then(|(_, v)| v.get("description"))
            .and_then(Value::as_str)
            .and_then(clean);
    }
    cs.body_markdown = markdown::body_markdown(body);
    Some(markdown::finish(cs))
}

/// The YAML as a map, when it parses as one within the budgets.
fn read_yaml(yaml: &str) -> Option<Map<String, Value>> {
    if yaml.trim().is_empty() {
        return Some(Map::new());
    }
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_nodes: 100_000,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_depth: 32,
        },
    };
    match serde_saphyr::from_str_with_options::<Value>(yaml, options) {
        Ok(Value::Object(m)) => Some(m),
        Ok(_) => None,
        Err(e) => {
            tracing::debug!(error = %e, "front matter is not valid YAML; reading it leniently");
            None
        }
    }
}

/// A forgiving reader for broken front matter: top-level `key: value` lines (quotes
/// stripped) and `- item` lines under a key with no value. Indented maps are skipped.
fn lenient_yaml(yaml: &str) -> Map<String, Value> {
    let mut map = Map::new();
    let mut list_key: Option<String> = None;
    for line in yaml.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        let t = line.trim();
        if let Some(item) = t.strip_prefix("- ").or_else(|| (t == "-").then_some("")) {
            if let Some(k) = &list_key {
                if let Some(Value::Array(a)) = map.get_mut(k) {
                    if let Some(v) = clean(unquote(item)) {
                        a.push(Value::String(v));
                    }
                }
            }
            continue;
        }
        if indented {
            continue;
        }
        list_key = None;
        let Some((k, v)) = t.split_once(':') else {
            continue;
        };
        let k = k.trim();
        if k.is_empty() || k.contains(' ') && k.len() > 40 {
            continue;
        }
        let v = v.trim();
        if v.is_empty() {
            map.insert(k.to_string(), Value::Array(Vec::new()));
            list_key = Some(k.to_string());
        } else if let Some(inner) = v.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            let items = inner
                .split(',')
                .filter_map(|i| clean(unquote(i.trim())))
                .map(Value::String)
                .collect();
            map.insert(k.to_string(), Value::Array(items));
        } else {
            map.insert(k.to_string(), Value::String(unquote(v).to_string()));
        }
    }
    // Keys with neither value nor items are dropped.
    map.retain(|_, v| !matches!(v, Value::Array(a) if a.is_empty()));
    map
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_database_shape() {
        let t = "---\ntitle: \"A \\\"quoted\\\" title\"\nslug: \"a\"\ndraft: false\nwebflow:\n  siteId: \"x\"\nllmopsTags:\n  - \"rag\"\n  - \"fine-tuning\"\nindustryTags: \"tech\"\ncompany: \"Acme\"\nsummary: \"Short.\"\nlink: \"https://x\"\nyear: 2025\nseo:\n  description: \"SEO\"\n---\n\n## Overview\nText.\n";
        let cs = parse(t).unwrap();
        assert_eq!(cs.title.as_deref(), Some("A \"quoted\" title"));
        assert_eq!(cs.slug.as_deref(), Some("a"));
        assert_eq!(cs.tags, ["rag", "fine-tuning"]);
        assert_eq!(cs.industry.as_deref(), Some("tech"));
        assert_eq!(cs.company.as_deref(), Some("Acme"));
        assert_eq!(cs.summary.as_deref(), Some("Short."));
        assert_eq!(cs.link.as_deref(), Some("https://x"));
        assert_eq!(cs.year, Some(2025));
        assert_eq!(cs.body_markdown, "## Overview\nText.");
    }

    #[test]
    fn aliases_and_fallbacks() {
        let t = "---\ntitle: T\norganization: Org\nindustries: [Finance, Tech]\ntags: rag, agents\nyear: 2023-04-05\ndescription: ''\nseo:\n  description: From SEO\nurl: https://u\n---\nBody";
        let cs = parse(t).unwrap();
        assert_eq!(cs.company.as_deref(), Some("Org"));
        assert_eq!(cs.industry.as_deref(), Some("Finance"));
        assert_eq!(cs.tags, ["rag", "agents"]);
        assert_eq!(cs.year, Some(2023));
        assert_eq!(cs.summary.as_deref(), Some("From SEO"));
        assert_eq!(cs.link.as_deref(), Some("https://u"));
        let cs = parse("---\nyear: \"2024\"\ntechniques:\n  - a\n---\nB").unwrap();
        assert_eq!(cs.year, Some(2024));
        assert_eq!(cs.tags, ["a"]);
    }

    #[test]
    fn malformed_yaml_falls_back_to_lines() {
        let t = "---\ntitle: \"Broken: \"quotes\" here\ncompany: Acme\n  bad: [indent\nllmopsTags:\n  - \"rag\"\nyear: 2022\n---\nThe body.";
        let cs = parse(t).unwrap();
        assert_eq!(cs.company.as_deref(), Some("Acme"));
        assert_eq!(cs.tags, ["rag"]);
        assert_eq!(cs.year, Some(2022));
        assert_eq!(cs.body_markdown, "The body.");
        assert!(cs.title.is_some());
    }

    #[test]
    fn unterminated_is_none() {
        assert_eq!(parse("---\ntitle: x\nbody without end"), None);
    }

    #[test]
    fn yaml_bomb_is_contained() {
        let mut y = String::from("---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            y.push_str(&format!("{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = n;
        }
        y.push_str("title: Bomb\n---\nbody");
        let cs = parse(&y).unwrap();
        assert_eq!(cs.body_markdown, "body");
    }

    #[test]
    fn html_wrapped_body_is_unwrapped() {
        let t = "---\ntitle: x\n---\n\n<p>Intro.<br /><br />## Heading<br /><br />A &amp; B<br /></p>\n";
        let cs = parse(t).unwrap();
        assert_eq!(cs.body_markdown, "Intro.\n\n## Heading\n\nA & B");
    }
}
