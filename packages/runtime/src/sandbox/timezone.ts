import { assert } from "@citychain/protocol";

/**
 * V8 has one time zone per process, shared by every context: a contract's
 * `new Date(2024, 0, 1)`, `getHours()` or `Date.parse("2024-01-01T10:00")`
 * depend on it. The only value every node can agree on is UTC, so the
 * sandbox pins the process to it (Node re-reads `TZ` when it is assigned).
 * Host code that logs local times will log UTC.
 */
export function pinProcessTimeZoneToUtc(): void {
  if (process.env.TZ !== "UTC") process.env.TZ = "UTC";
  assert(
    new Date(2024, 0, 1).getTimezoneOffset() === 0 && new Date(2024, 6, 1).getTimezoneOffset() === 0,
    "the process time zone did not change to UTC",
  );
}
