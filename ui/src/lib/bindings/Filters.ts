import type { TagMode } from "./TagMode";
export type Filters = { tags: Array<string>; tag_mode: TagMode; industries: Array<string>; companies: Array<string>; year_from: number | null; year_to: number | null };
