export type ImportProgress = { done: number; total: number; current: string | null };
