export type Facets = { tags: Record<string, number>; industry: Record<string, number>; year: Record<string, number>; company: Record<string, number> };
