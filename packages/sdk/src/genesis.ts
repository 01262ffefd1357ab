import { readFile } from "node:fs/promises";
import { CHAIN_MODES, CityChainError, ErrorCode, type Genesis } from "@citychain/protocol";

function bad(file: string, message: string): never {
  throw new CityChainError({ code: ErrorCode.GENESIS_INVALID }, `${file}: ${message}`);
}

/**
 * Reads a genesis.json: what a client trusts to check proofs (chain id,
 * organisations, validator certificates). Checks its shape; the validator
 * keys are taken from the certificates by validatorsOf.
 */
export async function loadGenesis(file: string): Promise<Genesis> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    bad(file, `cannot be read as JSON: ${(e as Error).message}`);
  }
  const g = raw as Partial<Genesis>;
  if (typeof g !== "object" || g === null) bad(file, "must be a JSON object");
  if (typeof g.chainId !== "string" || g.chainId === "") bad(file, "'chainId' is missing");
  if (!CHAIN_MODES.includes(g.mode as Genesis["mode"])) bad(file, `'mode' must be one of ${CHAIN_MODES.join(", ")}`);
  if (!Array.isArray(g.orgs) || g.orgs.length === 0) bad(file, "'orgs' must list the organisations");
  if (!Array.isArray(g.validators) || g.validators.length === 0) bad(file, "'validators' must list the validators");
  for (const [i, v] of g.validators.entries()) {
    if (typeof v?.cert !== "string" || typeof v.power !== "number")
      bad(file, `'validators[${i}]' needs 'cert' (PEM) and 'power'`);
  }
  if (typeof g.params !== "object" || g.params === null) bad(file, "'params' is missing");
  return g as Genesis;
}
