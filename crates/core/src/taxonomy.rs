//! The LLMOps tag and industry taxonomy: canonical slugs, display names, groups, inference.
//!
//! The slugs come from the LLMOps Database's own tag collections, embedded from
//! `crates/core/data/*.tsv` (112 tags, 17 industries). Each tag belongs to one
//! [`TagGroup`]; display names are curated here (the TSVs carry the raw `fine_tuning` form,
//! which stays an accepted spelling).
//!
//! * [`canonical_tag`] / [`canonical_industry`] map what sources write onto taxonomy slugs
//!   (case, `_`/space/`-` variants, plurals, known aliases), and slugify anything unknown
//!   rather than dropping it.
//! * [`infer_tags`] finds the taxonomy tags a text is about, for sources without tags: one
//!   Aho-Corasick pass per field over curated patterns, word-boundary checked, weighted by
//!   field, with a threshold so a passing mention in a long body is not enough.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use ts_rs::TS;

const TAGS_TSV: &str = include_str!("../data/llmops-tags.tsv");
const INDUSTRIES_TSV: &str = include_str!("../data/industry-tags.tsv");

/// Longest slug kept for a tag or industry that is not in the taxonomy.
pub const MAX_UNKNOWN_SLUG_CHARS: usize = 64;

/// What kind of thing a tag names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TagGroup {
    /// What the system is for: chatbot, code generation, customer support, healthcare…
    UseCase,
    /// How it is built and run: RAG, fine-tuning, prompt engineering, agents, evals…
    Technique,
    /// Frameworks, infrastructure, databases and protocols: LangChain, Kubernetes, Pinecone…
    Tool,
    /// Model and cloud vendors: OpenAI, Anthropic, AWS, Meta, NVIDIA…
    Provider,
}

impl TagGroup {
    /// All groups, in display order.
    pub const ALL: [TagGroup; 4] = [
        TagGroup::UseCase,
        TagGroup::Technique,
        TagGroup::Tool,
        TagGroup::Provider,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TagGroup::UseCase => "use_case",
            TagGroup::Technique => "technique",
            TagGroup::Tool => "tool",
            TagGroup::Provider => "provider",
        }
    }

    /// Heading shown in the UI.
    pub fn display_name(self) -> &'static str {
        match self {
            TagGroup::UseCase => "Use cases",
            TagGroup::Technique => "Techniques",
            TagGroup::Tool => "Tools & infrastructure",
            TagGroup::Provider => "Providers",
        }
    }
}

/// A tag of the built-in taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagInfo {
    pub slug: &'static str,
    pub name: &'static str,
    pub group: TagGroup,
}

/// An industry of the built-in taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndustryInfo {
    pub slug: &'static str,
    pub name: &'static str,
}

/// A slug with its display name, for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TaxonomyEntry {
    pub slug: String,
    pub name: String,
}

/// One group of tags, for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TaxonomyGroup {
    pub group: TagGroup,
    /// Heading to show (`Use cases`, `Techniques`, …).
    pub name: String,
    /// The group's tags, by display name.
    pub tags: Vec<TaxonomyEntry>,
}

/// The whole taxonomy as the UI shows it: tag groups in display order, then industries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Taxonomy {
    pub groups: Vec<TaxonomyGroup>,
    /// Industries by display name, `Other` last.
    pub industries: Vec<TaxonomyEntry>,
}

// ---------------------------------------------------------------------------------------
// Curated data
// ---------------------------------------------------------------------------------------

use TagGroup::{Provider as P, Technique as T, Tool as O, UseCase as U};

/// Group and display name of every tag slug in `llmops-tags.tsv` (a test checks both ways).
///
/// Decisions: qualities and practices (security, reliability, scalability, CI/CD, DevOps,
/// guardrails, cost/latency optimisation) are techniques: they describe how a system is
/// built and run. Infrastructure building blocks (caches, gateways, databases, serverless,
/// orchestration, monitoring) and protocols (MCP, A2A) are tools. Vendors whose models or
/// clouds are used are providers, Cloudflare included (edge cloud, Workers AI); Hugging Face
/// and Databricks are tools (libraries and platforms rather than a model vendor).
const TAG_META: &[(&str, TagGroup, &str)] = &[
    ("a2a", O, "A2A"),
    ("agent-based", T, "Agent-based"),
    ("amazon-aws", P, "Amazon AWS"),
    ("anthropic", P, "Anthropic"),
    ("api-gateway", O, "API gateway"),
    ("argilla", O, "Argilla"),
    ("aws", P, "AWS"),
    ("bentoml", O, "BentoML"),
    ("cache", O, "Cache"),
    ("caption-generation", U, "Caption generation"),
    ("chatbot", U, "Chatbot"),
    ("chromadb", O, "ChromaDB"),
    ("chunking", T, "Chunking"),
    ("cicd", T, "CI/CD"),
    ("circleci", O, "CircleCI"),
    ("classification", U, "Classification"),
    ("cloudflare", P, "Cloudflare"),
    ("code-generation", U, "Code generation"),
    ("code-interpretation", U, "Code interpretation"),
    ("cohere", P, "Cohere"),
    ("compliance", T, "Compliance"),
    ("content-moderation", U, "Content moderation"),
    ("continuous-deployment", T, "Continuous deployment"),
    ("continuous-integration", T, "Continuous integration"),
    ("cost-optimization", T, "Cost optimization"),
    ("crewai", O, "CrewAI"),
    ("customer-support", U, "Customer support"),
    ("data-analysis", U, "Data analysis"),
    ("data-cleaning", U, "Data cleaning"),
    ("data-integration", U, "Data integration"),
    ("databases", O, "Databases"),
    ("databricks", O, "Databricks"),
    ("devops", T, "DevOps"),
    ("docker", O, "Docker"),
    ("document-processing", U, "Document processing"),
    ("documentation", U, "Documentation"),
    ("elasticsearch", O, "Elasticsearch"),
    ("embeddings", T, "Embeddings"),
    ("error-handling", T, "Error handling"),
    ("evals", T, "Evals"),
    ("fallback-strategies", T, "Fallback strategies"),
    ("fastapi", O, "FastAPI"),
    ("few-shot", T, "Few-shot"),
    ("fine-tuning", T, "Fine-tuning"),
    ("fraud-detection", U, "Fraud detection"),
    ("google-gcp", P, "Google Cloud (GCP)"),
    ("google", P, "Google"),
    ("guardrails", T, "Guardrails"),
    ("haystack", O, "Haystack"),
    ("healthcare", U, "Healthcare"),
    ("high-stakes-application", U, "High-stakes application"),
    ("hugging-face", O, "Hugging Face"),
    ("human-in-the-loop", T, "Human-in-the-loop"),
    ("instruction-tuning", T, "Instruction tuning"),
    ("internet-of-things", U, "Internet of Things"),
    ("knowledge-distillation", T, "Knowledge distillation"),
    ("kubernetes", O, "Kubernetes"),
    ("langchain", O, "LangChain"),
    ("latency-optimization", T, "Latency optimization"),
    ("legacy-system-integration", U, "Legacy system integration"),
    ("llama-index", O, "LlamaIndex"),
    ("load-balancing", O, "Load balancing"),
    ("mcp", O, "MCP"),
    ("meta", P, "Meta"),
    ("microservices", O, "Microservices"),
    ("microsoft-azure", P, "Microsoft Azure"),
    ("microsoft", P, "Microsoft"),
    ("mistral", P, "Mistral"),
    ("model-optimization", T, "Model optimization"),
    ("monitoring", O, "Monitoring"),
    ("multi-agent-systems", T, "Multi-agent systems"),
    ("multi-modality", U, "Multi-modality"),
    ("mysql", O, "MySQL"),
    ("nvidia", P, "NVIDIA"),
    ("onnx", O, "ONNX"),
    ("open-source", O, "Open source"),
    ("openai", P, "OpenAI"),
    ("orchestration", O, "Orchestration"),
    ("pinecone", O, "Pinecone"),
    ("poc", U, "Proof of concept"),
    ("postgresql", O, "PostgreSQL"),
    ("prompt-engineering", T, "Prompt engineering"),
    ("pytorch", O, "PyTorch"),
    ("qdrant", O, "Qdrant"),
    ("question-answering", U, "Question answering"),
    ("rag", T, "RAG"),
    ("realtime-application", U, "Real-time application"),
    ("redis", O, "Redis"),
    ("regulatory-compliance", U, "Regulatory compliance"),
    ("reliability", T, "Reliability"),
    ("reranking", T, "Reranking"),
    ("scalability", T, "Scalability"),
    ("scaling", T, "Scaling"),
    ("security", T, "Security"),
    ("semantic-search", T, "Semantic search"),
    ("serverless", O, "Serverless"),
    ("spacy", O, "spaCy"),
    ("speech-recognition", U, "Speech recognition"),
    ("sqlite", O, "SQLite"),
    ("structured-output", T, "Structured output"),
    ("summarization", U, "Summarization"),
    ("system-prompts", T, "System prompts"),
    ("tensorflow", O, "TensorFlow"),
    ("token-optimization", T, "Token optimization"),
    ("translation", U, "Translation"),
    ("triton", O, "Triton"),
    ("unstructured-data", U, "Unstructured data"),
    ("vector-search", T, "Vector search"),
    ("visualization", U, "Visualization"),
    ("vllm", O, "vLLM"),
    ("wandb", O, "Weights & Biases"),
    ("zenml", O, "ZenML"),
];

