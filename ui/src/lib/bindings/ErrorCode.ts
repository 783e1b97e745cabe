export type ErrorCode = "not_found" | "in_use" | "library_unavailable" | "busy" | "invalid" | "internal";
