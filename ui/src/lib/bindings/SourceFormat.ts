export type SourceFormat = "front_matter" | "record" | "html" | "labelled" | "scraped" | "markdown";
