export type Page = { offset: number; limit: number };
