export type ImportFailure = { path: string; error: string };
