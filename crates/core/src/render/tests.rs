use super::*;

fn html(md: &str) -> String {
    to_html(md).html
}

#[test]
fn basic_markdown_renders() {
    let h = html("# Title\n\nSome *emphasis* and **strong** and `code`.\n\n- a\n- b\n");
    assert!(h.contains("<h1 id=\"h-title\">Title</h1>"), "{h}");
    assert!(h.contains("<em>emphasis</em>"), "{h}");
    assert!(h.contains("<strong>strong</strong>"), "{h}");
    assert!(h.contains("<code>code</code>"), "{h}");
    assert!(h.contains("<li>a</li>"), "{h}");
}

#[test]
fn extensions_tables_strikethrough_tasks_footnotes() {
    let md = "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n~~gone~~\n\n- [x] done\n- [ ] open\n\nSee[^note].\n\n[^note]: The note.\n";
    let h = html(md);
    assert!(h.contains("<table>"), "{h}");
    assert!(h.contains("<th class=\"align-left\">a</th>"), "{h}");
    assert!(h.contains("<td class=\"align-right\">2</td>"), "{h}");
    assert!(h.contains("<del>gone</del>"), "{h}");
    assert!(h.contains("task-done") && h.contains("task-open"), "{h}");
    assert!(!h.contains("<input"), "{h}");
    assert!(h.contains("href=\"#fn-1\""), "{h}");
    assert!(h.contains("id=\"fn-1\""), "{h}");
    assert!(h.contains("The note."), "{h}");
    assert!(!h.contains("style="), "{h}");
}

#[test]
fn headings_get_unique_ids_and_toc() {
    let r = to_html(
        "# Overview\n\n## Overview\n\n## Results & *Impact*\n\n### `code` head\n\n## !!!\n",
    );
    let anchors: Vec<&str> = r.toc.iter().map(|t| t.anchor.as_str()).collect();
    assert_eq!(
        anchors,
        [
            "h-overview",
            "h-overview-1",
            "h-results-impact",
            "h-code-head",
            "h-section"
        ]
    );
    assert_eq!(r.toc[2].text, "Results & Impact");
    assert_eq!(r.toc[2].level, 2);
    for a in &anchors {
        assert!(
            r.html.contains(&format!("id=\"{a}\"")),
            "{a} not in {}",
            r.html
        );
    }
    assert_eq!(
        headings("# Overview\n\n## Overview\n"),
        to_html("# Overview\n\n## Overview\n").toc
    );
    // In-page links follow the anchors.
    let h = html("## Next steps\n\n[jump](#next-steps)\n");
    assert!(h.contains("href=\"#h-next-steps\""), "{h}");
}

#[test]
fn links_are_restricted_and_get_rel() {
    let h = html("[ok](https://example.com/a?b=1&c=2) [mail](mailto:a@b.c) [rel](/settings) [proto](//evil.example)");
    assert!(
        h.contains("href=\"https://example.com/a?b=1&amp;c=2\""),
        "{h}"
    );
    assert!(h.contains("rel=\"noopener noreferrer\""), "{h}");
    assert!(h.contains("href=\"mailto:a@b.c\""), "{h}");
    assert!(!h.contains("/settings"), "{h}");
    assert!(!h.contains("evil.example"), "{h}");
    assert!(h.contains(">rel</a>"), "link text stays: {h}");
}

