//! Companies: one key per organisation, however its name is written.
//!
//! Three steps, each conservative:
//!
//! 1. **Normalising** a written name ([`normalize`]): case and accents folded, a parenthesis
//!    dropped (`Amazon (Alexa)`), a leading "The", trailing legal suffixes (`Inc`, `Ltd`,
//!    `GmbH`, `Corp`…) and a trailing brand "AI" (`Perplexity AI`) dropped, a domain reduced
//!    to its name (`Booking.com`, `Exa.ai`), and what is left joined without spaces or
//!    punctuation (`Fuzzy Labs` = `FuzzyLabs`, `DoorDash` = `Doordash`).
//! 2. **A built-in table** ([`BUILT_IN`]) of groupings a name cannot show: renames
//!    (Facebook → Meta, Square → Block, Codeium → Windsurf), expansions (British Telecom →
//!    BT, Commonwealth Bank of Australia → CommBank) and the three conglomerates whose cloud
//!    and research arms appear under their own names (AWS and Amazon Web Services → Amazon;
//!    Google Cloud, Google DeepMind and Alphabet → Google; Meta AI → Meta). For those
//!    parents only, a unit named after them (`Amazon Logistics`, `AWS Sales`) belongs to
//!    them; elsewhere a longer name is another company (`Loblaw Digital` is not `Loblaws`).
//! 3. **What the text shows** ([`text_aliases`]): a case study's own text saying that its
//!    company is also called something: an acronym in parentheses next to the full name
//!    (`London Stock Exchange Group (LSEG)` in a case study of LSEG), or `X (formerly Y)`.
//!    [`group`] joins the names these link across the library.
//!
//! Names of several companies (`Harvey / Lance`, `Uber, Microsoft`) are their own entry,
//! never merged.

use std::collections::{BTreeMap, HashMap};

/// Bump when the rules or the table change: a library regroups its companies when opened.
pub const RULES_VERSION: i64 = 1;

/// `(canonical key, display name, other keys)`. See the module documentation for why each
/// grouping is right.
pub const BUILT_IN: &[(&str, &str, &[&str])] = &[
    (
        "amazon",
        "Amazon",
        &["aws", "amazonwebservices", "amazoncominc"],
    ),
    (
        "google",
        "Google",
        &[
            "alphabet",
            "googlecloud",
            "googledeepmind",
            "deepmind",
            "googleresearch",
        ],
    ),
    ("meta", "Meta", &["facebook", "metaplatforms", "metaai"]),
    ("microsoft", "Microsoft", &["microsoftazure"]),
    ("block", "Block", &["square", "blockinc"]),
    ("windsurf", "Windsurf", &["codeium"]),
    (
        "bt",
        "BT",
        &["britishtelecom", "britishtelecommunications", "btgroup"],
    ),
    (
        "commbank",
        "CommBank",
        &["commonwealthbankofaustralia", "commonwealthbank"],
    ),
    (
        "pwc",
        "PwC",
        &["pricewaterhousecoopers", "pricewaterhousecooper"],
    ),
    (
        "jpmorganchase",
        "JPMorgan Chase",
        &["jpmorgan", "jpmorganchaseco"],
    ),
];

/// Parents (canonical keys) whose units (`Amazon Finance`, `AWS Sales`, `Google DeepMind`)
/// belong to them.
const PARENTS: &[&str] = &["amazon", "google", "meta", "microsoft"];

/// Legal forms dropped from the end of a name.
const LEGAL_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "srl",
    "bv",
    "nv",
    "corp",
    "corporation",
    "co",
    "pty",
    "pvt",
    "ai",
];

/// Top-level domains a written name may end with (`Booking.com`, `Dust.tt`).
const DOMAINS: &[&str] = &[
    "com", "ai", "io", "co", "net", "org", "dev", "app", "so", "sh", "tt", "tech",
];

/// True when `name` names several companies (`A / B`, `A, B`, `A | B`).
pub fn is_multi(name: &str) -> bool {
    let bare = drop_parentheses(name);
    bare.contains('/') || bare.contains('|') || bare.trim().trim_end_matches(',').contains(',')
}

