import { describe, expect, it } from "vitest";
import { ApiError, toApiError } from "./api";

describe("toApiError", () => {
  it("keeps the code and message of an AppError from Rust", () => {
    const e = toApiError({ code: "not_found", message: "no case study '4'" });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe("not_found");
    expect(e.message).toBe("no case study '4'");
  });
  it("turns anything else into an internal error with words", () => {
    expect(toApiError("boom").message).toBe("boom");
    expect(toApiError(new Error("bad")).code).toBe("internal");
    expect(toApiError(undefined).message).toBe("Something went wrong.");
  });
});
