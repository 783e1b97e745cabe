#!/usr/bin/env python3
"""Hand-made fuzz inputs for lines the fuzzers had not reached (found with fuzz/coverage.py):
every label spelling of the labelled and scraped shapes, HTML entities, HTML-wrapped Markdown,
HTML chrome roles and prologues, JSON records with one wrong type each, broken CSV and front
matter, binary look-alikes. Usage: fuzz/seed-gaps.py DIR  (writes DIR/<target>/<name>); the
inputs that add coverage were merged into crates/core/tests/fuzz-corpus."""
import os, json, sys
out = sys.argv[1]
NAMES = ["a.md","a.markdown","a.txt","a.html","a.htm","a.json","a.jsonl","a.ndjson","a.csv","a.tsv","a.text","noextension","a.xml","a.pdf","a.PNG",".md"]
def pf(name, body, ext):
    d = f"{out}/parse_file"; os.makedirs(d, exist_ok=True)
    b = body.encode() if isinstance(body, str) else body
    open(f"{d}/{name}", "wb").write(bytes([NAMES.index(ext)]) + b)
def rm(name, body):
    d = f"{out}/render_markdown"; os.makedirs(d, exist_ok=True); open(f"{d}/{name}", "w").write(body)
def q(name, body):
    d = f"{out}/query"; os.makedirs(d, exist_ok=True); open(f"{d}/{name}", "w").write(body)
def zp(name, members, deflate=False):
    d = f"{out}/zip_archive"; os.makedirs(d, exist_ok=True)
    spec = b"".join(n.encode() + b"\0" + (c.encode() if isinstance(c, str) else c) + b"\0" for n, c in members)
    open(f"{d}/{name}", "wb").write(bytes([3 if deflate else 1]) + spec)

BODY = ("Acme built a retrieval-augmented assistant for support agents. The team evaluated "
        "embeddings, added guardrails and cut latency by half.\n\nThey fine-tuned a small model "
        "and monitored hallucinations in production with human review.\n")
ENT = "&quot;q&quot; &apos;a&apos; &nbsp;x &ndash; &mdash; &hellip; &lsquo;s&rsquo; &ldquo;d&rdquo; &laquo;g&raquo; &bull; &copy; &reg; &trade; &deg; &times; &rarr; &larr; &eacute;&egrave;&aacute;&agrave;&uuml;&ouml;&auml;&szlig;&ccedil;&ntilde; &euro; &pound; &amp; &lt; &gt; &#39; &#x2014; &bogus; &toolongentityname;"

# labelled text: every label spelling, repeated labels, labels with a parenthesis
labels = [("Organization", "Acme Corp"), ("Organisation", "Acme Ltd"), ("Title", f"Support assistant {ENT}"),
          ("Title", "Second title ignored"), ("Industries", "Tech"), ("Industry", "Finance"),
          ("Date", "March 2023"), ("Year", "2024"), ("Short summary", "A short summary."),
          ("Description", "A description."), ("Abstract", "An abstract."), ("Summary (short)", "Summary."),
          ("Technologies", "rag agents"), ("Techniques", "rag, fine-tuning; agents | guardrails"),
          ("LLMOps tags", "chatbot"), ("Tags", "x"), ("URL", "https://example.com/a"), ("Source", "https://example.com/b"),
          ("Source URL", "https://example.com/c"), ("Original source", "https://example.com/d"), ("Link", "https://example.com/e")]
pf("labelled-inline-all", "".join(f"{k}: {v}\n" for k, v in labels) + "\n" + BODY, "a.txt")
pf("labelled-blocks-all", "".join(f"{k}\n{v}\n" for k, v in labels) + "\n## Overview " + BODY +
   "\n\n\nDetails: more text\n**Bold:** value\nResults: 40% faster.\n1. one\n2. two\n3. three and then a sentence. Another one follows here", "a.text")