fn drop_parentheses(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The words of a name after folding, without parentheses, domain ending, "The" and legal
/// suffixes.
fn words(name: &str) -> Vec<String> {
    let folded = deunicode::deunicode(&drop_parentheses(name)).to_lowercase();
    let mut s = folded.trim().trim_end_matches(',').trim().to_string();
    for scheme in ["https://", "http://", "www."] {
        if let Some(rest) = s.strip_prefix(scheme) {
            s = rest.to_string();
        }
    }
    // A domain: one token with a dot before a known ending.
    if !s.contains(char::is_whitespace) {
        if let Some((name, tld)) = s.rsplit_once('.') {
            if DOMAINS.contains(&tld) && !name.is_empty() {
                s = name.to_string();
            }
        }
    }
    let mut words: Vec<String> = s
        .replace(['\'', '\u{2019}'], "")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| LEGAL_SUFFIXES.contains(&w.as_str()))
    {
        words.pop();
    }
    words
}

/// The name reduced to a key, before any grouping: `Amazon Web Services, Inc.` →
/// `amazonwebservices`. Empty when the name has no letter or digit.
pub fn normalize(name: &str) -> String {
    words(name).concat()
}

/// The built-in entry a key belongs to, if any.
fn built_in(key: &str) -> Option<(&'static str, &'static str)> {
    BUILT_IN
        .iter()
        .find(|(canonical, _, others)| *canonical == key || others.contains(&key))
        .map(|(canonical, display, _)| (*canonical, *display))
}

/// A name's key with the built-in groupings applied (not yet the library's own evidence):
/// `AWS` → `amazon`, `Amazon Logistics` → `amazon`, `Doordash` → `doordash`.
pub fn key(name: &str) -> String {
    let w = words(name);
    let joined = w.concat();
    if let Some((canonical, _)) = built_in(&joined) {
        return canonical.to_string();
    }
    if w.len() > 1 && !is_multi(name) {
        // A unit of a parent: its first words name the parent (`AWS Sales`, `Amazon Web
        // Services Japan`).
        for n in 1..w.len() {
            if let Some((canonical, _)) = built_in(&w[..n].concat()) {
                if PARENTS.contains(&canonical) {
                    return canonical.to_string();
                }
            }
        }
    }
    joined
}

/// The built-in display name of a canonical key (`amazon` → `Amazon`).
pub fn built_in_display(key: &str) -> Option<&'static str> {
    built_in(key).map(|(_, d)| d)
}

/// Capital letters in a spelling: of spellings equal but for case, a group shows the one
/// with the most (`DoorDash` over `Doordash`, see [`group`]).
pub fn capitals(spelling: &str) -> usize {
    spelling.chars().filter(|c| c.is_uppercase()).count()
}

/// Words that may be left out of (or counted in) an acronym.
const SMALL_WORDS: &[&str] = &["of", "and", "the", "for", "de", "&", "du", "la"];

/// True when `acronym` is the initials of `words` (`London Stock Exchange Group` → LSEG,
/// `Facebook AI Research` → FAIR: an all-capitals word may count whole; small words may be
/// skipped).
fn is_acronym_of(acronym: &str, words: &[&str]) -> bool {
    fn go(acr: &[u8], words: &[&str]) -> bool {
        let Some((w, rest)) = words.split_first() else {
            return acr.is_empty();
        };
        let lw = w.to_ascii_lowercase();
        let upper = w.to_ascii_uppercase();
        let small = SMALL_WORDS.contains(&lw.as_str());
        if small && go(acr, rest) {
            return true;
        }
        let Some(first) = upper.bytes().next() else {
            return go(acr, rest);
        };
        if acr.first() == Some(&first) && go(&acr[1..], rest) {
            return true;
        }
        // An all-capitals word (AI, UK) may count with all its letters, a camel-case word
        // (CenterCredit) with its capitals.
        let caps = w.len() > 1
            && w.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if caps && acr.starts_with(upper.as_bytes()) && go(&acr[upper.len()..], rest) {
            return true;
        }
        let capitals: Vec<u8> = w.bytes().filter(u8::is_ascii_uppercase).collect();
        capitals.len() > 1 && acr.starts_with(&capitals) && go(&acr[capitals.len()..], rest)
    }
    let acr = acronym.to_ascii_uppercase();
    words.len() >= 2 && go(acr.as_bytes(), words)
}

/// An acronym as written: 2–6 letters or digits, at least two capitals, nothing else.
fn looks_like_acronym(s: &str) -> bool {
    (2..=6).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric())
        && s.bytes().filter(u8::is_ascii_uppercase).count() >= 2
}

