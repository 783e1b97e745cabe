import type { TocEntry } from "./TocEntry";
export type RenderedBody = { html: string; toc: Array<TocEntry> };
