import type { z } from "zod";
import { requestInvalid } from "./http-errors.ts";

/** Parses input with a zod schema; a failure names each bad field in a REQUEST_INVALID error. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : what}: ${i.message}`);
  throw requestInvalid(`invalid ${what}: ${problems.join("; ")}`);
}