/// Other spellings of tags (already slugified) → taxonomy slug. Singular/plural variants of
/// taxonomy slugs are handled generically and need no entry.
const TAG_ALIASES: &[(&str, &str)] = &[
    ("retrieval-augmented-generation", "rag"),
    ("retrieval-augmented-generation-rag", "rag"),
    ("retrieval-augmentation", "rag"),
    ("graphrag", "rag"),
    ("finetuning", "fine-tuning"),
    ("fine-tune", "fine-tuning"),
    ("fine-tuned", "fine-tuning"),
    ("finetune", "fine-tuning"),
    ("lora", "fine-tuning"),
    ("peft", "fine-tuning"),
    ("eval", "evals"),
    ("evaluation", "evals"),
    ("evaluations", "evals"),
    ("llm-evaluation", "evals"),
    ("llm-evals", "evals"),
    ("llm-as-a-judge", "evals"),
    ("agent", "agent-based"),
    ("agents", "agent-based"),
    ("agentic", "agent-based"),
    ("agentic-ai", "agent-based"),
    ("ai-agents", "agent-based"),
    ("ai-agent", "agent-based"),
    ("llm-agents", "agent-based"),
    ("multi-agent", "multi-agent-systems"),
    ("multiagent", "multi-agent-systems"),
    ("multi-agent-system", "multi-agent-systems"),
    ("prompting", "prompt-engineering"),
    ("prompt-design", "prompt-engineering"),
    ("prompts", "prompt-engineering"),
    ("system-prompt", "system-prompts"),
    ("observability", "monitoring"),
    ("llm-observability", "monitoring"),
    ("llamaindex", "llama-index"),
    ("huggingface", "hugging-face"),
    ("hf", "hugging-face"),
    ("weights-biases", "wandb"),
    ("weights-and-biases", "wandb"),
    ("w-b", "wandb"),
    ("gcp", "google-gcp"),
    ("google-cloud", "google-gcp"),
    ("google-cloud-platform", "google-gcp"),
    ("vertex-ai", "google-gcp"),
    ("azure", "microsoft-azure"),
    ("amazon-web-services", "amazon-aws"),
    ("k8s", "kubernetes"),
    ("postgres", "postgresql"),
    ("pgvector", "postgresql"),
    ("elastic", "elasticsearch"),
    ("chroma", "chromadb"),
    ("ci-cd", "cicd"),
    ("ci", "continuous-integration"),
    ("cd", "continuous-deployment"),
    ("iot", "internet-of-things"),
    ("vector-database", "vector-search"),
    ("vector-databases", "vector-search"),
    ("vector-db", "vector-search"),
    ("vector-store", "vector-search"),
    ("speech-to-text", "speech-recognition"),
    ("asr", "speech-recognition"),
    ("real-time", "realtime-application"),
    ("realtime", "realtime-application"),
    ("distillation", "knowledge-distillation"),
    ("model-distillation", "knowledge-distillation"),
    ("hitl", "human-in-the-loop"),
    ("moderation", "content-moderation"),
    ("code-gen", "code-generation"),
    ("codegen", "code-generation"),
    ("qa", "question-answering"),
    ("q-a", "question-answering"),
    ("proof-of-concept", "poc"),
    ("multimodal", "multi-modality"),
    ("multi-modal", "multi-modality"),
    ("multimodality", "multi-modality"),
    ("json-mode", "structured-output"),
    ("caching", "cache"),
    ("semantic-caching", "cache"),
    ("re-ranking", "reranking"),
    ("model-context-protocol", "mcp"),
    ("agent2agent", "a2a"),
    ("agent-to-agent", "a2a"),
    ("few-shot-learning", "few-shot"),
    ("few-shot-prompting", "few-shot"),
    ("fewshot", "few-shot"),
    ("triton-inference-server", "triton"),
    ("torch", "pytorch"),
    ("crew-ai", "crewai"),
    ("bento-ml", "bentoml"),
    ("zen-ml", "zenml"),
    ("customer-service", "customer-support"),
    ("summarisation", "summarization"),
    ("summarize", "summarization"),
    ("visualisation", "visualization"),
    ("cost-optimisation", "cost-optimization"),
    ("latency-optimisation", "latency-optimization"),
    ("token-optimisation", "token-optimization"),
    ("model-optimisation", "model-optimization"),
    ("quantization", "model-optimization"),
    ("open-weights", "open-source"),
    ("opensource", "open-source"),
    ("weaviate", "vector-search"),
    ("llm-ops", "devops"),
    ("mlops", "devops"),
];

