import type { ImportFailure } from "./ImportFailure";
export type ImportReport = { added: number; updated: number; merged: number; unchanged: number; failed: Array<ImportFailure>; changed_ids: number[]; cancelled: boolean };
