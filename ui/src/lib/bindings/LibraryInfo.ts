import type { Stats } from "./Stats";
export type LibraryInfo = { path: string; stats: Stats };
