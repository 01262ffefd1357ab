import {
  BLOCK_BYTES_HARD_MAX,
  bytesToUtf8,
  type ChainParams,
  CityChainError,
  ErrorCode,
  type Genesis,
  NAME_PATTERN,
  TX_BYTES_HARD_MAX,
  utf8ToBytes,
} from "@citychain/protocol";
import type { ContractContext } from "../contract.ts";

/** Chain parameters as governance last set them (the genesis values until then). */
export const PARAMS_KEY = "params/current";
/** Emitted with the whole new parameter set when governance changes it; in force from the next block. */
export const PARAMS_CHANGED_EVENT = "paramsChanged";

/**
 * The parameters governance may change, with their bounds. Every node
 * enforces these when it checks and executes transactions, so they change
 * for all at the same height. Consensus timeouts and mempool size stay
 * node settings from the genesis: they do not decide validity.
 */
export const GOVERNED_PARAMS: Readonly<Record<string, readonly [number, number] | "names">> = {
  blockBytesMax: [64 * 1024, BLOCK_BYTES_HARD_MAX],
  blockTxsMax: [1, 100_000],
  txBytesMax: [1024, TX_BYTES_HARD_MAX],
  txExpiryWindowMax: [1, 1_000_000],
  publicContracts: "names",
};
const PUBLIC_CONTRACTS_MAX = 256;

function argsError(message: string): never {
  throw new CityChainError({ code: ErrorCode.CONTRACT_ARGS_INVALID }, message);
}

/** The parameters in force in this state. */
export function readParams(ctx: Pick<ContractContext, "getState">, genesis: Genesis): ChainParams {
  const v = ctx.getState(PARAMS_KEY);
  return v ? { ...genesis.params, ...(JSON.parse(bytesToUtf8(v)) as Partial<ChainParams>) } : genesis.params;
}

/** Checks a setParams payload's `params`: known governed names, values in bounds; returns the change. */
export function checkParamsChange(change: unknown): Partial<ChainParams> {
  if (typeof change !== "object" || change === null || Array.isArray(change) || Object.keys(change).length === 0) {
    argsError(`'params' must be an object of parameters to change: ${Object.keys(GOVERNED_PARAMS).join(", ")}`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(change)) {
    const rule = GOVERNED_PARAMS[name];
    if (!rule) {
      argsError(
        `'${name}' is not a parameter governance changes; it may change ${Object.keys(GOVERNED_PARAMS).join(", ")}`,
      );
    }
    if (rule === "names") {
      if (
        !Array.isArray(value) ||
        value.length > PUBLIC_CONTRACTS_MAX ||
        value.some((n) => typeof n !== "string" || !NAME_PATTERN.test(n))
      )
        argsError(`'${name}' must be a list of at most ${PUBLIC_CONTRACTS_MAX} contract names`);
      out[name] = [...new Set(value as string[])].sort();
    } else {
      const [min, max] = rule;
      if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max)
        argsError(`'${name}' must be an integer from ${min} to ${max}`);
      out[name] = value;
    }
  }
  return out as Partial<ChainParams>;
}

/** Applies a change: stores the governed values and announces the whole set. */
export function writeParams(ctx: ContractContext, genesis: Genesis, change: Partial<ChainParams>): ChainParams {
  const next = { ...readParams(ctx, genesis), ...change };
  const governed = Object.fromEntries(Object.keys(GOVERNED_PARAMS).map((k) => [k, next[k as keyof ChainParams]]));
  if ((governed.txBytesMax as number) > (governed.blockBytesMax as number) - 1024) {
    argsError("'txBytesMax' must leave room in a block: at most blockBytesMax - 1024");
  }
  const bytes = utf8ToBytes(JSON.stringify(governed));
  ctx.putState(PARAMS_KEY, bytes);
  ctx.emit(PARAMS_CHANGED_EVENT, bytes);
  return next;
}
