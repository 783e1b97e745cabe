import type { Term } from "./Term";
export type TagGroup = { id: string; name: string; tags: Array<Term> };
