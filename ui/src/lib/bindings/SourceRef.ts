import type { SourceFormat } from "./SourceFormat";
export type SourceRef = { path: string; format: SourceFormat };