/// Other spellings of industries (already slugified) → taxonomy slug.
const INDUSTRY_ALIASES: &[(&str, &str)] = &[
    ("technology", "tech"),
    ("software", "tech"),
    ("saas", "tech"),
    ("it", "tech"),
    ("information-technology", "tech"),
    ("internet", "tech"),
    ("enterprise-software", "tech"),
    ("software-development", "tech"),
    ("computer-software", "tech"),
    ("ai", "tech"),
    ("financial-services", "finance"),
    ("financial", "finance"),
    ("banking", "finance"),
    ("bank", "finance"),
    ("fintech", "finance"),
    ("payments", "finance"),
    ("investment", "finance"),
    ("investment-management", "finance"),
    ("asset-management", "finance"),
    ("wealth-management", "finance"),
    ("capital-markets", "finance"),
    ("retail", "e-commerce"),
    ("ecommerce", "e-commerce"),
    ("e-commerce-retail", "e-commerce"),
    ("retail-e-commerce", "e-commerce"),
    ("online-retail", "e-commerce"),
    ("commerce", "e-commerce"),
    ("marketplace", "e-commerce"),
    ("health", "healthcare"),
    ("health-care", "healthcare"),
    ("life-sciences", "healthcare"),
    ("healthcare-life-sciences", "healthcare"),
    ("medical", "healthcare"),
    ("medicine", "healthcare"),
    ("pharma", "healthcare"),
    ("pharmaceutical", "healthcare"),
    ("pharmaceuticals", "healthcare"),
    ("biotech", "healthcare"),
    ("biotechnology", "healthcare"),
    ("academia", "research-academia"),
    ("research", "research-academia"),
    ("academic", "research-academia"),
    ("research-and-academia", "research-academia"),
    ("university", "research-academia"),
    ("science", "research-academia"),
    ("edtech", "education"),
    ("e-learning", "education"),
    ("higher-education", "education"),
    ("media", "media-entertainment"),
    ("entertainment", "media-entertainment"),
    ("media-and-entertainment", "media-entertainment"),
    ("gaming", "media-entertainment"),
    ("games", "media-entertainment"),
    ("publishing", "media-entertainment"),
    ("news", "media-entertainment"),
    ("telecom", "telecommunications"),
    ("telco", "telecommunications"),
    ("telecommunication", "telecommunications"),
    ("public-sector", "government"),
    ("gov", "government"),
    ("govtech", "government"),
    ("law", "legal"),
    ("legaltech", "legal"),
    ("legal-services", "legal"),
    ("insurtech", "insurance"),
    ("human-resources", "hr"),
    ("hr-tech", "hr"),
    ("recruiting", "hr"),
    ("recruitment", "hr"),
    ("auto", "automotive"),
    ("automobile", "automotive"),
    ("utilities", "energy"),
    ("oil-and-gas", "energy"),
    ("oil-gas", "energy"),
    ("professional-services", "consulting"),
    ("observability", "monitoring-observability"),
    ("monitoring-and-observability", "monitoring-observability"),
    ("misc", "other"),
    ("miscellaneous", "other"),
    ("various", "other"),
];

// ---------------------------------------------------------------------------------------
// Built tables
// ---------------------------------------------------------------------------------------

struct Tables {
    tags: Vec<TagInfo>,
    industries: Vec<IndustryInfo>,
    tag_index: HashMap<&'static str, usize>,
    /// Every accepted spelling (slugified) of a tag → its slug.
    tag_lookup: HashMap<String, &'static str>,
    industry_lookup: HashMap<String, &'static str>,
}

/// `slug<TAB>name` lines after the header; blank and malformed lines are skipped.
fn tsv_rows(tsv: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    tsv.lines().skip(1).filter_map(|line| {
        let (slug, name) = line.split_once('\t')?;
        let (slug, name) = (slug.trim(), name.trim());
        (!slug.is_empty()).then_some((slug, name))
    })
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let meta: HashMap<&str, (TagGroup, &'static str)> =
            TAG_META.iter().map(|&(s, g, n)| (s, (g, n))).collect();
        let mut tags = Vec::new();
        let mut tag_lookup = HashMap::new();
        for (slug, raw_name) in tsv_rows(TAGS_TSV) {
            // Every TSV slug has curated metadata (tested); the fallback only keeps a slug
            // usable should the data file grow without this table.
            let (group, name) = meta
                .get(slug)
                .copied()
                .unwrap_or((TagGroup::Technique, raw_name));
            tags.push(TagInfo { slug, name, group });
            for spelling in [slug, raw_name, name] {
                tag_lookup.entry(slugify_raw(spelling)).or_insert(slug);
            }
        }
        for &(alias, slug) in TAG_ALIASES {
            if tags.iter().any(|t| t.slug == slug) {
                tag_lookup.entry(alias.to_string()).or_insert(slug);
            }
        }
        let tag_index = tags.iter().enumerate().map(|(i, t)| (t.slug, i)).collect();

        let mut industries = Vec::new();
        let mut industry_lookup = HashMap::new();
        for (slug, name) in tsv_rows(INDUSTRIES_TSV) {
            industries.push(IndustryInfo { slug, name });
            for spelling in [slug, name] {
                industry_lookup.entry(slugify_raw(spelling)).or_insert(slug);
            }
        }
        for &(alias, slug) in INDUSTRY_ALIASES {
            if industries.iter().any(|i| i.slug == slug) {
                industry_lookup.entry(alias.to_string()).or_insert(slug);
            }
        }
        Tables {
            tags,
            industries,
            tag_index,
            tag_lookup,
            industry_lookup,
        }
    })
}

/// The taxonomy's tags, in the order of the data file (alphabetical by slug).
pub fn tags() -> &'static [TagInfo] {
    &tables().tags
}

/// The taxonomy's industries, in the order of the data file (alphabetical by slug).
pub fn industries() -> &'static [IndustryInfo] {
    &tables().industries
}

/// A taxonomy tag by its canonical slug.
pub fn tag(slug: &str) -> Option<&'static TagInfo> {
    let t = tables();
    t.tag_index.get(slug).map(|&i| &t.tags[i])
}

/// A taxonomy industry by its canonical slug.
pub fn industry(slug: &str) -> Option<&'static IndustryInfo> {
    industries().iter().find(|i| i.slug == slug)
}

/// Display name of a tag slug: the taxonomy's name, or the slug itself when unknown.
pub fn tag_name(slug: &str) -> String {
    tag(slug).map_or_else(|| slug.to_string(), |t| t.name.to_string())
}

/// Where a tag sorts when tags explain something (why two case studies are alike):
/// techniques first, then use cases, tools, providers, and tags outside the taxonomy last.
pub fn tag_order(slug: &str) -> (u8, String) {
    match tag(slug) {
        Some(t) => {
            let rank = match t.group {
                TagGroup::Technique => 0,
                TagGroup::UseCase => 1,
                TagGroup::Tool => 2,
                TagGroup::Provider => 3,
            };
            (rank, t.name.to_lowercase())
        }
        None => (4, slug.to_string()),
    }
}

/// Display name of an industry slug: the taxonomy's name, or the slug itself when unknown.
pub fn industry_name(slug: &str) -> String {
    industry(slug).map_or_else(|| slug.to_string(), |i| i.name.to_string())
}

/// The taxonomy as the UI shows it.
pub fn taxonomy() -> Taxonomy {
    let by_name = |a: &TaxonomyEntry, b: &TaxonomyEntry| {
        (a.name.to_lowercase(), &a.slug).cmp(&(b.name.to_lowercase(), &b.slug))
    };
    let groups = TagGroup::ALL
        .iter()
        .map(|&group| {
            let mut tags: Vec<TaxonomyEntry> = tags()
                .iter()
                .filter(|t| t.group == group)
                .map(|t| TaxonomyEntry {
                    slug: t.slug.into(),
                    name: t.name.into(),
                })
                .collect();
            tags.sort_by(by_name);
            TaxonomyGroup {
                group,
                name: group.display_name().into(),
                tags,
            }
        })
        .collect();
    let mut industries: Vec<TaxonomyEntry> = industries()
        .iter()
        .map(|i| TaxonomyEntry {
            slug: i.slug.into(),
            name: i.name.into(),
        })
        .collect();
    industries.sort_by(|a, b| {
        (a.slug == "other")
            .cmp(&(b.slug == "other"))
            .then(by_name(a, b))
    });
    Taxonomy { groups, industries }
}

// ---------------------------------------------------------------------------------------
// Canonicalisation
// ---------------------------------------------------------------------------------------

/// Lower-case ASCII slug with no length limit: ASCII-folded, runs of anything but letters and
/// digits → one `-`, trimmed. `&` counts as a separator (`Media & Entertainment`).
fn slugify_raw(s: &str) -> String {
    crate::normalize::slugify_with_limit(s, usize::MAX)
}

