import type { Context } from "@citychain/contract-api";
import { ErrorCode } from "@citychain/protocol";
import { appError } from "./errors.ts";

/** The roles CityChain certificates carry in their `role` attribute. */
export type Role = "admin" | "member" | "node" | "device";

/**
 * Who signed the transaction, from `ctx.clientIdentity`:
 * - `org`: the organisation (Fabric's MSP id) — records are owned by
 *   organisations, not by people, so staff changes need no transfer;
 * - `role`: the certificate attribute `role` (admin, member, node, device);
 * - `regulator`: the certificate attribute `regulator=true`, issued by an
 *   organisation's CA to the staff of a regulating authority (it may recall
 *   any batch);
 * - `qualifiedPerson`: the attribute `qp=true`, a qualified person in the
 *   sense of EU GMP (may release or destroy a quarantined batch).
 * Attributes come from the certificate chain the runtime checked, so a
 * signer cannot claim them.
 */
export interface Caller {
  org: string;
  id: string;
  role: Role | undefined;
  regulator: boolean;
  qualifiedPerson: boolean;
}

const ROLES: readonly Role[] = ["admin", "member", "node", "device"];

/** The signer of this transaction. */
export function callerOf(ctx: Context): Caller {
  const identity = ctx.clientIdentity;
  const role = identity.getAttributeValue("role");
  return {
    org: identity.getMSPID(),
    id: identity.getID(),
    role: ROLES.find((r) => r === role),
    regulator: identity.assertAttributeValue("regulator", "true"),
    qualifiedPerson: identity.assertAttributeValue("qp", "true"),
  };
}

/** Throws APP_FORBIDDEN unless the caller has one of `roles`; `action` says what was attempted. */
export function requireRole(caller: Caller, roles: readonly Role[], action: string): void {
  if (caller.role !== undefined && roles.includes(caller.role)) return;
  throw appError(
    ErrorCode.APP_FORBIDDEN,
    `${action} needs the role ${roles.join(" or ")}; the signer of ${caller.org} has role ${caller.role ?? "(none)"}`,
  );
}

/** Throws APP_FORBIDDEN unless the caller belongs to `org`. */
export function requireOrg(caller: Caller, org: string, action: string): void {
  if (caller.org === org) return;
  throw appError(ErrorCode.APP_FORBIDDEN, `${action} is for ${org} only; the signer belongs to ${caller.org}`);
}

/** Roles that act for an organisation in business processes (people and the organisation's nodes). */
export const BUSINESS_ROLES: readonly Role[] = ["admin", "member", "node"];
