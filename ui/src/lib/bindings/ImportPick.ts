export type ImportPick = "files" | "folders";
