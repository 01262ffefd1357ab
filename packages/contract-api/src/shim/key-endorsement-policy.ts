/**
 * Key-level endorsement policies (Fabric's `KeyEndorsementPolicy`): the
 * organisations that must all endorse a change to a key.
 *
 * Fabric encodes the policy as a protobuf `SignaturePolicyEnvelope`
 * requiring one signature from each listed principal. CityChain encodes the
 * same policy as UTF-8 JSON:
 *
 * ```json
 * {"type":"signedBy-all-of-orgs","orgs":[{"mspId":"Org1MSP","role":"MEMBER"},{"mspId":"Org2MSP","role":"PEER"}]}
 * ```
 *
 * `orgs` is in the order the organisations were added; a transaction changing
 * the key must carry a signature from an identity of every listed
 * organisation with that role. Empty bytes mean no organisation.
 */

/** The roles an organisation may be listed with (Fabric's `ENDORSER_ROLES`). */
export const ENDORSER_ROLES = { MEMBER: "MEMBER", PEER: "PEER" } as const;

/** A role of `ENDORSER_ROLES`. */
export type EndorserRole = (typeof ENDORSER_ROLES)[keyof typeof ENDORSER_ROLES];

/** The JSON form of a policy. */
export interface EncodedKeyEndorsementPolicy {
  type: "signedBy-all-of-orgs";
  orgs: Array<{ mspId: string; role: EndorserRole }>;
}

const POLICY_TYPE = "signedBy-all-of-orgs";

/** Builds and reads key-level endorsement policies by organisation. */
export class KeyEndorsementPolicy {
  readonly #orgs = new Map<string, EndorserRole>();

  /** A policy, read from `policy` bytes when given (as returned by `getStateValidationParameter`). */
  constructor(policy?: Uint8Array) {
    if (policy && policy.length > 0) {
      for (const org of decodePolicy(policy).orgs) this.#orgs.set(org.mspId, org.role);
    }
  }

  /** The policy's bytes, for `setStateValidationParameter`. */
  getPolicy(): Buffer {
    const encoded: EncodedKeyEndorsementPolicy = {
      type: POLICY_TYPE,
      orgs: Array.from(this.#orgs, ([mspId, role]) => ({ mspId, role })),
    };
    return Buffer.from(JSON.stringify(encoded), "utf8");
  }

  /** Requires endorsement by each organisation in `newOrgs`, with `role` (MEMBER or PEER). */
  addOrgs(role: string, ...newOrgs: string[]): void {
    if (role !== ENDORSER_ROLES.MEMBER && role !== ENDORSER_ROLES.PEER)
      throw new Error(`role type ${role} does not exist`);
    for (const org of newOrgs) this.#orgs.set(org, role);
  }

  /** No longer requires endorsement by the organisations in `delOrgs`. */
  delOrgs(...delOrgs: string[]): void {
    for (const org of delOrgs) this.#orgs.delete(org);
  }

  /** The organisations whose endorsement is required. */
  listOrgs(): string[] {
    return Array.from(this.#orgs.keys());
  }
}

function decodePolicy(bytes: Uint8Array): EncodedKeyEndorsementPolicy {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    throw new Error("endorsement policy bytes are not a CityChain key endorsement policy (not JSON)");
  }
  const policy = decoded as Partial<EncodedKeyEndorsementPolicy>;
  const valid =
    typeof decoded === "object" &&
    decoded !== null &&
    policy.type === POLICY_TYPE &&
    Array.isArray(policy.orgs) &&
    policy.orgs.every(
      (org) =>
        typeof org?.mspId === "string" && (org.role === ENDORSER_ROLES.MEMBER || org.role === ENDORSER_ROLES.PEER),
    );
  if (!valid) throw new Error(`endorsement policy bytes are not a CityChain key endorsement policy (${POLICY_TYPE})`);
  return policy as EncodedKeyEndorsementPolicy;
}
