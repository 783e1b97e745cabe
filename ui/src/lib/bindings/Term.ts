export type Term = { slug: string; name: string };