/// Everything an attacker could put in a case study body.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"https://tracker.example/pixel.gif\">",
    "<a href=\"javascript:alert(1)\">j</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">j</a>",
    "<a href=\"  javascript:alert(1)\">j</a>",
    "<a href=\"java&#x09;script:alert(1)\">j</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">j</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">d</a>",
    "<a href=\"vbscript:msgbox(1)\">v</a>",
    "[md](javascript:alert(1))",
    "[md2](JAVASCRIPT:alert(1))",
    "![img](javascript:alert(1))",
    "![img](data:image/png;base64,AAAA)",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<object data=\"x.swf\"></object>",
    "<embed src=\"x.swf\">",
    "<form action=\"https://evil.example\"><input name=q><button>go</button></form>",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)><circle/></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<base href=\"https://evil.example/\">",
    "<link rel=stylesheet href=\"https://evil.example/x.css\">",
    "<style>body{display:none}</style>",
    "<div style=\"position:fixed;top:0\">overlay</div>",
    "<p onclick=\"alert(1)\" onmouseover=alert(1)>click</p>",
    "<div id=\"__TAURI__\" class=\"modal-backdrop\">clobber</div>",
    "<a href=\"https://ok.example\" target=\"_blank\" rel=\"opener\">t</a>",
    "<details open ontoggle=alert(1)><summary>s</summary></details>",
    "<video src=x onerror=alert(1)></video><audio src=x>",
    "<textarea><script>alert(1)</script></textarea>",
    "<noscript><img src=x onerror=alert(1)></noscript>",
    "<!-- <script>alert(1)</script> -->",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    "<template><script>alert(1)</script></template>",
    "<a href=\"#\" onclick=\"alert(1)\">hash</a>",
];

fn assert_safe(h: &str, input: &str) {
    // Text content has `<` escaped, so every `<` of the output opens a tag.
    let lower = h.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(p) = rest.find('<') {
        let after = &rest[p + 1..];
        let end = after.find('>').unwrap_or(after.len());
        let tag = &after[..end];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            [
                "a",
                "abbr",
                "b",
                "blockquote",
                "br",
                "caption",
                "cite",
                "code",
                "col",
                "colgroup",
                "dd",
                "del",
                "details",
                "dfn",
                "div",
                "dl",
                "dt",
                "em",
                "figcaption",
                "figure",
                "h1",
                "h2",
                "h3",
                "h4",
                "h5",
                "h6",
                "hr",
                "i",
                "ins",
                "kbd",
                "li",
                "mark",
                "ol",
                "p",
                "pre",
                "q",
                "s",
                "samp",
                "small",
                "span",
                "strike",
                "strong",
                "sub",
                "summary",
                "sup",
                "table",
                "tbody",
                "td",
                "tfoot",
                "th",
                "thead",
                "time",
                "tr",
                "u",
                "ul",
                "var",
                "wbr",
            ]
            .contains(&name.as_str()),
            "tag {name:?} survived in {h:?} (from {input:?})"
        );
        for bad in [
            "javascript:",
            "vbscript:",
            "data:",
            "style=",
            "target=",
            "src=",
            "__tauri__",
            "modal-backdrop",
            "rel=\"opener",
        ] {
            assert!(!tag.contains(bad), "{bad:?} in <{tag}> (from {input:?})");
        }
        assert!(
            !tag.split_whitespace().skip(1).any(|a| a.starts_with("on")),
            "event handler in <{tag}> (from {input:?})"
        );
        for attr in tag.split_whitespace().skip(1) {
            if let Some(id) = attr.strip_prefix("id=\"") {
                assert!(
                    id.starts_with("h-") || id.starts_with("fn-") || id.starts_with("fnref-"),
                    "id {id} (from {input:?})"
                );
            }
            if let Some(href) = attr.strip_prefix("href=\"") {
                assert!(
                    ["http://", "https://", "mailto:", "#h-", "#fn-", "#fnref-"]
                        .iter()
                        .any(|p| href.starts_with(p)),
                    "href {href} (from {input:?})"
                );
            }
        }
        rest = &after[end.min(after.len())..];
    }
}

#[test]
fn hostile_bodies_are_neutralised() {
    for input in HOSTILE {
        assert_safe(&html(input), input);
        // Also inside Markdown structure and inline.
        let md = format!(
            "# T\n\nText {input} more\n\n> {input}\n\n- {input}\n\n| a |\n|---|\n| {input} |\n"
        );
        assert_safe(&html(&md), &md);
    }
    let all = HOSTILE.join("\n\n");
    let h = html(&all);
    assert_safe(&h, &all);
    // Harmless text survives.
    assert!(h.contains("overlay"), "{h}");
    assert!(h.contains("click"), "{h}");
}