/// Canonical slug of a raw tag (`fine_tuning`, `Fine-Tuning`, ` RAG ` → `fine-tuning`, `rag`).
///
/// Known spellings and aliases map onto taxonomy slugs; anything else is slugified
/// (ASCII-folded, lower-case, at most [`MAX_UNKNOWN_SLUG_CHARS`]). `None` when nothing of
/// the tag is left (empty, punctuation only).
pub fn canonical_tag(raw: &str) -> Option<String> {
    let key = slugify_raw(raw);
    if key.is_empty() {
        return None;
    }
    let lookup = &tables().tag_lookup;
    if let Some(slug) = lookup.get(&key) {
        return Some((*slug).to_string());
    }
    // Singular/plural of a taxonomy slug (`embedding`, `guardrail`, `chatbots`).
    let plural = format!("{key}s");
    if let Some(slug) = lookup.get(&plural) {
        return Some((*slug).to_string());
    }
    if let Some(singular) = key.strip_suffix('s') {
        if let Some(slug) = lookup.get(singular) {
            return Some((*slug).to_string());
        }
    }
    Some(crate::normalize::slugify_with_limit(
        raw,
        MAX_UNKNOWN_SLUG_CHARS,
    ))
    .filter(|s| !s.is_empty())
}

/// Canonical slug of a raw industry (`Media & Entertainment` → `media-entertainment`,
/// `Banking` → `finance`, `Retail` → `e-commerce`).
///
/// A value listing several industries (`Finance, Tech`) maps to the first known one.
/// Unknown values are slugified; `None` when nothing is left.
pub fn canonical_industry(raw: &str) -> Option<String> {
    let key = slugify_raw(raw);
    if key.is_empty() {
        return None;
    }
    let lookup = &tables().industry_lookup;
    if let Some(slug) = lookup.get(&key) {
        return Some((*slug).to_string());
    }
    if let Some(singular) = key.strip_suffix('s') {
        if let Some(slug) = lookup.get(singular) {
            return Some((*slug).to_string());
        }
    }
    // `Finance / Tech`, `Healthcare; Insurance`, `Retail and E-commerce`.
    for part in raw
        .split([',', ';', '/', '|', '+'])
        .flat_map(|p| p.split(" and "))
    {
        let part = slugify_raw(part);
        if let Some(slug) = lookup.get(&part) {
            return Some((*slug).to_string());
        }
    }
    Some(crate::normalize::slugify_with_limit(
        raw,
        MAX_UNKNOWN_SLUG_CHARS,
    ))
    .filter(|s| !s.is_empty())
}

// ---------------------------------------------------------------------------------------
// Inference
// ---------------------------------------------------------------------------------------

