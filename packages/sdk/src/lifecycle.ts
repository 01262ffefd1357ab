import type { CertSigner } from "@citychain/crypto";
import {
  bytesToBase64,
  bytesToHex,
  bytesToUtf8,
  CityChainError,
  CONTRACT_BUNDLE_BYTES_MAX,
  CONTRACT_BUNDLE_CHUNK_BYTES_MAX,
  ErrorCode,
  sha256,
} from "@citychain/protocol";
import type { CityChainClient, CommittedTx } from "./client.ts";

/** A governance proposal as the `governance` contract stores it. */
export interface ProposalInfo {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  policy: string;
  proposedBy: string;
  votes: Record<string, "yes" | "no">;
  status: "open" | "executed" | "rejected" | "expired";
  outcome?: unknown;
}

/** A deployed contract's definition. */
export interface ContractDefinitionInfo {
  name: string;
  sequence: number;
  hash: string;
  version: string;
  activeFrom: number;
  proposalId: number;
  /** Private data collections, as the chain checked them (member organisations derived from each policy). */
  collections?: (Record<string, unknown> & { name: string; memberOrgs: string[] })[];
  endorsementPolicy?: string;
}

export interface DeployOptions {
  name: string;
  /** Default: the current sequence + 1 (1 for a new contract). */
  sequence?: number;
  version?: string;
  /** Private data collections: Fabric's collections_config.json, parsed. */
  collections?: unknown[];
  /** Who must endorse transactions through member nodes, Fabric syntax (default: MAJORITY peer). */
  endorsementPolicy?: string;
  /** Further organisations' admins approving in the same transaction. */
  cosigners?: CertSigner[];
}

export interface DeployResult {
  hash: string;
  proposal: ProposalInfo;
  /** Upload transactions sent (0 when the chain already had the bundle). */
  uploads: number;
}

async function evaluateJson<T>(client: CityChainClient, fn: string, ...args: string[]): Promise<T> {
  return JSON.parse(bytesToUtf8(await client.evaluateTransaction("governance", fn, ...args))) as T;
}

/** The definition of a deployed contract, or undefined. */
export async function contractDefinition(
  client: CityChainClient,
  name: string,
): Promise<ContractDefinitionInfo | undefined> {
  try {
    return await evaluateJson<ContractDefinitionInfo>(client, "contract", name);
  } catch (e) {
    if ((e as { code?: string }).code === ErrorCode.CONTRACT_NOT_FOUND) return undefined;
    throw e;
  }
}

export function listProposals(client: CityChainClient, status?: ProposalInfo["status"]): Promise<ProposalInfo[]> {
  return status ? evaluateJson(client, "list", status) : evaluateJson(client, "list");
}

/**
 * Uploads a contract bundle (in pieces) and proposes it as the next
 * definition of `name`; the client's identity (an organisation admin) and
 * any co-signers approve it. It goes live once the lifecycle policy is met.
 */
export async function deployContract(
  client: CityChainClient,
  bundle: Uint8Array,
  opts: DeployOptions,
): Promise<DeployResult> {
  if (bundle.length === 0 || bundle.length > CONTRACT_BUNDLE_BYTES_MAX) {
    throw new CityChainError(
      { code: ErrorCode.CONTRACT_ARGS_INVALID },
      `a contract bundle must be 1 to ${CONTRACT_BUNDLE_BYTES_MAX} bytes; this one is ${bundle.length}`,
    );
  }
  const hash = bytesToHex(sha256(bundle));
  const count = Math.ceil(bundle.length / CONTRACT_BUNDLE_CHUNK_BYTES_MAX);
  let uploads = 0;
  const present = await client
    .evaluateTransaction("governance", "bundle", hash)
    .then((b) => JSON.parse(bytesToUtf8(b)) as { complete: boolean })
    .catch(() => ({ complete: false }));
  if (!present.complete) {
    for (let i = 0; i < count; i++) {
      const piece = bundle.subarray(i * CONTRACT_BUNDLE_CHUNK_BYTES_MAX, (i + 1) * CONTRACT_BUNDLE_CHUNK_BYTES_MAX);
      await client.submit({
        contract: "governance",
        fn: "upload",
        args: [hash, String(bundle.length), String(i), String(count), bytesToBase64(piece)],
      });
      uploads++;
    }
  }
  const current = await contractDefinition(client, opts.name);
  const payload = {
    name: opts.name,
    sequence: opts.sequence ?? (current?.sequence ?? 0) + 1,
    hash,
    ...(opts.version ? { version: opts.version } : {}),
    ...(opts.collections ? { collections: opts.collections } : {}),
    ...(opts.endorsementPolicy ? { endorsementPolicy: opts.endorsementPolicy } : {}),
  };
  const committed = await client.submit({
    contract: "governance",
    fn: "propose",
    args: ["deployContract", JSON.stringify(payload)],
    cosigners: opts.cosigners,
  });
  return { hash, proposal: proposalOf(committed), uploads };
}

function proposalOf(tx: CommittedTx): ProposalInfo {
  return JSON.parse(bytesToUtf8(tx.returnValue)) as ProposalInfo;
}

/**
 * Approves the open proposal that deploys `name` at `sequence` (and, when
 * given, bundle `hash`) with the client's identity (an organisation admin).
 */
export async function approveContract(
  client: CityChainClient,
  opts: { name: string; sequence?: number; hash?: string; cosigners?: CertSigner[] },
): Promise<ProposalInfo> {
  const open = (await listProposals(client, "open")).filter(
    (p) =>
      p.kind === "deployContract" &&
      p.payload.name === opts.name &&
      (opts.sequence === undefined || p.payload.sequence === opts.sequence) &&
      (opts.hash === undefined || p.payload.hash === opts.hash),
  );
  if (open.length !== 1) {
    throw new CityChainError(
      { code: ErrorCode.PROPOSAL_NOT_FOUND },
      open.length === 0
        ? `no open proposal deploys '${opts.name}'${opts.sequence ? ` at sequence ${opts.sequence}` : ""}; list them with citychain contract list`
        : `${open.length} open proposals deploy '${opts.name}'; name the sequence or the hash`,
    );
  }
  const committed = await client.submit({
    contract: "governance",
    fn: "vote",
    args: [String(open[0].id), "yes"],
    cosigners: opts.cosigners,
  });
  return proposalOf(committed);
}
