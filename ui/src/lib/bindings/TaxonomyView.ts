import type { TagGroup } from "./TagGroup";
import type { Term } from "./Term";
export type TaxonomyView = { groups: Array<TagGroup>; industries: Array<Term> };