/// Patterns per tag. Syntax of one pattern:
/// * a leading `=` makes it case-sensitive (`=RAG`, `=Meta`); otherwise ASCII case is ignored;
/// * a trailing `*` lets it end inside a word (`fine-tun*` → fine-tuned, fine-tuning);
///   otherwise it must end at a word boundary; it must always start at one;
/// * a trailing `~` makes it a weak cue (a third of a strong one);
/// * a space stands for a space, `-` or `_` (`fine tun*` also matches `fine-tuning`).
///
/// A pattern listed under several tags counts for each (`multi-agent` → both agent tags).
/// Overlaps resolve leftmost-longest, so `LlamaIndex` is not also `Llama` (Meta).
/// `aws`, `google` and `microsoft` have no patterns: the corpus uses `amazon-aws`,
/// `google-gcp` and `microsoft-azure` for the same vendors.
const TAG_PATTERNS: &[(&str, &[&str])] = &[
    ("a2a", &["=A2A", "agent2agent", "agent to agent protocol"]),
    (
        "agent-based",
        &[
            "agentic",
            "ai agent*",
            "agent based",
            "autonomous agent*",
            "llm agent*",
            "llm based agent*",
            "agent framework*",
            "agent workflow*",
            "agent architecture*",
            "react agent*",
            "multi agent*",
            "multiagent",
            "langgraph",
            "crewai",
            "tool calling~",
            "tool use~",
            "function calling~",
            "agents~",
            "agent~",
        ],
    ),
    (
        "amazon-aws",
        &[
            "=AWS",
            "amazon web services",
            "=Bedrock",
            "sagemaker",
            "dynamodb",
            "=EC2",
            "textract",
            "amazon nova",
            "amazon titan",
            "amazon q",
            "aws lambda",
            "=Amazon~",
            "opensearch~",
            "=S3~",
        ],
    ),
    ("anthropic", &["anthropic", "=Claude"]),
    (
        "api-gateway",
        &[
            "api gateway*",
            "llm gateway*",
            "ai gateway*",
            "api management",
            "=APIs~",
            "rest api~",
        ],
    ),
    ("argilla", &["argilla"]),
    ("bentoml", &["bentoml"]),
    (
        "cache",
        &[
            "cache",
            "caches",
            "caching",
            "cached",
            "semantic cache*",
            "kv cache*",
            "prompt caching",
        ],
    ),
    (
        "caption-generation",
        &["caption*", "alt text", "image description*"],
    ),
    (
        "chatbot",
        &[
            "chatbot*",
            "chat bot*",
            "conversational ai",
            "conversational assistant*",
            "conversational agent*",
            "virtual assistant*",
            "chat interface*",
            "chat assistant*",
            "chat experience*",
            "conversational interface*",
            "assistant~",
        ],
    ),
    ("chromadb", &["chromadb", "=Chroma"]),
    ("chunking", &["chunk*"]),
    (
        "cicd",
        &["ci/cd", "cicd", "ci cd", "deployment pipeline*", "=CI~"],
    ),
    ("circleci", &["circleci"]),
    (
        "classification",
        &[
            "classif*",
            "categoriz*",
            "categoris*",
            "intent detection",
            "routing~",
        ],
    ),
    ("cloudflare", &["cloudflare"]),
    (
        "code-generation",
        &[
            "code generation",
            "generate code",
            "generates code",
            "generating code",
            "generated code",
            "code assistant*",
            "coding assistant*",
            "coding agent*",
            "copilot*",
            "code completion*",
            "text to sql",
            "sql generation",
            "write code",
            "writing code",
            "code suggestion*",
            "software engineering~",
            "developers~",
        ],
    ),
    (
        "code-interpretation",
        &[
            "code interpret*",
            "code execution",
            "execute code",
            "executing code",
            "code analysis",
            "codebase*",
            "code review*",
            "sandbox*~",
        ],
    ),
    ("cohere", &["=Cohere"]),
    (
        "compliance",
        &[
            "compliance",
            "compliant",
            "gdpr",
            "hipaa",
            "soc 2",
            "soc2",
            "audit*~",
        ],
    ),
    (
        "content-moderation",
        &[
            "moderation",
            "moderate content",
            "moderating",
            "toxic*",
            "harmful content",
            "content safety",
        ],
    ),
    (
        "continuous-deployment",
        &[
            "continuous deployment",
            "continuous delivery",
            "deployment pipeline*",
            "canary",
            "a/b test*",
            "rollout*",
            "rollback*",
        ],
    ),
    (
        "continuous-integration",
        &[
            "continuous integration",
            "ci pipeline*",
            "github actions",
            "ci/cd",
            "=CI",
            "regression test*",
        ],
    ),
    (
        "cost-optimization",
        &[
            "cost optimi*",
            "cost reduction*",
            "cost saving*",
            "cost effective*",
            "cost efficien*",
            "reduce cost*",
            "reduced cost*",
            "reducing cost*",
            "lower cost*",
            "cheaper",
            "cost per",
            "costs~",
            "cost~",
        ],
    ),
    ("crewai", &["crewai", "crew ai"]),
    (
        "customer-support",
        &[
            "customer support",
            "customer service",
            "customer care",
            "customer experience",
            "support ticket*",
            "support agent*",
            "support team*",
            "contact center*",
            "contact centre*",
            "call center*",
            "help desk",
            "helpdesk",
            "customer inquir*",
            "customer queries",
            "customer question*",
        ],
    ),
    (
        "data-analysis",
        &[
            "data analy*",
            "analytics",
            "analyze data",
            "analyzing data",
            "business intelligence",
            "text to sql",
            "insights~",
            "dashboard*~",
        ],
    ),
    (
        "data-cleaning",
        &[
            "data cleaning",
            "data quality",
            "clean data",
            "cleaning",
            "deduplicat*",
            "data preprocessing",
            "data validation~",
        ],
    ),
    (
        "data-integration",
        &[
            "data integration",
            "data pipeline*",
            "=ETL",
            "data ingestion",
            "data sources~",
            "connectors~",
            "integrat*~",
        ],
    ),
    (
        "databases",
        &[
            "database*",
            "data warehouse*",
            "nosql",
            "dynamodb",
            "postgres*",
            "mysql",
            "mongodb",
            "snowflake",
            "bigquery",
            "sqlite",
            "=SQL~",
        ],
    ),
    (
        "databricks",
        &["databricks", "mlflow", "mosaic ai", "unity catalog", "dbrx"],
    ),
    (
        "devops",
        &[
            "devops",
            "mlops~",
            "infrastructure as code",
            "terraform",
            "llmops~",
            "infrastructure~",
        ],
    ),
    ("docker", &["docker*", "container*"]),
    (
        "document-processing",
        &[
            "document processing",
            "document understanding",
            "document extraction",
            "document analysis",
            "intelligent document",
            "=OCR",
            "pdf*~",
            "invoices",
            "contracts~",
            "forms~",
        ],
    ),
    (
        "documentation",
        &[
            "documentation",
            "knowledge base*~",
            "technical writing",
            "runbook*",
            "internal docs",
            "=docs~",
            "wiki*~",
        ],
    ),
    (
        "elasticsearch",
        &["elasticsearch", "elastic search", "=Elastic", "opensearch"],
    ),
    ("embeddings", &["embedding*", "embed*~"]),
    (
        "error-handling",
        &[
            "error handling",
            "handle errors",
            "handling errors",
            "retry",
            "retries",
            "retrying",
            "exception*",
            "errors~",
            "error~",
            "failure*~",
            "edge case*~",
        ],
    ),
    (
        "evals",
        &[
            "evaluation*~",
            "evals",
            "eval",
            "llm as a judge",
            "llm as judge",
            "benchmark*~",
            "test set*",
            "golden dataset*",
            "ground truth",
            "metrics~",
        ],
    ),
    (
        "fallback-strategies",
        &[
            "fallback*",
            "fall back",
            "falls back",
            "failover",
            "graceful degradation",
            "backup model*",
        ],
    ),
    ("fastapi", &["fastapi", "fast api"]),
    (
        "few-shot",
        &[
            "few shot",
            "fewshot",
            "in context example*",
            "in context learning",
            "one shot",
            "examples~",
        ],
    ),
    (
        "fine-tuning",
        &[
            "fine tun*",
            "finetun*",
            "=LoRA",
            "lora",
            "qlora",
            "peft",
            "=SFT",
            "rlhf",
            "=DPO",
            "post training",
            "custom model*~",
            "training data~",
            "trained~",
        ],
    ),
    (
        "fraud-detection",
        &[
            "fraud*",
            "anti money laundering",
            "=AML",
            "scam*",
            "suspicious activit*",
        ],
    ),
    (
        "google-gcp",
        &[
            "google cloud",
            "=GCP",
            "vertex ai",
            "=Vertex",
            "=Gemini",
            "bigquery",
            "=PaLM",
            "=Gemma",
            "=Google~",
        ],
    ),
    (
        "guardrails",
        &[
            "guardrail*",
            "guard rail*",
            "safety filter*",
            "safeguard*~",
            "content filter*",
            "prompt injection*",
            "jailbreak*",
        ],
    ),
    ("haystack", &["=Haystack", "deepset"]),
    (
        "healthcare",
        &[
            "healthcare",
            "health care",
            "medical",
            "clinical",
            "clinician*",
            "patient*",
            "physician*",
            "doctor*",
            "hospital*",
            "nurse*",
            "=EHR",
            "pharma*",
            "health~",
        ],
    ),
    (
        "high-stakes-application",
        &[
            "high stakes",
            "mission critical",
            "safety critical",
            "life critical",
            "regulated industr*",
            "critical~",
            "accuracy~",
        ],
    ),
    ("hugging-face", &["hugging face", "huggingface", "hf hub"]),
    (
        "human-in-the-loop",
        &[
            "human in the loop",
            "=HITL",
            "human review*",
            "human oversight",
            "human feedback",
            "human evaluat*",
            "human expert*",
            "human approval",
            "human judgment",
            "manual review*",
            "expert review*",
            "human reviewers",
            "annotator*~",
            "reviewers~",
        ],
    ),
    (
        "instruction-tuning",
        &[
            "instruction tun*",
            "instruction dataset*",
            "instruction following",
            "=SFT",
            "supervised fine tun*",
        ],
    ),
    (
        "internet-of-things",
        &[
            "=IoT",
            "internet of things",
            "sensor*",
            "smart home",
            "connected device*",
            "edge device*",
        ],
    ),
    (
        "knowledge-distillation",
        &[
            "distill*",
            "teacher model*",
            "student model*",
            "smaller model*~",
        ],
    ),
    (
        "kubernetes",
        &["kubernetes", "=K8s", "k8s", "=EKS", "=GKE", "=AKS", "=Helm"],
    ),
    ("langchain", &["langchain", "langgraph", "langsmith"]),
    (
        "latency-optimization",
        &[
            "latency",
            "response time*",
            "low latency",
            "faster~",
            "speed~",
            "milliseconds~",
            "throughput~",
        ],
    ),
    (
        "legacy-system-integration",
        &[
            "legacy",
            "mainframe*",
            "=COBOL",
            "existing systems~",
            "existing infrastructure~",
        ],
    ),
    ("llama-index", &["llamaindex", "llama index"]),
    (
        "load-balancing",
        &[
            "load balanc*",
            "rate limit*",
            "traffic spike*",
            "distribut* requests",
            "routing requests",
        ],
    ),
    ("mcp", &["=MCP", "model context protocol"]),
    ("meta", &["=Meta", "=Llama", "=LLaMA", "=LLAMA"]),
    (
        "microservices",
        &[
            "microservice*",
            "micro service*",
            "service oriented",
            "services~",
        ],
    ),
    (
        "microsoft-azure",
        &[
            "azure",
            "=Microsoft~",
            "=Bing",
            "=Phi",
            "copilot studio",
            "semantic kernel",
        ],
    ),
    ("mistral", &["=Mistral", "mixtral"]),
    (
        "model-optimization",
        &[
            "quantiz*",
            "quantis*",
            "model optimi*",
            "model compression",
            "pruning",
            "inference optimi*",
            "tensorrt*",
            "speculative decoding",
            "flash attention",
            "smaller model*~",
            "distill*~",
            "optimiz*~",
        ],
    ),
    (
        "monitoring",
        &[
            "monitor*",
            "observability",
            "telemetry",
            "logging~",
            "tracing~",
            "traces~",
            "dashboard*~",
            "alert*~",
            "metrics~",
        ],
    ),
    (
        "multi-agent-systems",
        &[
            "multi agent*",
            "multiagent",
            "multiple agents",
            "sub agent*",
            "subagent*",
            "orchestrator agent*",
            "supervisor agent*",
            "specialized agents",
            "agent orchestration",
        ],
    ),
    (
        "multi-modality",
        &[
            "multimodal*",
            "multi modal*",
            "vision language",
            "vision model*",
            "image*~",
            "video*~",
            "audio~",
            "visual~",
        ],
    ),
    ("mysql", &["mysql"]),
    (
        "nvidia",
        &[
            "nvidia",
            "=NIM",
            "tensorrt*",
            "=H100*",
            "=A100*",
            "=CUDA",
            "=NeMo",
            "triton~",
            "gpus~",
        ],
    ),
    ("onnx", &["onnx"]),
    (
        "open-source",
        &[
            "open source",
            "open weight*",
            "=Llama~",
            "=Mistral~",
            "hugging face~",
            "self hosted~",
        ],
    ),
    (
        "openai",
        &[
            "openai",
            "=GPT*",
            "chatgpt",
            "=Whisper~",
            "dall e",
            "=o1",
            "=o3",
        ],
    ),
    (
        "orchestration",
        &[
            "orchestrat*",
            "airflow",
            "step functions",
            "workflow*~",
            "pipeline*~",
        ],
    ),
    ("pinecone", &["pinecone"]),
    (
        "poc",
        &[
            "proof of concept*",
            "=POC",
            "=PoC",
            "prototyp*",
            "pilot*",
            "=MVP",
            "experiment*~",
        ],
    ),
    ("postgresql", &["postgres*", "pgvector"]),
    ("prompt-engineering", &["prompt*"]),
    ("pytorch", &["pytorch", "=Torch"]),
    ("qdrant", &["qdrant"]),
    (
        "question-answering",
        &[
            "question answering",
            "answer question*",
            "answering question*",
            "answers question*",
            "answer user question*",
            "q&a",
            "=FAQ*",
        ],
    ),
    (
        "rag",
        &[
            "=RAG",
            "retrieval augmented",
            "retrieval augmentation",
            "=GraphRAG",
            "retriev*~",
            "knowledge base*~",
            "grounding~",
        ],
    ),
    (
        "realtime-application",
        &[
            "real time",
            "realtime",
            "live~",
            "streaming~",
            "instant*~",
            "low latency~",
        ],
    ),
    ("redis", &["redis"]),
    (
        "regulatory-compliance",
        &[
            "regulat*",
            "gdpr",
            "hipaa",
            "=FINRA",
            "=FDA",
            "ai act",
            "=SEC",
            "compliance~",
        ],
    ),
    (
        "reliability",
        &[
            "reliab*",
            "robust*~",
            "uptime",
            "availability~",
            "consisten*~",
            "dependab*",
            "resilien*",
        ],
    ),
    ("reranking", &["rerank*", "re rank*", "cross encoder*"]),
    (
        "scalability",
        &["scalab*", "at scale~", "scale~", "millions of~", "volume~"],
    ),
    (
        "scaling",
        &[
            "scaling",
            "scaled",
            "autoscal*",
            "auto scal*",
            "horizontal*~",
            "scale~",
            "gpus~",
        ],
    ),
    (
        "security",
        &[
            "security",
            "secure*~",
            "privacy~",
            "access control*",
            "authentication",
            "authoriz*",
            "encrypt*",
            "vulnerab*",
            "prompt injection*",
            "=PII",
            "sensitive data~",
            "permissions~",
        ],
    ),
    (
        "semantic-search",
        &[
            "semantic search",
            "semantic similarity",
            "semantic retrieval",
            "similarity search",
            "hybrid search",
            "vector search",
            "search~",
            "retrieval~",
        ],
    ),
    (
        "serverless",
        &[
            "serverless",
            "=Lambda",
            "cloud run",
            "cloud functions",
            "azure functions",
        ],
    ),
    ("spacy", &["spacy"]),
    (
        "speech-recognition",
        &[
            "speech recognition",
            "speech to text",
            "transcri*",
            "=ASR",
            "=Whisper",
            "voice*~",
            "audio~",
        ],
    ),
    ("sqlite", &["sqlite"]),
    (
        "structured-output",
        &[
            "structured output*",
            "=JSON",
            "json schema*",
            "pydantic",
            "structured format*",
            "structured data~",
            "schema*~",
            "function calling~",
        ],
    ),
    ("summarization", &["summariz*", "summaris*", "summar*~"]),
    (
        "system-prompts",
        &[
            "system prompt*",
            "system message*",
            "prompt template*",
            "meta prompt*",
            "instructions~",
        ],
    ),
    ("tensorflow", &["tensorflow", "tf serving", "keras"]),
    (
        "token-optimization",
        &[
            "token usage",
            "token count*",
            "token limit*",
            "token cost*",
            "token efficien*",
            "fewer tokens",
            "prompt compression",
            "context window*",
            "tokens~",
        ],
    ),
    (
        "translation",
        &["translat*", "multilingual~", "locali*~", "languages~"],
    ),
    ("triton", &["triton"]),
    (
        "unstructured-data",
        &["unstructured", "free text~", "documents~", "pdfs~"],
    ),
    (
        "vector-search",
        &[
            "vector search",
            "vector database*",
            "vector store*",
            "vector db*",
            "vector index*",
            "similarity search",
            "nearest neighbo*",
            "faiss",
            "pgvector",
            "weaviate",
            "pinecone",
            "qdrant",
            "chromadb",
            "milvus",
        ],
    ),
    (
        "visualization",
        &[
            "visuali*",
            "charts",
            "chart generation",
            "graphs~",
            "plot*~",
            "dashboard*~",
        ],
    ),
    ("vllm", &["vllm"]),
    (
        "wandb",
        &[
            "weights & biases",
            "weights and biases",
            "wandb",
            "w&b",
            "=Weave",
        ],
    ),
    ("zenml", &["zenml"]),
];

