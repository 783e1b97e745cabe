import type { Filters } from "./Filters";
import type { Page } from "./Page";
import type { Sort } from "./Sort";
export type SearchRequest = { query: string; filters: Filters; sort: Sort; page: Page };
