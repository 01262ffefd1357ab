import { parseCertificate, validatorsOf } from "@citychain/crypto";
import {
  CHAIN_MODES,
  CityChainError,
  DEFAULT_PARAMS,
  ErrorCode,
  encode,
  type Genesis,
  sha256,
} from "@citychain/protocol";

/** Upper bounds on what a genesis file may declare. */
export const GENESIS_ORGS_MAX = 256;
export const GENESIS_VALIDATORS_MAX = 256;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function fail(message: string): never {
  throw new CityChainError({ code: ErrorCode.GENESIS_INVALID }, `genesis: ${message}`);
}

/**
 * Validates a genesis document (as read from genesis.json) and fills in
 * parameters it leaves out with the defaults. Every problem names the field.
 */
export function parseGenesis(raw: unknown): Genesis {
  if (typeof raw !== "object" || raw === null) fail("must be a JSON object");
  const g = raw as Record<string, unknown>;
  if (typeof g.chainId !== "string" || !ID_PATTERN.test(g.chainId)) {
    fail("'chainId' must be 1-64 letters, digits, '.', '_' or '-'");
  }
  if (typeof g.genesisTimeMs !== "number" || !Number.isSafeInteger(g.genesisTimeMs) || g.genesisTimeMs < 0) {
    fail("'genesisTimeMs' must be a non-negative integer (milliseconds since 1970)");
  }
  if (!CHAIN_MODES.includes(g.mode as never)) fail(`'mode' must be one of ${CHAIN_MODES.join(", ")}`);
  if (!Array.isArray(g.orgs) || g.orgs.length === 0 || g.orgs.length > GENESIS_ORGS_MAX) {
    fail(`'orgs' must list 1 to ${GENESIS_ORGS_MAX} organisations`);
  }
  const orgIds = new Set<string>();
  const orgs = g.orgs.map((o: unknown, i: number) => {
    const org = o as Record<string, unknown>;
    if (typeof org?.id !== "string" || !ID_PATTERN.test(org.id)) fail(`'orgs[${i}].id' must be a short identifier`);
    if (orgIds.has(org.id)) fail(`'orgs[${i}].id' repeats '${org.id}'`);
    orgIds.add(org.id);
    if (typeof org.name !== "string") fail(`'orgs[${i}].name' must be a string`);
    if (!Array.isArray(org.caCerts) || org.caCerts.length === 0 || !org.caCerts.every((c) => typeof c === "string")) {
      fail(`'orgs[${i}].caCerts' must list the organisation's CA certificates in PEM`);
    }
    for (const [k, pem] of (org.caCerts as string[]).entries()) {
      try {
        parseCertificate(pem);
      } catch (e) {
        fail(`'orgs[${i}].caCerts[${k}]' is not a certificate: ${(e as Error).message}`);
      }
    }
    return { id: org.id, name: org.name, caCerts: org.caCerts as string[] };
  });
  if (g.mode === "private" && orgs.length !== 1) fail("'private' mode means exactly one organisation");
  if (!Array.isArray(g.validators) || g.validators.length === 0 || g.validators.length > GENESIS_VALIDATORS_MAX) {
    fail(`'validators' must list 1 to ${GENESIS_VALIDATORS_MAX} validators`);
  }
  const validators = g.validators.map((v: unknown, i: number) => {
    const val = v as Record<string, unknown>;
    if (typeof val?.name !== "string" || !ID_PATTERN.test(val.name))
      fail(`'validators[${i}].name' must be a short identifier`);
    if (typeof val.orgId !== "string" || !orgIds.has(val.orgId))
      fail(`'validators[${i}].orgId' must name an organisation in 'orgs'`);
    if (typeof val.cert !== "string") fail(`'validators[${i}].cert' must be the node certificate in PEM`);
    if (typeof val.power !== "number" || !Number.isSafeInteger(val.power) || val.power < 1 || val.power > 1_000_000) {
      fail(`'validators[${i}].power' must be an integer from 1 to 1000000`);
    }
    return { name: val.name, orgId: val.orgId, cert: val.cert, power: val.power };
  });
  const params = { ...DEFAULT_PARAMS, ...((g.params as object | undefined) ?? {}) };
  for (const [k, v] of Object.entries(params)) {
    if (k === "publicContracts") {
      if (!Array.isArray(v) || !v.every((x) => typeof x === "string"))
        fail("'params.publicContracts' must be a list of names");
    } else if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      fail(`'params.${k}' must be a non-negative integer`);
    }
    if (!(k in DEFAULT_PARAMS)) fail(`'params.${k}' is not a known parameter`);
  }
  const genesis: Genesis = {
    chainId: g.chainId as string,
    genesisTimeMs: g.genesisTimeMs as number,
    mode: g.mode as Genesis["mode"],
    orgs,
    validators,
    params,
  };
  validatorsOf(genesis);
  return genesis;
}

/** Identity of a chain: two nodes with different genesis hashes are on different chains. */
export function genesisHashOf(genesis: Genesis): Uint8Array {
  return sha256(encode(genesis));
}

export { validatorsOf };
