import type { SourceRef } from "./SourceRef";
export type CaseStudyDetail = { id: number; slug: string; title: string; company: string | null; industry: string | null; year: number | null; link: string | null; summary: string | null; tags: Array<string>; inferred_tags: Array<string>; sources: Array<SourceRef>; body_markdown: string; body_text: string };