#[test]
fn remote_images_become_links() {
    let h = html("![A diagram](https://example.com/d.png \"Fig 1\")");
    assert!(
        h.contains("<a class=\"remote-image\" href=\"https://example.com/d.png\" title=\"Fig 1\" rel=\"noopener noreferrer\">[image: A diagram]</a>")
            || (h.contains("class=\"remote-image\"") && h.contains("[image: A diagram]")),
        "{h}"
    );
    assert!(!h.contains("<img"), "{h}");
    let h = html("<img src=\"https://example.com/x.png\" alt=\"raw &amp; alt\">");
    assert!(h.contains("href=\"https://example.com/x.png\""), "{h}");
    assert!(h.contains("[image: raw &amp; alt]"), "{h}");
    // Inside a link: no nested anchors.
    let h = html("[![logo](https://x.example/l.png)](https://x.example)");
    assert!(
        h.contains("<span class=\"remote-image\">[image: logo]</span>"),
        "{h}"
    );
    // Local or odd sources: a label without a link.
    let h = html("![](img/local.png)");
    assert!(h.contains("[image]") && !h.contains("local.png"), "{h}");
}

#[test]
fn code_language_classes_survive_others_do_not() {
    let h = html("```rust\nfn main() {}\n```\n\n```x\" onload=\"y\n1\n```\n");
    assert!(h.contains("class=\"language-rust\""), "{h}");
    assert!(!h.contains("onload"), "{h}");
}

#[test]
fn plain_text_blocks_and_markup() {
    let md = "# Title\n\nFirst *para*\ncontinues.\n\n## Sub\n\n- one\n- two\n\n1. a\n2. b\n\n| h1 | h2 |\n|----|----|\n| c1 | c2 |\n\n> quote\n\n```\ncode line\n```\n\nEnd<br>line &amp; more &copy; &#x41;.";
    let t = to_plain_text(md);
    assert_eq!(
        t,
        "Title\n\nFirst para continues.\n\nSub\n\none\ntwo\n\na\nb\n\nh1 h2\nc1 c2\n\nquote\n\ncode line\n\nEnd\nline & more © A."
    );
}

#[test]
fn plain_text_drops_raw_html_and_never_glues_words() {
    let md = "<div>Hello</div>\n<div>World</div>\n\nA<script>evil()</script>B <style>x{}</style>C\n\n<p>one</p><p>two</p>\n\n<table><tr><td>x</td><td>y</td></tr></table>\n\n<!-- hidden -->visible";
    let t = to_plain_text(md);
    assert!(
        !t.contains('<') && !t.contains("evil") && !t.contains("x{}"),
        "{t}"
    );
    assert!(!t.contains("hidden"), "{t}");
    assert!(t.contains("Hello") && t.contains("World"), "{t}");
    assert!(!t.contains("HelloWorld"), "{t}");
    assert!(!t.contains("onetwo"), "{t}");
    assert!(!t.contains("xy"), "{t}");
    assert!(t.contains("visible"), "{t}");
    // Headings and list items on their own lines.
    let t = to_plain_text("Para\n# Head\n* item one\n* item two");
    assert_eq!(t, "Para\n\nHead\n\nitem one\nitem two");
    // Multi-line raw tags.
    let t = to_plain_text("<div\n  class=\"x\">inside</div>\n");
    assert_eq!(t, "inside");
}