pf("labelled-title-later", "Company\nAcme\n\n\nIndustry\nTech\nTitle\nLate title\nSummary\nS\nTags\nrag agents\n" + BODY, "noextension")
# scraped pages: label lines of every spelling, list items, view-source and related markers
for i, (lab, val) in enumerate([("Sector", "Healthcare"), ("Industries", "Tech"), ("Technology", "rag, agents"),
                                ("Tech stack", "pytorch"), ("Techniques", "rag"), ("LLMOps tags", "rag"), ("Organization", "Acme"),
                                ("Organisation", "Acme"), ("Published", "2023"), ("Date", "2022")]):
    pf(f"scraped-label-{i}", f"Acme builds a support bot\n{lab}\n{val}\n{lab}: {val}\nhealthcare customer_support content_moderation +43\nRAG, Fine Tuning, Agents\n"
       "View original source →\n## The problem\n" + BODY + "* star item\n• bullet item\n- dash item\n12. numbered\n1) paren\n"
       "A heading without a stop\nA sentence that ends with a quote”\nRelated case studies\nMore like this\nYou may also like\nSee also\nRead next\n"
       "Similar\nOther case studies\nYou might also like:\nRelated posts\nRelated articles\nSimilar case studies\nMore case studies\n", "a.txt")
pf("scraped-view", "Title here\nRead the original →\nView original ›\nRead original\nView source\nOriginal source\n" + BODY, "a.txt")
# markdown with entities in the title and odd headings
pf("md-entities", f"# Title {ENT}\n\n{BODY}\n\nSign up for our newsletter\n\n[Contact us](https://x)\n", "a.md")
pf("md-year-forms", "# T\n\nPublished 2023.0, year 20234, 1999-2001, '23, FY2024, 2023/24.\n\n" + BODY, "a.markdown")
# front matter: comments, lists, invalid YAML (lenient reader), `...` end, leading blank lines
pf("fm-lenient", "\n\n---\n# a comment\ntitle: T: with: colons\ntags:\n  - rag\n  - agents\n\n  # indented comment\ncompany: [unclosed\nindustry: tech\n...\n" + BODY, "a.md")
pf("fm-list-append", "---\ntags: rag\ntags:\n- a\n- b\nllmopsTags:\n  - x\ntitle: |\n  multi\n  line\n---\n" + BODY, ".md")
pf("fm-unterminated", "---\ntitle: T\ncompany: C\n" + BODY, "a.md")
# HTML: xml prolog, comment first, doctype variants, roles, main/article, JSON-LD nested, inline elements, tables
LD = json.dumps({"@graph": [[{"x": {"y": {"z": {"w": {"v": {"u": {"t": {"datePublished": "2019-01-01"}}}}}}}}], {"@type": "Article", "datePublished": "2023-05-01", "headline": "H"}]})
HTML = ("<html><head><title>Case study | Acme Blog</title><meta name=\"keywords\" content=\"rag, agents\">"
        f"<script type=\"application/ld+json\">{LD}</script><script type=\"application/ld+json\">[{{\"datePublished\": \"2021\"}}]</script></head>"
        "<body><div role=\"navigation\">nav</div><div role=\"banner\">b</div><div role=\"contentinfo\">c</div><div role=\"complementary\">x</div>"
        "<div role=\"dialog\">d</div><div role=\"alertdialog\">a</div><main><article><h1>Title &amp; more</h1>"
        "<p>Text with <abbr>LLM</abbr>, <var>x</var>, <sub>2</sub>, <sup>3</sup>, <small>s</small>, <span> spaced </span><em> lead</em> and <a href=\"javascript:alert(1)\"> link </a>.</p>"
        "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody><tr><td>3</td></tr><tfoot><tr><td>f</td></tr></tfoot></table>"
        "<table><tr><td><table><tr><td>nested</td></tr></table></td></tr></table>"
        "<ul><li>one<ul><li>two<ol><li>three</li></ol></li></ul></li></ul><pre><code>code</code></pre><blockquote>q</blockquote>"
        f"<p>{BODY}</p></article></main><footer>f</footer></body></html>")
pf("html-xml", "<?xml version=\"1.0\"?>\n" + HTML, "a.xml")
pf("html-comment", "<!-- saved page -->\n<!DOCTYPE html>" + HTML, "noextension")
pf("html-doctype", "<!doctype html>" + HTML.replace("<main>", "<div class=\"content\">").replace("</main>", "</div>").replace(" | Acme Blog", " - Acme"), "a.htm")
pf("html-bodyonly", "<div><p>x</p></div><body><p>" + BODY + "</p></body>", "a.txt")
pf("html-article-only", "<html><head><title>Acme — Case study</title></head><body><article><h2>Sub</h2><p>" + BODY + "</p></article></body></html>", "a.html")
pf("html-no-main", "<html><head><title>A</title></head><body><div id=\"content\"><p>" + BODY + "</p></div><div class=\"post\"><p>p</p></div></body></html>", "a.html")
# JSON records: nulls, numbers, bools, lists of non-text, tag objects, tags as an object, many tags, nested arrays
many = [f"t{i}" for i in range(1200)]
recs = [{"title": None, "company": 42, "industry": ["Tech", 1], "summary": True, "body": BODY, "tags": [{"name": "rag"}, {"slug": "agents"}, {"x": 1}, 3, None], "year": 2023.0, "date": "2020-01-01"},
        {"title": ["A", "B"], "company": ["x", {"a": 1}], "body": BODY, "tags": {"a": 1}, "year": "2021", "link": None},
        {"title": "Many tags", "body": BODY, "tags": many, "year": 20231, "date": 2019},
        {"title": {"nested": 1}, "body": BODY, "industries": ["Finance"], "slug": 7},
        {"name": "Alt keys", "content": BODY, "organization": "Acme", "keywords": "a, b", "published": "May 2022", "url": "https://x"}]