/// The shortest run of capitalised words ending `before` whose initials are `acronym`.
fn expansion<'a>(before: &'a str, acronym: &str) -> Option<Vec<&'a str>> {
    let tail: Vec<&str> = before
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let tail = &tail[tail.len().saturating_sub(10)..];
    for start in (0..tail.len()).rev() {
        let run = &tail[start..];
        let first = run[0];
        let capital = first.chars().next().is_some_and(char::is_uppercase);
        if capital
            && !SMALL_WORDS.contains(&first.to_ascii_lowercase().as_str())
            && is_acronym_of(acronym, run)
        {
            return Some(run.to_vec());
        }
    }
    None
}

/// Other names a case study's text gives its company: `Full Name (ACR)` or `ACR (Full
/// Name)` where one side is the company; `Company (formerly X)`, `Company, formerly X`,
/// `Company (previously known as X)`. Also the company field's own `Name (ACR)`.
pub fn text_aliases(company: &str, texts: &[&str]) -> Vec<String> {
    let mine = normalize(company);
    if mine.is_empty() || is_multi(company) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    let mut add = |alias: &str| {
        let alias = alias.trim().trim_end_matches(['.', ',', ';', ':']).trim();
        let k = normalize(alias);
        if !k.is_empty() && k != mine && !is_multi(alias) && !out.iter().any(|o| normalize(o) == k)
        {
            out.push(alias.to_string());
        }
    };
    // The company field itself: `Bank CenterCredit (BCC)`.
    if let (Some(open), Some(close)) = (company.find('('), company.rfind(')')) {
        if open < close {
            let inner = company[open + 1..close].trim();
            if looks_like_acronym(inner) && expansion(&company[..open], inner).is_some() {
                add(inner);
            }
        }
    }
    for text in texts {
        for (open, _) in text.match_indices('(') {
            let Some(len) = text[open + 1..].find(')') else {
                continue;
            };
            let inner = text[open + 1..open + 1 + len].trim();
            if inner.len() > 80 || inner.contains('\n') {
                continue;
            }
            let line_start = text[..open]
                .rfind(['\n', '.', ';', ':', '(', ')'])
                .map_or(0, |i| i + 1);
            let before = text[line_start..open].trim_end();
            if looks_like_acronym(inner) {
                // `Full Name (ACR)`.
                if let Some(full) = expansion(before, inner) {
                    let full = full.join(" ");
                    if normalize(&full) == mine {
                        add(inner);
                    } else if normalize(inner) == mine {
                        add(&full);
                    }
                }
                continue;
            }
            // `ACR (Full Name)`.
            let last = before.rsplit(char::is_whitespace).next().unwrap_or("");
            if looks_like_acronym(last) && normalize(last) == mine {
                let inner_words: Vec<&str> = inner.split_whitespace().collect();
                if is_acronym_of(last, &inner_words) {
                    add(inner);
                }
                continue;
            }
            // `Company (formerly X)`.
            let lower = inner.to_lowercase();
            for lead in [
                "formerly known as ",
                "previously known as ",
                "formerly ",
                "previously ",
            ] {
                if let Some(rest) = lower.strip_prefix(lead) {
                    let rest = &inner[inner.len() - rest.len()..];
                    if ends_with_name(before, &mine) {
                        add(rest.split([',', ';']).next().unwrap_or(rest));
                    }
                    break;
                }
            }
        }
        // `Company, formerly X,`
        for lead in [", formerly known as ", ", formerly "] {
            for (at, _) in text.match_indices(lead) {
                if !ends_with_name(&text[..at], &mine) {
                    continue;
                }
                let rest = &text[at + lead.len()..];
                let end = rest
                    .find([',', '.', ';', ')', '\n'])
                    .unwrap_or(rest.len())
                    .min(60);
                let end = (0..=end)
                    .rev()
                    .find(|&i| rest.is_char_boundary(i))
                    .unwrap_or(0);
                let name = &rest[..end];
                if name.chars().next().is_some_and(char::is_uppercase) {
                    add(name);
                }
            }
        }
    }
    out
}

/// True when `text` ends with the name whose normalised form is `name` (its last 1–6 words).
fn ends_with_name(text: &str, name: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().rev().take(6).collect();
    (1..=words.len()).any(|n| {
        let run: Vec<&str> = words[..n].iter().rev().copied().collect();
        normalize(&run.join(" ")) == name
    })
}

/// A company as the library shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouped {
    pub key: String,
    pub name: String,
}