#[test]
fn entity_decoding() {
    assert_eq!(
        decode_entities("a &amp; b &lt;c&gt; &#169; &#xA9; &nbsp;"),
        "a & b <c> © © \u{a0}"
    );
    assert_eq!(
        decode_entities("AT&T &unknown; &#xZZ; & &#;"),
        "AT&T &unknown; &#xZZ; & &#;"
    );
    assert_eq!(decode_entities("&#0; &#x110000;"), "\u{FFFD} \u{FFFD}");
    assert_eq!(decode_entities("&"), "&");
}

#[test]
fn first_paragraph_skips_headings() {
    assert_eq!(
        first_paragraph("# Head\n\nThe  first\nparagraph.\n\nSecond."),
        "The first paragraph."
    );
    assert_eq!(first_paragraph("# Only heading"), "");
}

#[test]
fn deep_nesting_and_huge_inputs_do_not_crash() {
    let deep_quotes = ">".repeat(20_000) + " x";
    let _ = to_html(&deep_quotes);
    let _ = to_plain_text(&deep_quotes);
    let deep_divs = "<div>".repeat(20_000) + "x" + &"</div>".repeat(20_000);
    let _ = to_html(&deep_divs);
    let _ = to_plain_text(&deep_divs);
    let deep_lists = (0..2_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect::<String>();
    let _ = to_html(&deep_lists);
    let emph = "*a **b ".repeat(10_000);
    let _ = to_html(&emph);
    let brackets = "[".repeat(50_000) + &"]".repeat(50_000);
    let _ = to_html(&brackets);
    let _ = to_plain_text(&brackets);
}

#[test]
fn odd_strings_never_panic_and_are_deterministic() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let alphabet: Vec<char> = "<>&;#/=\"' \n\t*_`[]()!-|:~\\x0aé€😀\u{0}\u{200B}\u{FEFF}ab1&amp;&#"
        .chars()
        .collect();
    for _ in 0..1_500 {
        let len = (seed % 80) as usize;
        let mut s = String::new();
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let a = to_html(&s);
        assert_eq!(a, to_html(&s));
        assert_safe(&a.html, &s);
        let t = to_plain_text(&s);
        assert_eq!(t, to_plain_text(&s));
        let _ = headings(&s);
        let _ = first_paragraph(&s);
        let _ = decode_entities(&s);
    }
    for s in [
        "",
        " ",
        "\u{0}",
        "&",
        "<",
        "<img",
        "<img src=",
        "<img src='",
        "<!--",
        "<a href=",
        "\u{FEFF}",
    ] {
        let _ = to_html(s);
        let _ = to_plain_text(s);
    }
}

#[test]
fn a_first_heading_repeating_the_title_is_left_to_the_reader_header() {
    let md = "#  Support  Assistant at **Acme**\n\n## Overview\n\nText.\n";
    assert_eq!(
        without_title_heading(md, "Support assistant at Acme").trim_start(),
        "## Overview\n\nText.\n"
    );
    // A title cut short at a word (the cap) still names the heading.
    let long = "# Building an assistant for the support team\n\nText.\n";
    assert_eq!(
        without_title_heading(long, "Building an assistant for the…").trim_start(),
        "Text.\n"
    );
    // Anything else stays: another heading, a second-level title, a title further down.
    for (md, title) in [
        ("# Overview\n\nText.\n", "Support assistant at Acme"),
        (
            "## Support assistant at Acme\n\nText.\n",
            "Support assistant at Acme",
        ),
        (
            "Intro.\n\n# Support assistant at Acme\n",
            "Support assistant at Acme",
        ),
        ("# \n\nText.\n", ""),
    ] {
        assert_eq!(without_title_heading(md, title), md);
    }
    let toc = to_html(without_title_heading(md, "Support assistant at Acme")).toc;
    assert_eq!(toc.len(), 1);
    assert_eq!(toc[0].text, "Overview");
}