/// How much a mention counts, per field.
const TITLE_WEIGHT: f32 = 3.0;
const SUMMARY_WEIGHT: f32 = 2.0;
const BODY_WEIGHT: f32 = 1.0;
/// Strong-mention equivalents that count per field (more mentions add nothing).
const TITLE_CAP: f32 = 1.0;
const SUMMARY_CAP: f32 = 2.0;
const BODY_CAP: f32 = 8.0;
/// Score needed to infer a concept tag: a strong title mention; or a summary mention and a
/// body mention; or three strong body mentions in a body of up to reference length.
const THRESHOLD: f32 = 3.0;
/// Score needed for a named product or vendor (`Redis`, `Anthropic`) or a term of art: one
/// mention in the summary, or in a body of up to reference length; a single mention in a
/// longer body is discounted below it.
const NAMED_THRESHOLD: f32 = 1.0;
/// Score needed for broad concepts that nearly every production write-up touches in passing
/// (deployment, scale, evaluation…): their cues are common words.
const BROAD_THRESHOLD: f32 = 5.0;

/// Tool and provider tags that are concepts rather than names.
const GENERIC_TOOLS: &[&str] = &[
    "api-gateway",
    "cache",
    "databases",
    "load-balancing",
    "microservices",
    "monitoring",
    "open-source",
    "orchestration",
    "serverless",
];

/// Concept tags whose cues are everyday words of the field.
const BROAD_TAGS: &[&str] = &[
    "code-interpretation",
    "continuous-deployment",
    "data-cleaning",
    "data-integration",
    "devops",
    "high-stakes-application",
    "open-source",
    "orchestration",
    "poc",
    "realtime-application",
    "reliability",
    "scalability",
    "scaling",
    "summarization",
    "token-optimization",
    "unstructured-data",
    "visualization",
];

