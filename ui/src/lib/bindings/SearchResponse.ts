import type { Facets } from "./Facets";
import type { SearchHit } from "./SearchHit";
export type SearchResponse = { total: number; took_ms: number; hits: Array<SearchHit>; facets: Facets; corrected_query: string | null };