/// Quotes and lists nested past the limit are shown at the limit, and raw HTML past its
/// budget as text: the sanitiser's parser never sees nesting that costs it the square of
/// the depth (100,000 nested quotes took a minute). No text is lost.
#[test]
fn nesting_is_capped_and_nothing_is_lost() {
    let quotes = format!("{} deep words", ">".repeat(100_000));
    let h = html(&quotes);
    assert_eq!(h.matches("<blockquote>").count(), MAX_CONTAINER_DEPTH);
    assert!(h.contains("deep words"));
    let lists = format!("{}item words", "- ".repeat(100_000));
    let h = html(&lists);
    assert!(
        h.matches("<ul>").count() <= MAX_CONTAINER_DEPTH / 2,
        "{}",
        h.len()
    );
    assert!(h.contains("item words"));
    // Ordinary nesting is untouched.
    assert_eq!(html("> a\n>\n> > b\n").matches("<blockquote>").count(), 2);
    let raw = format!("text {} words", "<div>".repeat(100_000));
    let h = html(&raw);
    assert!(h.matches("<div>").count() <= MAX_RAW_HTML_TAGS);
    assert!(h.contains("&lt;div&gt;") && h.contains("words"));
    assert!(html("a <b>bold</b> c").contains("<b>bold</b>"));
    let attrs = format!("text <p {}>x</p> words", "a=1 ".repeat(100_000));
    let h = html(&attrs);
    assert!(h.contains("a=1") && h.contains("words"), "{}", h.len());
}

/// Headings alike are numbered in order, each number tried once (100,000 `# h` lines took
/// minutes when every heading tried every number before its own).
#[test]
fn many_headings_alike_are_numbered_without_retrying() {
    let toc = headings(&"# Overview\n".repeat(100_000));
    assert_eq!(toc.len(), 100_000);
    assert_eq!(toc[0].anchor, "h-overview");
    assert_eq!(toc[1].anchor, "h-overview-1");
    assert_eq!(toc[99_999].anchor, "h-overview-99999");
    // A heading whose own slug takes a number is skipped over, as before.
    let toc = headings("# A\n# A 1\n# A\n# A\n");
    let anchors: Vec<&str> = toc.iter().map(|t| t.anchor.as_str()).collect();
    assert_eq!(anchors, ["h-a", "h-a-1", "h-a-2", "h-a-3"]);
}

/// A body past the reader's limit is cut before the first block that does not fit, and says
/// so; a body within it renders whole; one huge paragraph is cut at a space.
#[test]
fn the_reader_renders_a_bounded_part_of_a_huge_body() {
    let many = "## Heading\n\nSome text here.\n\n".repeat(20_000);
    assert!(many.len() > READER_MAX_MARKDOWN);
    let body = to_reader_html(&many);
    assert!(
        body.html.len() < READER_MAX_MARKDOWN * 3 && body.html.len() * 2 < html(&many).len(),
        "{}",
        body.html.len()
    );
    assert!(
        body.toc.len() < 20_000 && body.toc.len() > 1_000,
        "{}",
        body.toc.len()
    );
    assert!(body
        .html
        .contains("The reader shows the first 255 KB of this case study"));
    assert_eq!(body.html.matches("<h2").count(), body.toc.len());
    assert!(!body.html.contains("<h2 id=\"user-content-heading-20000\""));
    let small = "## A\n\ntext\n";
    assert_eq!(to_reader_html(small), to_html(small));
    let word = "word ".repeat(READER_MAX_MARKDOWN / 4);
    let one = to_reader_html(&word);
    assert!(one.html.len() < READER_MAX_MARKDOWN + 1024 && one.html.contains("The reader shows"));
    // One word longer than the limit (after the blank line a removed title left) is cut
    // inside it, not at that blank line.
    let long = format!("\n\n{} tail", "a".repeat(300_000));
    let text = to_plain_text(&long);
    let shown = to_reader_html(&long).html;
    assert!(
        shown.matches('a').count() > READER_MAX_MARKDOWN - 100,
        "{}",
        shown.len()
    );
    assert!(text.len() > READER_MAX_MARKDOWN);
}
