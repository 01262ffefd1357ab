import { CityChainError, ErrorCode, utf8ToBytes } from "@citychain/protocol";
import type { BuiltinContract, ContractContext } from "./contract.ts";

export const KV_KEY_CHARS_MAX = 256;

function keyArg(args: string[], fn: string, count: number): string {
  if (args.length !== count) {
    const usage = count === 2 ? "kv put <key> <value>" : `kv ${fn} <key>`;
    throw new CityChainError(
      { code: ErrorCode.CONTRACT_ARGS_INVALID },
      `kv.${fn} takes ${count} argument(s): ${usage}`,
    );
  }
  const key = args[0];
  if (key.length === 0 || key.length > KV_KEY_CHARS_MAX) {
    throw new CityChainError(
      { code: ErrorCode.CONTRACT_ARGS_INVALID },
      `kv keys must be 1 to ${KV_KEY_CHARS_MAX} characters`,
    );
  }
  return key;
}

/**
 * The sample key-value contract, for tests and smoke checks.
 * put emits a `put` event, del a `del` event; both carry the key.
 */
export const kvContract: BuiltinContract = {
  name: "kv",
  invoke: {
    put(ctx: ContractContext, args: string[]) {
      const key = keyArg(args, "put", 2);
      ctx.putState(key, utf8ToBytes(args[1]));
      ctx.emit("put", utf8ToBytes(key));
      return new Uint8Array(0);
    },
    del(ctx: ContractContext, args: string[]) {
      const key = keyArg(args, "del", 1);
      if (ctx.getState(key) === undefined) {
        throw new CityChainError({ code: ErrorCode.NOT_FOUND }, `kv key '${key}' does not exist`);
      }
      ctx.deleteState(key);
      ctx.emit("del", utf8ToBytes(key));
      return new Uint8Array(0);
    },
  },
  query: {
    get(ctx: ContractContext, args: string[]) {
      const key = keyArg(args, "get", 1);
      const v = ctx.getState(key);
      if (v === undefined) throw new CityChainError({ code: ErrorCode.NOT_FOUND }, `kv key '${key}' does not exist`);
      return v;
    },
  },
};
