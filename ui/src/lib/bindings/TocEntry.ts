export type TocEntry = { level: number; text: string; anchor: string };
