import { CityChainError, ErrorCode } from "@citychain/protocol";
import { type Policy, parsePolicy } from "../policy/policy.ts";

/**
 * A private data collection of a deployed contract, as Fabric's
 * `collections_config.json` declares it: who holds the values (the
 * organisations named in `policy`), who may read and write them through the
 * contract, who must endorse writes, and how many blocks they live.
 */
export interface CollectionConfig {
  name: string;
  /** Signature policy naming the member organisations, e.g. `OR('org1.member', 'org2.member')`. */
  policy: string;
  /** The organisations named in `policy`: their nodes receive and keep the values. */
  memberOrgs: string[];
  /** Kept for Fabric compatibility: the endorser pushes to every member node it is connected to. */
  requiredPeerCount: number;
  maxPeerCount: number;
  /** Blocks after which member nodes purge a value (0: kept until deleted or purged). */
  blockToLive: number;
  /** Only clients of member organisations may read through the contract. */
  memberOnlyRead: boolean;
  /** Only clients of member organisations may write through the contract. */
  memberOnlyWrite: boolean;
  /** Who must endorse writes to this collection (default: the contract's endorsement policy). */
  endorsementPolicy?: string;
}

/** Bounds on a contract's collection configuration. */
export const COLLECTIONS_PER_CONTRACT_MAX = 32;
export const COLLECTION_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const BLOCK_TO_LIVE_MAX = 1_000_000_000;

function invalid(where: string, why: string): never {
  throw new CityChainError(
    { code: ErrorCode.PRIVATE_COLLECTION_INVALID },
    `collection config ${where}: ${why}. Write it as Fabric's collections_config.json: [{"name": "...", "policy": "OR('org1.member', 'org2.member')", "requiredPeerCount": 0, "maxPeerCount": 3, "blockToLive": 0, "memberOnlyRead": true, "memberOnlyWrite": true}]`,
  );
}

/** Organisations a collection policy names; implicit rules (MAJORITY ...) name none and are refused. */
function orgsOf(p: Policy, where: string): string[] {
  if (p.type === "signedBy") return [p.orgId];
  if (p.type === "implicit")
    invalid(where, "the policy must name its member organisations ('org1.member'), not an implicit rule");
  return p.rules.flatMap((r) => orgsOf(r, where));
}

function uint(v: unknown, where: string, field: string, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) > max)
    invalid(where, `'${field}' must be an integer from 0 to ${max}`);
  return v as number;
}

function bool(v: unknown, where: string, field: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== "boolean") invalid(where, `'${field}' must be true or false`);
  return v;
}

const FIELDS = new Set([
  "name",
  "policy",
  "requiredPeerCount",
  "maxPeerCount",
  "blockToLive",
  "memberOnlyRead",
  "memberOnlyWrite",
  "endorsementPolicy",
]);

/**
 * Checks a collection configuration (Fabric's JSON, parsed) against the
 * organisations in force; throws PRIVATE_COLLECTION_INVALID naming the entry
 * and field. `endorsementPolicy` is Fabric's `{"signaturePolicy": "..."}`
 * (a plain string is accepted too).
 */
export function parseCollections(json: unknown, orgIds: readonly string[]): CollectionConfig[] {
  if (!Array.isArray(json)) invalid("(root)", "must be a JSON array of collections");
  if (json.length > COLLECTIONS_PER_CONTRACT_MAX)
    invalid("(root)", `at most ${COLLECTIONS_PER_CONTRACT_MAX} collections`);
  const names = new Set<string>();
  return json.map((raw, i) => {
    const where = `[${i}]`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) invalid(where, "must be an object");
    const o = raw as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!FIELDS.has(k)) invalid(where, `'${k}' is not a known field`);
    if (typeof o.name !== "string" || !COLLECTION_NAME_PATTERN.test(o.name))
      invalid(where, "'name' must be 1-64 letters, digits, '_', '.' or '-'");
    if (names.has(o.name)) invalid(where, `collection '${o.name}' is declared twice`);
    names.add(o.name);
    if (typeof o.policy !== "string")
      invalid(where, "'policy' must be a signature policy naming the member organisations");
    const memberOrgs = [...new Set(orgsOf(parsePolicy(o.policy), where))].sort();
    const unknown = memberOrgs.filter((id) => !orgIds.includes(id));
    if (unknown.length > 0) invalid(where, `'policy' names organisations that are not members: ${unknown.join(", ")}`);
    const config: CollectionConfig = {
      name: o.name,
      policy: o.policy,
      memberOrgs,
      requiredPeerCount: uint(o.requiredPeerCount, where, "requiredPeerCount", 64, 0),
      maxPeerCount: uint(o.maxPeerCount, where, "maxPeerCount", 64, 0),
      blockToLive: uint(o.blockToLive, where, "blockToLive", BLOCK_TO_LIVE_MAX, 0),
      memberOnlyRead: bool(o.memberOnlyRead, where, "memberOnlyRead"),
      memberOnlyWrite: bool(o.memberOnlyWrite, where, "memberOnlyWrite"),
    };
    const ep = o.endorsementPolicy;
    if (ep !== undefined) {
      const text =
        typeof ep === "string"
          ? ep
          : typeof ep === "object" &&
              ep !== null &&
              typeof (ep as { signaturePolicy?: unknown }).signaturePolicy === "string"
            ? (ep as { signaturePolicy: string }).signaturePolicy
            : invalid(where, '\'endorsementPolicy\' must be {"signaturePolicy": "..."}');
      parsePolicy(text);
      config.endorsementPolicy = text;
    }
    return config;
  });
}

/** The collection `name` of a contract, or PRIVATE_COLLECTION_UNKNOWN naming those it has. */
export function collectionOf(
  collections: readonly CollectionConfig[],
  contract: string,
  name: string,
): CollectionConfig {
  const c = collections.find((x) => x.name === name);
  if (c) return c;
  throw new CityChainError(
    { code: ErrorCode.PRIVATE_COLLECTION_UNKNOWN },
    collections.length === 0
      ? `contract '${contract}' declares no private data collections; deploy it with a collection config`
      : `contract '${contract}' has no collection '${name}'; it has ${collections.map((x) => x.name).join(", ")}`,
  );
}
