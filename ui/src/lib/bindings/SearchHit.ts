export type SearchHit = { id: number; slug: string; title: string; company: string | null; year: number | null; industry: string | null; score: number; snippet: string };
