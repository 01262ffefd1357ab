import { bytesToUtf8, CityChainError, ErrorCode, utf8ToBytes } from "@citychain/protocol";
import type { BuiltinContract, Caller, ContractContext } from "./contract.ts";

/** Largest amount one call may move or mint (keeps sums exact in doubles). */
export const TOKEN_AMOUNT_MAX = 1_000_000_000;
const ACCOUNT_PATTERN = /^[a-z0-9-]{1,32}\/[A-Za-z0-9_.-]{1,64}$/;
const SUPPLY_KEY = "supply";
const BALANCE_PREFIX = "balance/";

function argsError(message: string): never {
  throw new CityChainError({ code: ErrorCode.CONTRACT_ARGS_INVALID }, message);
}

function amountOf(s: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(s) || Number(s) > TOKEN_AMOUNT_MAX) {
    argsError(`amount '${s}' must be a whole number from 1 to ${TOKEN_AMOUNT_MAX}`);
  }
  return Number(s);
}

function accountOf(s: string): string {
  if (!ACCOUNT_PATTERN.test(s)) argsError(`account '${s}' must look like <org>/<name>`);
  return s;
}

function readNumber(ctx: ContractContext, key: string): number {
  const v = ctx.getState(key);
  return v ? Number(bytesToUtf8(v)) : 0;
}

function writeNumber(ctx: ContractContext, key: string, n: number): void {
  if (n === 0) ctx.deleteState(key);
  else ctx.putState(key, utf8ToBytes(String(n)));
}

function orgsOf(callers: readonly Caller[], role?: string): string[] {
  return callers.flatMap((c) => (c.kind === "member" && (!role || c.identity.role === role) ? [c.identity.orgId] : []));
}

/**
 * A sample fungible token for tests and benchmarks of conserved quantities:
 * accounts are `<org>/<name>`; an organisation's admin mints into its own
 * accounts; an organisation's members move from its accounts to any account.
 * The supply only changes by minting, so the sum of balances always equals it.
 */
export const tokenContract: BuiltinContract = {
  name: "token",
  invoke: {
    mint(ctx, args) {
      if (args.length !== 2) argsError("token.mint takes an account and an amount");
      const account = accountOf(args[0]);
      const amount = amountOf(args[1]);
      if (!orgsOf(ctx.callers, "admin").includes(account.split("/")[0])) {
        throw new CityChainError(
          { code: ErrorCode.ACCESS_DENIED },
          `only an admin of '${account.split("/")[0]}' may mint into ${account}`,
        );
      }
      writeNumber(ctx, BALANCE_PREFIX + account, readNumber(ctx, BALANCE_PREFIX + account) + amount);
      writeNumber(ctx, SUPPLY_KEY, readNumber(ctx, SUPPLY_KEY) + amount);
      ctx.emit("minted", utf8ToBytes(JSON.stringify({ account, amount })));
      return new Uint8Array(0);
    },
    transfer(ctx, args) {
      if (args.length !== 3) argsError("token.transfer takes from, to and an amount");
      const from = accountOf(args[0]);
      const to = accountOf(args[1]);
      const amount = amountOf(args[2]);
      if (!orgsOf(ctx.callers).includes(from.split("/")[0])) {
        throw new CityChainError(
          { code: ErrorCode.ACCESS_DENIED },
          `only members of '${from.split("/")[0]}' may move from ${from}`,
        );
      }
      const balance = readNumber(ctx, BALANCE_PREFIX + from);
      if (balance < amount) {
        throw new CityChainError({ code: ErrorCode.CONTRACT_FAILED }, `${from} holds ${balance}, less than ${amount}`);
      }
      writeNumber(ctx, BALANCE_PREFIX + from, balance - amount);
      writeNumber(ctx, BALANCE_PREFIX + to, readNumber(ctx, BALANCE_PREFIX + to) + amount);
      ctx.emit("transferred", utf8ToBytes(JSON.stringify({ from, to, amount })));
      return new Uint8Array(0);
    },
  },
  query: {
    balance(ctx, args) {
      if (args.length !== 1) argsError("token.balance takes an account");
      return utf8ToBytes(String(readNumber(ctx, BALANCE_PREFIX + accountOf(args[0]))));
    },
    supply(ctx) {
      return utf8ToBytes(String(readNumber(ctx, SUPPLY_KEY)));
    },
  },
};
