import { type Identity, type MembershipVerifier, verifySignature } from "@citychain/crypto";
import {
  bytesEqual,
  bytesToUtf8,
  CityChainError,
  ErrorCode,
  endorsementSignBytes,
  sha256,
  type Tx,
} from "@citychain/protocol";
import type { TxContext } from "../contract-context.ts";
import type { ContractDefinition } from "../contracts/governance/kinds.ts";
import { checkKeyPolicy } from "../deployed/key-policy.ts";
import { validationSpaceOf } from "../deployed/keys.ts";
import { parsePolicy, satisfies } from "../policy/policy.ts";
import { contractPrefix } from "../state-keys.ts";
import { collectionOf } from "./collections.ts";
import { parsePrivateHashKey, privateHashSpaceOf } from "./keys.ts";

/** Endorsement policy of a contract deployed without one, as Fabric's default: a majority of organisations' nodes. */
export const CONTRACT_ENDORSEMENT_POLICY_DEFAULT = "MAJORITY peer";

function invalid(message: string): never {
  throw new CityChainError({ code: ErrorCode.TX_ENDORSEMENT_INVALID }, message);
}

function startsWith(key: Uint8Array, prefix: Uint8Array): boolean {
  return key.length >= prefix.length && bytesEqual(key.subarray(0, prefix.length), prefix);
}

/** The endorsers' identities: node certificates of member organisations whose signatures verify. */
function endorsersOf(
  tx: Tx,
  membership: MembershipVerifier,
  timeMs: number,
  isRevoked: (fp: string) => boolean,
): Identity[] {
  const endorsed = tx.endorsed;
  if (!endorsed) invalid("the transaction carries no endorsement");
  const message = endorsementSignBytes(tx.id, endorsed.rwsetHash);
  const seen = new Set<string>();
  return endorsed.endorsements.map((e, i) => {
    let id: Identity;
    try {
      id = membership.validate(e.cert, timeMs, isRevoked);
    } catch (err) {
      invalid(`endorsement ${i}: ${(err as Error).message}`);
    }
    if (id.role !== "node")
      invalid(`endorsement ${i} is signed by a ${id.role} certificate; only member nodes endorse`);
    if (id.alg !== e.alg || !verifySignature(id.alg, id.publicKey, message, e.sig)) {
      invalid(`endorsement ${i} (${id.orgId}) does not verify over this transaction and read-write set`);
    }
    if (seen.has(id.fingerprintHex)) invalid(`endorsement ${i} repeats an endorser`);
    seen.add(id.fingerprintHex);
    return id;
  });
}

export interface EndorsedDeps {
  membership: MembershipVerifier;
  timeMs: number;
  isRevoked: (fp: string) => boolean;
  /** Organisations in force (implicit policies count them). */
  orgIds: readonly string[];
}

/**
 * Executes an endorsed transaction on every node, members of its collections
 * or not: instead of running the contract (non-members lack the private
 * values), it checks that member nodes satisfying the policies simulated it,
 * that everything the simulation read is unchanged (else TX_READ_CONFLICT:
 * endorse and submit again), that every write stays in the contract's key
 * spaces and passes key-level policies, then applies the writes and events.
 * Returns the return value; throws the coded failure (nothing is written).
 */
export function applyEndorsed(
  ctx: TxContext,
  tx: Tx,
  def: Pick<ContractDefinition, "name" | "collections" | "endorsementPolicy">,
  deps: EndorsedDeps,
): Uint8Array {
  const endorsed = tx.endorsed;
  if (!endorsed) invalid("the transaction carries no endorsement");
  const endorsers = endorsersOf(tx, deps.membership, deps.timeMs, deps.isRevoked);
  const principals = endorsers.map((e) => ({ orgId: e.orgId, role: e.role }));
  const collections = def.collections ?? [];
  const own = contractPrefix(def.name);
  const vp = contractPrefix(validationSpaceOf(def.name));
  let publicWrites = false;
  const written = new Set<string>();
  for (const w of endorsed.rwset.writes) {
    if (startsWith(w.key, own) || startsWith(w.key, vp)) {
      publicWrites = true;
      continue;
    }
    const p = parsePrivateHashKey(w.key);
    if (
      !p ||
      p.contract !== def.name ||
      !startsWith(w.key, contractPrefix(privateHashSpaceOf(def.name, p.collection)))
    ) {
      invalid(`the read-write set writes outside contract '${def.name}''s key spaces`);
    }
    collectionOf(collections, def.name, p.collection);
    if (w.value !== null && w.value.length !== 32) invalid("a private-data hash must be 32 bytes");
    written.add(p.collection);
  }
  const contractPolicy = parsePolicy(def.endorsementPolicy ?? CONTRACT_ENDORSEMENT_POLICY_DEFAULT);
  const needsContractPolicy =
    publicWrites || [...written].some((c) => !collectionOf(collections, def.name, c).endorsementPolicy);
  if (needsContractPolicy && !satisfies(contractPolicy, principals, deps.orgIds)) {
    throw new CityChainError(
      { code: ErrorCode.POLICY_NOT_SATISFIED },
      `the endorsers (${principals.map((p) => p.orgId).join(", ")}) do not satisfy contract '${def.name}''s endorsement policy ${def.endorsementPolicy ?? CONTRACT_ENDORSEMENT_POLICY_DEFAULT}; gather endorsements from the nodes it names`,
    );
  }
  for (const name of written) {
    const c = collectionOf(collections, def.name, name);
    if (c.endorsementPolicy && !satisfies(parsePolicy(c.endorsementPolicy), principals, deps.orgIds)) {
      throw new CityChainError(
        { code: ErrorCode.POLICY_NOT_SATISFIED },
        `the endorsers do not satisfy collection '${name}''s endorsement policy ${c.endorsementPolicy}`,
      );
    }
    // Someone who will keep the values must have endorsed (and pushed them to the other members).
    if (!endorsers.some((e) => c.memberOrgs.includes(e.orgId))) {
      invalid(`no endorser belongs to collection '${name}' (members: ${c.memberOrgs.join(", ")})`);
    }
  }
  for (const r of endorsed.rwset.reads) {
    const now = ctx.getRaw(r.key);
    const same = now === undefined ? r.hash === null : r.hash !== null && bytesEqual(sha256(now), r.hash);
    if (!same) {
      throw new CityChainError(
        { code: ErrorCode.TX_READ_CONFLICT },
        "state this transaction's endorsement read has changed since; endorse and submit it again",
      );
    }
  }
  for (const w of endorsed.rwset.writes) {
    const inOwn = startsWith(w.key, own);
    if (inOwn || startsWith(w.key, vp)) {
      const userKey = bytesToUtf8(w.key.subarray(inOwn ? own.length : vp.length));
      const policy = ctx.getRaw(new Uint8Array([...vp, ...w.key.subarray(inOwn ? own.length : vp.length)]));
      if (policy) checkKeyPolicy(policy, userKey, ctx.callers, deps.orgIds);
    }
    ctx.putRaw(w.key, w.value);
  }
  for (const e of endorsed.rwset.events) ctx.emit(e.name, e.payload);
  return endorsed.rwset.returnValue;
}
