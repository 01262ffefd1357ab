import { MembershipVerifier } from "@citychain/crypto";
import {
  bytesToUtf8,
  CityChainError,
  ErrorCode,
  type Genesis,
  type Organisation,
  utf8ToBytes,
} from "@citychain/protocol";
import type { ContractContext } from "../contract.ts";

/** The organisations in force, as governance last set them (the genesis list until then). */
export const ORGS_KEY = "orgs/list";
/** Emitted with the whole new list whenever an organisation joins or leaves. */
export const ORGS_CHANGED_EVENT = "orgsChanged";
export const ORGS_MAX = 256;
const ORG_ID_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** The member organisations in force in this transaction's state. */
export function readOrgs(ctx: Pick<ContractContext, "getState">, genesis: Genesis): Organisation[] {
  const v = ctx.getState(ORGS_KEY);
  return v ? (JSON.parse(bytesToUtf8(v)) as Organisation[]) : genesis.orgs;
}

function argsError(message: string): never {
  throw new CityChainError({ code: ErrorCode.CONTRACT_ARGS_INVALID }, message);
}

/** Checks a new organisation's declaration: id, name, CA certificates that are CA certificates. */
export function checkNewOrg(current: readonly Organisation[], payload: Record<string, unknown>): Organisation {
  const { id, name, caCerts } = payload;
  if (typeof id !== "string" || !ORG_ID_PATTERN.test(id))
    argsError("'id' must be lower-case letters, digits and '-', starting with a letter (at most 32)");
  if (current.some((o) => o.id === id)) argsError(`organisation '${id}' is already a member`);
  if (typeof name !== "string" || name.length === 0 || name.length > 128) argsError("'name' must be 1-128 characters");
  if (!Array.isArray(caCerts) || caCerts.length === 0 || caCerts.some((c) => typeof c !== "string"))
    argsError("'caCerts' must list the organisation's root CA certificates in PEM");
  if (current.length >= ORGS_MAX) argsError(`a chain holds at most ${ORGS_MAX} organisations`);
  const org: Organisation = { id, name, caCerts: caCerts as string[] };
  try {
    new MembershipVerifier([org]);
  } catch (e) {
    argsError(`organisation '${id}': ${(e as Error).message}`);
  }
  return org;
}

/** Writes the new list and announces it; nodes trust exactly this list from the next block on. */
export function writeOrgs(ctx: ContractContext, orgs: Organisation[]): void {
  const sorted = [...orgs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const bytes = utf8ToBytes(JSON.stringify(sorted));
  ctx.putState(ORGS_KEY, bytes);
  ctx.emit(ORGS_CHANGED_EVENT, bytes);
}