/// Concept tags whose cues are specific terms of art (`few-shot`, `guardrails`, `semantic
/// search`): thresholded like names.
const DISTINCTIVE_TAGS: &[&str] = &[
    "chunking",
    "customer-support",
    "document-processing",
    "embeddings",
    "error-handling",
    "few-shot",
    "guardrails",
    "human-in-the-loop",
    "multi-agent-systems",
    "prompt-engineering",
    "question-answering",
    "rag",
    "semantic-search",
    "system-prompts",
    "vector-search",
];

fn threshold(tag: &TagInfo) -> f32 {
    if DISTINCTIVE_TAGS.contains(&tag.slug) {
        NAMED_THRESHOLD
    } else if BROAD_TAGS.contains(&tag.slug) {
        BROAD_THRESHOLD
    } else if matches!(tag.group, TagGroup::Tool | TagGroup::Provider)
        && !GENERIC_TOOLS.contains(&tag.slug)
    {
        NAMED_THRESHOLD
    } else {
        THRESHOLD
    }
}
/// Body length (words) from which body mentions are discounted: a long text mentions more
/// things in passing.
const BODY_REFERENCE_WORDS: f32 = 1500.0;
/// Weight of a weak cue relative to a strong one.
const WEAK: f32 = 1.0 / 3.0;

struct Pattern {
    /// Indexes into `tags()`.
    tags: Vec<usize>,
    /// The exact bytes to match when case-sensitive.
    exact: Option<String>,
    prefix: bool,
    weight: f32,
}

struct Matcher {
    automaton: AhoCorasick,
    patterns: Vec<Pattern>,
}

fn matcher() -> Option<&'static Matcher> {
    static MATCHER: OnceLock<Option<Matcher>> = OnceLock::new();
    MATCHER.get_or_init(build_matcher).as_ref()
}

fn build_matcher() -> Option<Matcher> {
    // Expanded pattern text → index in `patterns`.
    let mut by_text: BTreeMap<String, usize> = BTreeMap::new();
    let mut patterns: Vec<Pattern> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    for &(slug, list) in TAG_PATTERNS {
        let Some(&tag_ix) = tables().tag_index.get(slug) else {
            continue;
        };
        for raw in list {
            let mut p = *raw;
            let case_sensitive = p.starts_with('=');
            p = p.trim_start_matches('=');
            let weak = p.ends_with('~');
            p = p.trim_end_matches('~');
            let prefix = p.ends_with('*');
            p = p.trim_end_matches('*');
            if p.is_empty() {
                continue;
            }
            let weight = if weak { WEAK } else { 1.0 };
            for variant in separator_variants(p) {
                let key = if case_sensitive {
                    format!("={variant}")
                } else {
                    variant.to_ascii_lowercase()
                };
                match by_text.get(&key) {
                    Some(&ix) => {
                        let pat = &mut patterns[ix];
                        if !pat.tags.contains(&tag_ix) {
                            pat.tags.push(tag_ix);
                        }
                        pat.weight = pat.weight.max(weight);
                    }
                    None => {
                        by_text.insert(key, patterns.len());
                        patterns.push(Pattern {
                            tags: vec![tag_ix],
                            exact: case_sensitive.then(|| variant.clone()),
                            prefix,
                            weight,
                        });
                        texts.push(variant);
                    }
                }
            }
        }
    }
    // A pattern with the same letters both case-sensitive and not: the automaton keeps the
    // first; both are different `Pattern`s, so ambiguity is harmless but wasteful. Fine.
    let automaton = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        // A full DFA (about a megabyte for these patterns): the text is long and matches
        // are dense, so the fastest search per byte wins.
        .kind(Some(AhoCorasickKind::DFA))
        .build(&texts)
        .ok()?;
    Some(Matcher {
        automaton,
        patterns,
    })
}

