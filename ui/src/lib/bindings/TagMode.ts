export type TagMode = "all" | "any";
