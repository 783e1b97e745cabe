import type { Filters } from "./Filters";
import type { Sort } from "./Sort";
import type { ThemePreference } from "./ThemePreference";
export type UiState = { query: string; filters: Filters; sort: Sort; open_id: number | null; theme: ThemePreference };
