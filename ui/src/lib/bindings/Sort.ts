export type Sort = "relevance" | "newest" | "title";