/// Groups every case study's company: `companies` is `(id, company as written)`, `evidence`
/// `(id, alias its text gives)`. Returns each id's company key and display name.
///
/// Names are joined when their keys ([`key`]) are equal or the evidence links them; a link
/// that would join two different built-in companies is ignored (text is not trusted over
/// the table). A group's key is its built-in canonical key, else the key of its display
/// name; its display name is the built-in one, else its most frequent spelling (of equal
/// spellings but for case, the one with the most capitals: `DoorDash` over `Doordash`).
pub fn group(companies: &[(i64, String)], evidence: &[(i64, String)]) -> HashMap<i64, Grouped> {
    let mut uf = UnionFind::default();
    let mut keys: HashMap<i64, usize> = HashMap::new();
    let mut written: HashMap<i64, &str> = HashMap::new();
    for (id, company) in companies {
        let k = key(company);
        if k.is_empty() {
            continue;
        }
        keys.insert(*id, uf.node(&k));
        written.insert(*id, company);
    }
    for (id, alias) in evidence {
        let (Some(&a), Some(company)) = (keys.get(id), written.get(id)) else {
            continue;
        };
        if is_multi(company) {
            continue;
        }
        let k = key(alias);
        if k.is_empty() {
            continue;
        }
        let b = uf.node(&k);
        let (ra, rb) = (uf.find(a), uf.find(b));
        let (ca, cb) = (uf.built_in[ra], uf.built_in[rb]);
        if ca.is_some() && cb.is_some() && ca != cb {
            continue;
        }
        uf.union(ra, rb);
    }
    // Spellings per group: root → lower-cased spelling → (count, spellings with counts).
    let mut spellings: HashMap<usize, BTreeMap<String, BTreeMap<&str, u32>>> = HashMap::new();
    for (id, node) in &keys {
        let root = uf.find(*node);
        let w = written[id].trim();
        *spellings
            .entry(root)
            .or_default()
            .entry(w.to_lowercase())
            .or_default()
            .entry(w)
            .or_default() += 1;
    }
    let mut chosen: HashMap<usize, Grouped> = HashMap::new();
    for (root, by_lower) in &spellings {
        let name = match uf.built_in[*root] {
            Some(canonical) => built_in_display(canonical).unwrap_or(canonical).to_string(),
            None => {
                let (_, forms) = by_lower
                    .iter()
                    .max_by(|a, b| {
                        let total = |m: &BTreeMap<&str, u32>| m.values().sum::<u32>();
                        total(a.1)
                            .cmp(&total(b.1))
                            .then_with(|| b.0.len().cmp(&a.0.len()))
                            .then_with(|| b.0.cmp(a.0))
                    })
                    .expect("a group has a spelling");
                forms
                    .iter()
                    .max_by(|a, b| {
                        capitals(a.0)
                            .cmp(&capitals(b.0))
                            .then_with(|| a.1.cmp(b.1))
                            .then_with(|| b.0.cmp(a.0))
                    })
                    .map(|(s, _)| s.to_string())
                    .expect("a spelling")
            }
        };
        let key = match uf.built_in[*root] {
            Some(canonical) => canonical.to_string(),
            None => normalize(&name),
        };
        chosen.insert(*root, Grouped { key, name });
    }
    keys.into_iter()
        .filter_map(|(id, node)| chosen.get(&uf.find(node)).map(|g| (id, g.clone())))
        .collect()
}

/// Union-find over keys, remembering the built-in company a set holds.
#[derive(Default)]
struct UnionFind {
    ids: HashMap<String, usize>,
    parent: Vec<usize>,
    built_in: Vec<Option<&'static str>>,
}

impl UnionFind {
    fn node(&mut self, key: &str) -> usize {
        if let Some(&n) = self.ids.get(key) {
            return n;
        }
        let n = self.parent.len();
        self.parent.push(n);
        self.built_in.push(built_in(key).map(|(c, _)| c));
        self.ids.insert(key.to_string(), n);
        n
    }
    fn find(&mut self, mut n: usize) -> usize {
        while self.parent[n] != n {
            self.parent[n] = self.parent[self.parent[n]];
            n = self.parent[n];
        }
        n
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        // Keep the built-in company on the surviving root.
        let (keep, gone) = if self.built_in[rb].is_some() {
            (rb, ra)
        } else {
            (ra, rb)
        };
        self.parent[gone] = keep;
    }
}

#[cfg(test)]
mod tests;
