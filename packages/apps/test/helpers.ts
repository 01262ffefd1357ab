import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isCityChainError } from "@citychain/protocol";

const VECTORS = join(import.meta.dirname, "vectors");

/** Reads a JSON vector file under test/vectors. */
export function readVectors<T>(relativePath: string): T {
  return JSON.parse(readFileSync(join(VECTORS, relativePath), "utf8")) as T;
}

/** The code and part of the coded error `f` throws, or undefined when it does not throw. */
export function thrownCode(f: () => unknown): { code: string; part?: string; message: string } | undefined {
  try {
    f();
  } catch (e) {
    if (isCityChainError(e)) {
      const part = (e.type as { part?: string }).part;
      return part === undefined ? { code: e.code, message: e.message } : { code: e.code, part, message: e.message };
    }
    throw e;
  }
  return undefined;
}
