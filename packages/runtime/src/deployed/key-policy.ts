import { bytesToUtf8, CityChainError, ErrorCode } from "@citychain/protocol";
import type { Caller } from "../contracts/contract.ts";
import { type Policy, type PolicyRole, parsePolicy, satisfies } from "../policy/policy.ts";

const FABRIC_ROLES: Record<string, PolicyRole> = {
  MEMBER: "member",
  PEER: "peer",
  CLIENT: "client",
  ADMIN: "admin",
  member: "member",
  peer: "peer",
  client: "client",
  admin: "admin",
};

/**
 * Decodes a key-level endorsement policy. Two forms: policy text in Fabric's
 * signature-policy syntax (`OR('org1.member', 'org2.member')`), or the JSON
 * that the contract API's `KeyEndorsementPolicy.getPolicy()` produces,
 * `{"type": "signedBy-all-of-orgs", "orgs": [{"mspId": "org1", "role": "MEMBER"}, ...]}`,
 * which, as Fabric's KeyEndorsementPolicy, needs every listed organisation.
 */
export function decodeKeyPolicy(bytes: Uint8Array, key: string): Policy {
  const text = bytesToUtf8(bytes).trim();
  if (!text.startsWith("{")) return parsePolicy(text);
  let v: { role?: string; orgs?: (string | { mspId: string; role: string })[] | Record<string, string> };
  try {
    v = JSON.parse(text);
  } catch {
    v = {};
  }
  const entries: [string, string][] = Array.isArray(v.orgs)
    ? v.orgs.map((o) => (typeof o === "string" ? [o, v.role ?? "MEMBER"] : [String(o?.mspId), String(o?.role)]))
    : Object.entries(v.orgs ?? {}).map(([o, r]) => [o, String(r)]);
  if (entries.length === 0 || entries.some(([, r]) => !FABRIC_ROLES[r])) {
    throw new CityChainError(
      { code: ErrorCode.POLICY_INVALID },
      `the endorsement policy of key '${key}' names no organisations or an unknown role`,
    );
  }
  const rules: Policy[] = entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([orgId, r]) => ({ type: "signedBy", orgId, role: FABRIC_ROLES[r] }));
  return { type: "outOf", n: rules.length, rules };
}

/**
 * Checks a key's policy against the transaction's signers (in an
 * order-execute chain the signatures on the transaction are its
 * endorsements). Without callers, only checks that the policy decodes.
 */
export function checkKeyPolicy(
  bytes: Uint8Array,
  key: string,
  callers: readonly Caller[] | undefined,
  orgIds: readonly string[],
): void {
  if (bytes.length === 0) return;
  const policy = decodeKeyPolicy(bytes, key);
  if (!callers) return;
  const signers = callers.flatMap((c) =>
    c.kind === "member" ? [{ orgId: c.identity.orgId, role: c.identity.role }] : [],
  );
  if (!satisfies(policy, signers, orgIds)) {
    throw new CityChainError(
      { code: ErrorCode.POLICY_NOT_SATISFIED },
      `key '${key}' has its own endorsement policy and this transaction's signers do not satisfy it; have the parties it names co-sign`,
    );
  }
}