/// `fine tun` → `fine tun`, `fine-tun`, `fine_tun`.
fn separator_variants(p: &str) -> Vec<String> {
    if !p.contains(' ') {
        return vec![p.to_string()];
    }
    [" ", "-", "_"]
        .iter()
        .map(|sep| p.replace(' ', sep))
        .collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Weighted mentions per tag in one text.
fn mentions(m: &Matcher, text: &str, counts: &mut [f32]) {
    for hit in m.automaton.find_iter(text) {
        let Some(pat) = m.patterns.get(hit.pattern().as_usize()) else {
            continue;
        };
        let (start, end) = (hit.start(), hit.end());
        let (Some(before), Some(matched), Some(after)) =
            (text.get(..start), text.get(start..end), text.get(end..))
        else {
            continue;
        };
        if before.chars().next_back().is_some_and(is_word_char) {
            continue;
        }
        if !pat.prefix && after.chars().next().is_some_and(is_word_char) {
            continue;
        }
        if let Some(exact) = &pat.exact {
            if matched != exact {
                continue;
            }
        }
        for &t in &pat.tags {
            if let Some(c) = counts.get_mut(t) {
                *c += pat.weight;
            }
        }
    }
}

/// Tags of the taxonomy the text is about, sorted by slug.
///
/// Title and summary weigh more than the body; body mentions are discounted for long bodies;
/// a tag needs a threshold of points (lower for named products, higher for broad concepts),
/// so one passing mention in a long body is not enough.
pub fn infer_tags(title: &str, summary: &str, body_text: &str) -> Vec<String> {
    let mut out: Vec<String> = tag_scores(title, summary, body_text)
        .into_iter()
        .filter(|&(tag, score)| score >= threshold(tag))
        .map(|(tag, _)| tag.slug.to_string())
        .collect();
    out.sort();
    out
}

/// Every taxonomy tag with evidence in the text, with its score (what [`infer_tags`]
/// thresholds), in taxonomy order. For explaining and tuning inference.
pub fn tag_scores(title: &str, summary: &str, body_text: &str) -> Vec<(&'static TagInfo, f32)> {
    let Some(m) = matcher() else {
        return Vec::new();
    };
    let n = tags().len();
    let (mut t, mut s, mut b) = (vec![0.0f32; n], vec![0.0f32; n], vec![0.0f32; n]);
    mentions(m, title, &mut t);
    mentions(m, summary, &mut s);
    mentions(m, body_text, &mut b);
    let words = body_text.split_whitespace().count() as f32;
    let body_discount = (BODY_REFERENCE_WORDS / words.max(BODY_REFERENCE_WORDS)).sqrt();
    (0..n)
        .filter_map(|i| {
            let score = TITLE_WEIGHT * t[i].min(TITLE_CAP)
                + SUMMARY_WEIGHT * s[i].min(SUMMARY_CAP)
                + BODY_WEIGHT * (b[i] * body_discount).min(BODY_CAP);
            let tag = tags().get(i)?;
            (score > 0.0).then_some((tag, score))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_tsv_tag_has_group_and_name_and_vice_versa() {
        let tsv: HashSet<&str> = tsv_rows(TAGS_TSV).map(|(s, _)| s).collect();
        let meta: HashSet<&str> = TAG_META.iter().map(|m| m.0).collect();
        assert_eq!(tsv.len(), 112);
        assert_eq!(TAG_META.len(), meta.len(), "duplicate slug in TAG_META");
        let missing: Vec<_> = tsv.difference(&meta).collect();
        let extra: Vec<_> = meta.difference(&tsv).collect();
        assert!(missing.is_empty(), "no group for {missing:?}");
        assert!(extra.is_empty(), "not in the TSV: {extra:?}");
        assert_eq!(tags().len(), 112);
        assert_eq!(industries().len(), 17);
    }

    #[test]
    fn aliases_and_patterns_point_at_real_slugs() {
        for (alias, slug) in TAG_ALIASES {
            assert!(tag(slug).is_some(), "alias {alias} → unknown {slug}");
        }
        for (alias, slug) in INDUSTRY_ALIASES {
            assert!(industry(slug).is_some(), "alias {alias} → unknown {slug}");
        }
        for (slug, _) in TAG_PATTERNS {
            assert!(tag(slug).is_some(), "patterns for unknown {slug}");
        }
        assert!(matcher().is_some());
    }

    #[test]
    fn groups_are_as_decided() {
        let g = |s: &str| tag(s).map(|t| t.group);
        assert_eq!(g("chatbot"), Some(TagGroup::UseCase));
        assert_eq!(g("healthcare"), Some(TagGroup::UseCase));
        assert_eq!(g("rag"), Some(TagGroup::Technique));
        assert_eq!(g("evals"), Some(TagGroup::Technique));
        assert_eq!(g("langchain"), Some(TagGroup::Tool));
        assert_eq!(g("monitoring"), Some(TagGroup::Tool));
        assert_eq!(g("pinecone"), Some(TagGroup::Tool));
        assert_eq!(g("openai"), Some(TagGroup::Provider));
        assert_eq!(g("amazon-aws"), Some(TagGroup::Provider));
        assert_eq!(g("nvidia"), Some(TagGroup::Provider));
        assert_eq!(tag("fine-tuning").map(|t| t.name), Some("Fine-tuning"));
        assert_eq!(tag_name("no-such-tag"), "no-such-tag");
        assert_eq!(
            industry_name("media-entertainment"),
            "Media & Entertainment"
        );
    }

    #[test]
    fn taxonomy_for_the_ui() {
        let tx = taxonomy();
        let groups: Vec<TagGroup> = tx.groups.iter().map(|g| g.group).collect();
        assert_eq!(groups, TagGroup::ALL.to_vec());
        assert_eq!(tx.groups.iter().map(|g| g.tags.len()).sum::<usize>(), 112);
        for g in &tx.groups {
            let names: Vec<String> = g.tags.iter().map(|t| t.name.to_lowercase()).collect();
            let mut sorted = names.clone();
            sorted.sort();
            assert_eq!(names, sorted);
        }
        assert_eq!(tx.industries.len(), 17);
        assert_eq!(tx.industries.last().map(|i| i.slug.as_str()), Some("other"));
        let json = serde_json::to_string(&tx).unwrap_or_default();
        assert!(json.contains(r#""group":"use_case""#), "{json}");
    }

    #[test]
    fn canonical_tags() {
        let c = |s: &str| canonical_tag(s);
        assert_eq!(c("fine_tuning").as_deref(), Some("fine-tuning"));
        assert_eq!(c("Fine-Tuning").as_deref(), Some("fine-tuning"));
        assert_eq!(c("fine tuning").as_deref(), Some("fine-tuning"));
        assert_eq!(c(" RAG ").as_deref(), Some("rag"));
        assert_eq!(c("Retrieval-Augmented Generation").as_deref(), Some("rag"));
        assert_eq!(c("aws").as_deref(), Some("aws"));
        assert_eq!(c("amazon_aws").as_deref(), Some("amazon-aws"));
        assert_eq!(c("Amazon Web Services").as_deref(), Some("amazon-aws"));
        assert_eq!(c("LlamaIndex").as_deref(), Some("llama-index"));
        assert_eq!(c("llama_index").as_deref(), Some("llama-index"));
        assert_eq!(c("Weights & Biases").as_deref(), Some("wandb"));
        assert_eq!(c("CI/CD").as_deref(), Some("cicd"));
        assert_eq!(c("embedding").as_deref(), Some("embeddings"));
        assert_eq!(c("Chatbots").as_deref(), Some("chatbot"));
        assert_eq!(c("Guardrail").as_deref(), Some("guardrails"));
        assert_eq!(
            c("multi_agent_systems").as_deref(),
            Some("multi-agent-systems")
        );
        // Unknown: slugified, not dropped.
        assert_eq!(c("Generative AI!").as_deref(), Some("generative-ai"));
        assert_eq!(c("Café Ops").as_deref(), Some("cafe-ops"));
        assert_eq!(c("  "), None);
        assert_eq!(c("!!!"), None);
        let long = c(&"word ".repeat(100)).unwrap_or_default();
        assert!(
            long.len() <= MAX_UNKNOWN_SLUG_CHARS && !long.ends_with('-'),
            "{long}"
        );
    }

    #[test]
    fn canonical_industries() {
        let c = |s: &str| canonical_industry(s);
        assert_eq!(
            c("Media & Entertainment").as_deref(),
            Some("media-entertainment")
        );
        assert_eq!(
            c("media-entertainment").as_deref(),
            Some("media-entertainment")
        );
        for s in ["Tech", "Technology", "Software", "tech"] {
            assert_eq!(c(s).as_deref(), Some("tech"), "{s}");
        }
        for s in ["Financial Services", "Banking", "Fintech", "finance"] {
            assert_eq!(c(s).as_deref(), Some("finance"), "{s}");
        }
        for s in ["Retail", "Ecommerce", "E-commerce", "e-commerce"] {
            assert_eq!(c(s).as_deref(), Some("e-commerce"), "{s}");
        }
        for s in ["Health", "Life Sciences", "Healthcare"] {
            assert_eq!(c(s).as_deref(), Some("healthcare"), "{s}");
        }
        for s in ["Research & Academia", "Academia"] {
            assert_eq!(c(s).as_deref(), Some("research-academia"), "{s}");
        }
        assert_eq!(c("Telecom").as_deref(), Some("telecommunications"));
        assert_eq!(c("HR").as_deref(), Some("hr"));
        assert_eq!(c("Finance, Tech").as_deref(), Some("finance"));
        assert_eq!(c("Agriculture").as_deref(), Some("agriculture"));
        assert_eq!(c(""), None);
    }

    #[test]
    fn inference_basics() {
        let tags = infer_tags(
            "Fine-tuning Llama with LoRA for RAG",
            "We built a retrieval-augmented generation pipeline on AWS Bedrock with Pinecone.",
            "",
        );
        for t in [
            "fine-tuning",
            "rag",
            "amazon-aws",
            "pinecone",
            "vector-search",
            "meta",
        ] {
            assert!(tags.iter().any(|x| x == t), "{t} missing from {tags:?}");
        }
        // `rag` in lower case is a word, not the technique; `metadata` is not Meta;
        // LlamaIndex is not Llama.
        let tags = infer_tags("A rag doll's metadata", "Built with LlamaIndex.", "");
        assert!(!tags.iter().any(|t| t == "rag" || t == "meta"), "{tags:?}");
        assert!(tags.iter().any(|t| t == "llama-index"), "{tags:?}");
        // One passing mention in a long body is not enough; repeated mentions are.
        let filler = "The team shipped a system to production and measured it. ".repeat(300);
        let once = format!("{filler} They also tried Kubernetes once. {filler}");
        assert!(!infer_tags("", "", &once).iter().any(|t| t == "kubernetes"));
        let often = format!("{filler} {}", "Kubernetes clusters ran it. ".repeat(12));
        assert!(infer_tags("", "", &often).iter().any(|t| t == "kubernetes"));
        assert!(infer_tags("", "", "").is_empty());
    }

    #[test]
    fn inference_is_deterministic_and_sorted() {
        let a = infer_tags(
            "Agentic customer support chatbot",
            "Uses GPT-4 and Claude.",
            "",
        );
        let b = infer_tags(
            "Agentic customer support chatbot",
            "Uses GPT-4 and Claude.",
            "",
        );
        assert_eq!(a, b);
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(a, sorted);
        for t in [
            "agent-based",
            "customer-support",
            "chatbot",
            "openai",
            "anthropic",
        ] {
            assert!(a.iter().any(|x| x == t), "{t} missing from {a:?}");
        }
    }
}