pf("json-types", json.dumps(recs), "a.json")
pf("json-nested", json.dumps({"meta": {"count": 2}, "data": {"items": recs[:2]}}), "a.json")
pf("json-deep", json.dumps({"a": {"b": {"c": {"items": recs[:1]}}}}), "a.json")
pf("json-empty-list", json.dumps({"items": [], "case_studies": recs[:1]}), "a.json")
pf("json-single", json.dumps(recs[0]), "a.json")
pf("jsonl-bad-first", "{not json\n" + "\n".join(json.dumps(r) for r in recs), "a.jsonl")
pf("ndjson", "\n".join(json.dumps(r) for r in recs) + "\n[1,2]\n\"str\"\n{}\n", "a.ndjson")
pf("ndjson-array", "[" + json.dumps(recs[0]) + ",\n", "a.ndjson")
pf("json-trailing", json.dumps(recs) + " trailing", "a.json")
# CSV/TSV: odd headers, quoting, empty header, ragged rows
pf("csv-ragged", "title,company,tags,year,,Title\n\"Quoted, title\",Acme,\"rag, agents\",2023,x\nNo body,B\n\"unterminated,C,1\n", "a.csv")
pf("csv-empty-header", "\n\n", "a.csv")
pf("tsv", "title\tcompany\tbody\tindustry\nT\tAcme\t" + BODY.replace("\n", " ") + "\tTech\n", "a.tsv")
pf("csv-sniffed", "title,company,summary,body\nT,Acme,S,\"" + BODY + "\"\n", "a.txt")
# decoding: NULs, control characters, invalid UTF-8 around multibyte, UTF-16, binary magic numbers
pf("nuls-few", "Title: T\n" + "x" * 900 + "\0" * 9 + BODY, "a.txt")
pf("nuls-many", b"Title: T\n" + b"\0\x01" * 400, "a.txt")
pf("controls", "Title: T\n" + "\x01\x02\x03\x04\x05\x06\x07\x0b" * 20 + BODY, "a.txt")
pf("mixed-utf8", "Title: Café\n".encode() + b"\xff\xfe caf\xc3\xa9 na\xc3\xafve \x80 r\xc3\xa9sum\xc3\xa9 " + BODY.encode(), "a.txt")
pf("latin1", "Title: Caf\xe9 na\xefve\n\n".encode("latin-1") + BODY.encode(), "a.txt")
pf("utf16", "\ufeffTitle: T\n\n".encode("utf-16-le") + BODY.encode("utf-16-le"), "a.txt")
pf("riff", b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\0" * 64, "a.PNG")
pf("riff-wav", b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\0" * 64, "a.txt")
pf("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a.pdf")
# render: headings with inline markup, aligned tables, attributes, raw HTML
rm("tables-aligned", "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n\n# H *em* `code` <b>x</b>\n\n## H2 [link](http://x)\n\nSetext\n===\n\n<td colspan=\"2\" rowspan=\"3\">x</td><ol start=\"3\"><li>a</li></ol>\n<img src=x onerror=alert(1) ALT=a TITLE='t' data-x>\n<a href=\"https://x\" target=_blank rel=noopener>l</a>\n<p/ class=x>\n&amp;&lt;&quot;&#x27;&#39;&bogus;&nbsp;\n\nText\\\nhard break  \nsoft\n\n- [ ] task\n- [x] done\n\nfoot[^1]\n\n[^1]: note\n\n~~strike~~\n\n> quote\n>\n> > nested\n\n```rust\ncode\n```\n\n***\n\n<!-- comment -->\n<script>alert(1)</script>\n<style>x</style>\n")
rm("headings-empty", "#\n\n##   \n\n###### six\n\n####### seven\n\n# dup\n\n# dup\n\n# <i>only html</i>\n")
rm("plain-all", "![img *alt*](x.png \"t\")\n\n<details><summary>s</summary>d</details>\n\n| x |\n|---|\n\n1. a\n   2. b\n\nterm\n: def\n\n$math$\n")
# query: transposition typo, doubled letters, long prefixes, unfinished hyphenated words, fields
for i, s in enumerate(["retreival", "agnets", "evaluat", "fine-tunin", "fine-tuni", "hallucinatoin", "guardrials latency",
                       "custmer suport", "\"fine-tuning\" -agents", "company:acme year:2020..2023", "tag:rag industry:tech",
                       "year:>2020", "year:<2024", "year:2021..", "year:..2022", "title:\"support assistant\"", "embeddings*", "evaluations*",
                       "a" * 60, "z" * 3, "ConverseNow Ashka", "onions", "drive-thru", "drivethru", "restaurant ordering voice",
                       "(rag OR agents) AND NOT latency", "+rag -agents", "\"no onions\"", "llm*", "prod* deploy*"]):
    q(f"q{i}", s)
zp("zip-shapes", [("a/case.md", "# Z\n\n" + BODY), ("b/rec.json", json.dumps(recs[:2])), ("c/page.html", HTML), ("../evil.md", BODY), ("/abs.md", BODY), ("nested.zip", b"PK\x03\x04junk")], True)
# scraped pages in the shape of the LLMOps Database's web pages, with every label spelling
def scraped(extra, tail=""):
    return ("ZenML\n\nAcme builds a support bot\n\nAcme 2024\nView original source\n\n"
            "Acme built an assistant that answers support questions with retrieval.\n\n"
            f"Industry\n\nTech\n\n{extra}Technologies\n\nhealthcare customer_support content_moderation +43\n\nOverview\n\n" + BODY +
            "\n* star item\n• bullet item\n- dash item\n12. numbered\n\nA heading without a stop\n\nMore text.\n" + tail)
alias_blocks = ["Sector\n\nHealthcare\n\n", "Industries\n\nFinance\n\n", "Technology\n\nRAG, Fine Tuning, Agents\n\n", "Tech stack\n\npytorch, docker\n\n",
                "Techniques\n\nrag\n\n", "LLMOps tags\n\nrag agents\n\n", "Tags\n\nrag\n\n", "Organization\n\nAcme Corp\n\n", "Organisation\n\nAcme Ltd\n\n",
                "Company\n\nAcme\n\n", "Published\n\nMarch 2023\n\n", "Date\n\n2022\n\n", "Year\n\n2021\n\n", "Sector: Retail\n\n", "Published: 2020\n\n",
                "Technology: rag, agents\n\n", "Organization: Acme\n\n"]
for i, a in enumerate(alias_blocks):
    pf(f"scraped2-{i}", scraped(a), "a.txt")
for i, m in enumerate(["Related case studies", "More like this", "You may also like", "See also", "Read next", "Similar", "Other case studies",
                       "You might also like:", "Related posts", "Related articles", "Similar case studies", "More case studies", "Related"]):
    pf(f"scraped-related-{i}", scraped("", f"\n{m}\n\nAnother case study title\n\nAnd another\n"), "noextension")
for i, v in enumerate(["Read the original →", "View original ›", "Read original", "View source", "Original source", "View original >"]):
    pf(f"scraped-view-{i}", scraped("").replace("View original source", v), "a.txt")
pf("scraped-long-tags", scraped("", "").replace("healthcare customer_support", "x " * 1100), "a.txt")
# HTML-wrapped Markdown bodies (older database entries), with every named entity
WRAP = f"<p>## Heading {ENT}<br /><br />Text &amp; more<br/><br>{BODY}<br /></p><p class=\"x\">second</p><P>upper<BR></P><span>kept</span> a < b and <notatag"
pf("wrapped-md", "# Title\n\n" + WRAP, "a.md")
pf("wrapped-fm", "---\ntitle: T\ncompany: Acme\n---\n" + WRAP, "a.md")
pf("wrapped-json", json.dumps([{"title": "W", "body": WRAP, "company": "Acme"}]), "a.json")
pf("wrapped-labelled", "Company\nAcme\nTitle\nT\nIndustry\nTech\nYear\n2023\nSummary (short)\nS\n" + WRAP, "a.txt")
# chrome roles inside the main content, front matter only the lenient reader reads, broken JSON/CSV
ROLES = "".join(f"<div role=\"{r}\">{r} chrome</div>" for r in ["navigation", "Banner", "contentinfo", "complementary", "dialog", "alertdialog", "search"])
pf("html-roles-in-main", f"<html><head><title>Acme | Blog</title></head><body><main>{ROLES}<nav>n</nav><div aria-hidden=\"true\">h</div><div style=\"display: none\">s</div><div hidden>h</div><p>{BODY}</p></main></body></html>", "a.html")
pf("html-roles-in-article", f"<html><body><article>{ROLES}<p>{BODY}</p><p> <b>bold</b> <i> it </i></p></article></body></html>", "a.html")
pf("html-roles-body", f"<html><body>{ROLES}<div><p>{BODY}</p><ul><li>a</li><li><ol><li>b</li></ol></li></ul><table><tr><th>h</th></tr><tr><td>c</td></tr></table></div></body></html>", "a.html")
pf("html-role-main", f"<html><body><div role=\"main\"><p>{BODY}</p></div></body></html>", "a.html")
pf("html-class-content", f"<html><body><div class=\"post-content\"><p>{BODY}</p></div><div id=\"main-content\"><p>x</p></div></body></html>", "a.html")
pf("fm-broken-lenient", "---\n# comment first\ntitle: \"T\n  nested: map\ntags:\n- rag\n-\n- 'agents'\ncompany: 'Acme'\n\tindented: x\nbad: [\n---\n" + BODY, "a.md")
pf("fm-broken-tabs", "---\ntitle:\ttabbed\n\ttags: x\nllmopsTags:\n  - \"rag\"\n  - \"\"\n: no key\n---\n" + BODY, "a.markdown")
pf("json-malformed", "{\"title\": \"T\", \"body\": \"unterminated", "a.json")
pf("json-malformed-array", "[{\"title\": \"T\"}, {\"title\": ]", "a.json")
pf("json-not-records", "[1, 2, 3]", "a.json")
pf("json-scalar", "\"just a string\"", "a.json")
pf("csv-bad-header", b"title,\xff\xfe,company\nT,x,Acme\n", "a.csv")
pf("csv-one-col", "just,a\n", "a.csv")
pf("tsv-quoted", "title\tbody\n\"T\t1\"\t\"b\"\"q\"\n", "a.tsv")
# one fault per record, so each reaches its own branch
single = [{"title": "T1", "body": BODY, "tags": {"a": 1}}, {"title": "T2", "body": BODY, "tags": True}, {"title": "T3", "body": BODY, "year": True, "date": [2020]},
          {"title": "T4", "body": BODY, "tags": [[1], {"label": "x"}, {"title": "y"}, False]}, {"title": "T5", "body": BODY, "industry": [1, {"a": 2}, "Tech"]},
          {"title": "T6", "body": BODY, "summary": [1, None, True]}, {"title": "T7", "body": BODY, "company": {"name": "x"}}, {"title": "T8", "body": [BODY, 3]}]
pf("json-single-faults", json.dumps(single), "a.json")
pf("jsonl-single-faults", "\n".join(json.dumps(r) for r in single), "a.jsonl")
pf("fm-single-faults", "---\ntitle: T\ntags:\n  a: 1\nyear: true\ncompany:\n  name: x\nsummary: [1, 2]\n---\n" + BODY, "a.md")
# whole search requests as the webview sends them (a NUL byte, then JSON): filters, sorts, pages, extremes
def req(name, r):
    d = f"{out}/query"; os.makedirs(d, exist_ok=True); open(f"{d}/{name}", "wb").write(b"\0" + json.dumps(r).encode())
F = {"tags": ["rag", "fine-tuning"], "tag_mode": "any", "industries": ["tech"], "companies": ["ConverseNow", "zenml"],
     "year_from": 2020, "year_to": 2025, "annotated_only": False, "starred_only": False, "unread_only": False, "collection": None}
for i, sort in enumerate(["relevance", "newest", "title", "recently_opened"]):
    req(f"req-sort-{i}", {"query": "llm production", "filters": F, "sort": sort, "page": {"offset": 0, "limit": 20}})
    req(f"req-empty-{i}", {"query": "", "filters": {}, "sort": sort, "page": {"offset": 3, "limit": 2}})
req("req-all-tags", {"query": "", "filters": {"tags": ["rag", "agent-based", "unknown-tag"], "tag_mode": "all"}})
req("req-flags", {"query": "model", "filters": {"annotated_only": True, "starred_only": True, "unread_only": True, "collection": 1}})
req("req-years-swapped", {"query": "", "filters": {"year_from": 2030, "year_to": 1990}})
req("req-years-extreme", {"query": "", "filters": {"year_from": -2147483648, "year_to": 2147483647}})
req("req-page-extreme", {"query": "the", "page": {"offset": 4294967295, "limit": 4294967295}})
req("req-page-zero", {"query": "the", "page": {"offset": 0, "limit": 0}})
req("req-collection-extreme", {"query": "", "filters": {"collection": -9223372036854775808}})
req("req-companies-odd", {"query": "", "filters": {"companies": ["", " ", "CONVERSENOW", "Zen ML", "\u0000"], "industries": ["", "TECH", "nope"]}})
req("req-many-tags", {"query": "", "filters": {"tags": [f"t{i}" for i in range(300)], "tag_mode": "any"}})
req("req-typo-filtered", {"query": "retreival", "filters": {"industries": ["tech"]}, "sort": "newest", "page": {"offset": 1, "limit": 1}})
# the request's fields one at a time, with each wrong type, null, or unknown; each sort with each filter alone
WRONG = [None, "x", 1, -1, 1.5, True, [], {}, ["rag"], [1], {"a": 1}]
for field in ["query", "filters", "sort", "page"]:
    for j, v in enumerate(WRONG):
        req(f"req-wrong-{field}-{j}", {"query": "rag", field: v} if field != "query" else {"query": v})
for key, good in F.items():
    for j, v in enumerate(WRONG):
        req(f"req-filter-{key}-{j}", {"query": "model", "filters": {key: v}})
    for i, sort in enumerate(["relevance", "newest", "title", "recently_opened", "oldest", ""]):
        req(f"req-{key}-sort-{i}", {"query": "", "filters": {key: good}, "sort": sort, "page": {"offset": 0, "limit": 5}})
        req(f"req-{key}-qsort-{i}", {"query": "agents", "filters": {key: good}, "sort": sort})
for j, v in enumerate(WRONG):
    req(f"req-page-offset-{j}", {"query": "rag", "page": {"offset": v, "limit": 3}})
    req(f"req-page-limit-{j}", {"query": "rag", "page": {"offset": 0, "limit": v}})
req("req-unknown-fields", {"query": "rag", "extra": 1, "filters": {"nope": 2}, "page": {"offset": 0, "limit": 1, "x": 0}})
open(f"{out}/query/req-duplicate-keys", "wb").write(b'\0{"query":"rag","query":"llm","sort":"newest","sort":"title"}')
# legacy encodings: English with only a few Western signs (read as Windows-1252, not a
# look-alike), Central European and Turkish texts in their own; exporters' other field names
pf("cp1252-pounds", ("UK fraud reached £1 billion in 2024, despite preventing £1.5 billion. " + BODY).encode("cp1252"), "a.txt")
pf("cp1250-polish", "Zespół z Łodzi wdrożył model językowy, który odpowiada na pytania klientów. Żaden z pracowników nie musiał zmieniać nawyków.".encode("cp1250"), "a.txt")
pf("cp1254-turkish", "İstanbul'daki ekip, müşteri sorularını yanıtlayan bir dil modeli geliştirdi. Maliyetler düştü.".encode("cp1254"), "a.md")
pf("json-other-keys", json.dumps([{"name": "T", "company_name": "Acme", "published_year": 2023, "source": "https://x.example/a", "full_summary": BODY},
                                  {"title": "U", "source": "YouTube", "datePublished": "2022-05-01", "publicationYear": "20x", "body": BODY}]), "a.json")
pf("md-title-heading", "# Support assistant at Acme\n\n## Overview\n\n" + BODY, "a.md")
# every parse_file input above, also as the one member of a real archive (a zip member reaches the
# importers by its name, so the archive target starts from what the file target already reaches)
import io, zipfile
for name in sorted(os.listdir(f"{out}/parse_file")):
    data = open(f"{out}/parse_file/{name}", "rb").read()
    if not data:
        continue
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("cases/" + NAMES[data[0] % len(NAMES)], data[1:])
    d = f"{out}/zip_archive"; os.makedirs(d, exist_ok=True)
    open(f"{d}/member-{name}", "wb").write(b"\0" + buf.getvalue())
