// A small fake library for the UI tests, including a hostile case study.
import type { CaseStudyDetail } from "../../../src/lib/bindings/CaseStudyDetail";

type Doc = CaseStudyDetail & { html: string; toc: { level: number; text: string; anchor: string }[] };

function doc(
  id: number,
  title: string,
  company: string,
  year: number,
  industry: string,
  tags: string[],
  summary: string,
  html: string,
  toc: Doc["toc"] = [],
): Doc {
  return {
    id,
    slug: title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    title,
    company,
    industry,
    year,
    link: `https://example.com/case/${id}`,
    summary,
    tags,
    inferred_tags: [],
    user_tags: [],
    starred: false,
    read: false,
    last_opened_at: null,
    company_key: company.toLowerCase().replace(/[^a-z0-9]+/g, ""),
    sources: [{ path: `${id}.md`, format: "front_matter" }],
    body_markdown: "",
    body_text: html.replace(/<[^>]+>/g, " "),
    html,
    toc,
  };
}

export const HOSTILE_ID = 666;

export const HOSTILE_HTML = [
  `<h2 id="intro">Intro</h2>`,
  `<p>Harmless text about rag pipelines.</p>`,
  `<script>window.__pwned = "script"; window.__TAURI_INTERNALS__.invoke("import_paths", {paths: ["/etc/passwd"]})</script>`,
  `<img src="x" onerror="window.__pwned='onerror';window.__TAURI_INTERNALS__.invoke('import_paths',{paths:['/etc']})">`,
  `<a id="jslink" href="javascript:window.__pwned='js-link'">click me</a>`,
  `<a id="weblink" href="https://example.com/ok">a web link</a>`,
  `<iframe src="javascript:parent.__pwned='iframe'"></iframe>`,
  `<iframe srcdoc="<script>parent.__pwned='srcdoc'</script>"></iframe>`,
  `<svg><script>window.__pwned='svg-script'</script><circle r="5" onload="window.__pwned='svg-onload'"/></svg>`,
  `<svg onload="window.__pwned='svg-onload2'"></svg>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned='mxss'"></style></mglyph></table></mtext></math>`,
  `<form action="javascript:window.__pwned='form'"><button id="formbtn">submit</button></form>`,
  `<div style="background:url(javascript:window.__pwned='style')">styled</div>`,
  `<object data="javascript:window.__pwned='object'"></object>`,
  `<embed src="javascript:window.__pwned='embed'">`,
  `<meta http-equiv="refresh" content="0;url=javascript:window.__pwned='meta'">`,
  `<base href="javascript:window.__pwned='base'//">`,
  `<details open ontoggle="window.__pwned='ontoggle'"><summary>s</summary></details>`,
  `<p id="tail">After the attack.</p>`,
].join("\n");

export function fixtures(): Doc[] {
  return [
    doc(
      1,
      "Scaling RAG for Customer Support at Acme",
      "Acme",
      2024,
      "tech",
      ["rag", "customer-support", "openai", "embeddings"],
      "Acme built a retrieval-augmented generation system that answers support tickets.",
      `<h2 id="overview">Overview</h2><p>Acme runs a RAG pipeline over 2M support tickets.</p>
<h3 id="architecture">Architecture</h3><ul><li>Embeddings in a vector database</li><li>Reranking</li></ul>
<table><thead><tr><th>Metric</th><th>Value</th></tr></thead><tbody><tr><td>Latency</td><td>300 ms</td></tr></tbody></table>
<pre><code>retrieve(query) -> rerank -> generate</code></pre>
<h2 id="results">Results</h2><p>The RAG assistant deflected 30% of tickets. See <a href="https://acme.example/blog">the blog</a>.</p>`,
      [
        { level: 2, text: "Overview", anchor: "overview" },
        { level: 3, text: "Architecture", anchor: "architecture" },
        { level: 2, text: "Results", anchor: "results" },
      ],
    ),
    doc(
      2,
      "Fine-tuning Small Models for Code Review",
      "Globex",
      2023,
      "tech",
      ["fine-tuning", "code-generation", "pytorch"],
      "Globex fine-tuned a small model to review pull requests.",
      `<h2 id="why">Why fine-tune</h2><p>Fine-tuning beat prompting on code review.</p><h2 id="how">How</h2><p>LoRA on 7B.</p>`,
      [
        { level: 2, text: "Why fine-tune", anchor: "why" },
        { level: 2, text: "How", anchor: "how" },
      ],
    ),
    doc(
      3,
      "Voice Ordering Agents in Drive-Thrus",
      "ConverseNow",
      2024,
      "retail",
      ["speech-recognition", "agents", "customer-support"],
      "Voice AI for restaurant orders at scale.",
      `<p>Voice agents take orders; RAG is not used here.</p>`,
    ),
    doc(
      4,
      "Evaluating LLM Outputs in Healthcare",
      "MediCorp",
      2023,
      "healthcare",
      ["evaluation", "guardrails", "rag"],
      "How MediCorp evaluates clinical summaries.",
      `<h2 id="eval">Evaluation</h2><p>Human review plus LLM-as-judge.</p>`,
    ),
    doc(
      5,
      "Document Processing with Agents at a Bank",
      "First Bank",
      2025,
      "finance",
      ["agents", "document-processing", "anthropic"],
      "Agents extract data from loan documents.",
      `<p>Agents with tools read loan files.</p>`,
    ),
    doc(
      6,
      "Search Relevance with Embeddings",
      "Acme",
      2022,
      "e-commerce",
      ["embeddings", "search"],
      "Semantic search for a product catalogue.",
      `<p>Embeddings improved search.</p>`,
    ),
    doc(
      HOSTILE_ID,
      "Hostile Case Study",
      "Evil Corp",
      2021,
      "tech",
      ["security"],
      "A case study whose body tries to run code.",
      HOSTILE_HTML,
      [{ level: 2, text: "Intro", anchor: "intro" }],
    ),
  ];
}

/** `n` synthetic case studies for the scrolling test. */
export function bulk(n: number): Doc[] {
  const out: Doc[] = [];
  const industries = ["tech", "finance", "healthcare", "retail", "media"];
  for (let i = 0; i < n; i++) {
    out.push({
      id: 10_000 + i,
      slug: `bulk-${i}`,
      title: `Case study number ${i}`,
      company: `Company ${i % 997}`,
      industry: industries[i % industries.length],
      year: 2019 + (i % 7),
      link: null,
      summary: `Synthetic case study ${i}.`,
      tags: [i % 2 ? "rag" : "agents"],
      inferred_tags: [],
      user_tags: [],
      starred: false,
      read: false,
      last_opened_at: null,
      company_key: `company${i % 997}`,
      sources: [],
      body_markdown: "",
      body_text: "",
      html: `<p>Body of ${i}</p>`,
      toc: [],
    });
  }
  return out;
}
export type { Doc };
