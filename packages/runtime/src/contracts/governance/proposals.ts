import { bytesToUtf8, CityChainError, ErrorCode, utf8ToBytes } from "@citychain/protocol";
import { type Principal, parsePolicy, satisfies } from "../../policy/policy.ts";
import type { ContractContext } from "../contract.ts";

export const GOVERNANCE_CONTRACT = "governance";
/** A proposal not decided within this many heights expires. */
export const PROPOSAL_TTL_HEIGHTS = 100_000;
export const PROPOSAL_PAYLOAD_CHARS_MAX = 64 * 1024;
const COUNTER_KEY = "proposal-counter";
const PROPOSAL_PREFIX = "proposal/";
const POLICY_PREFIX = "policy/";

/** Which policy decides a kind of proposal; both default to a majority of organisations' admins. */
export const POLICY_NAMES = ["governance", "lifecycle"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];
export const DEFAULT_POLICY = "MAJORITY admin";

export type ProposalStatus = "open" | "executed" | "rejected" | "expired";

export interface Proposal {
  id: number;
  kind: string;
  payload: unknown;
  policy: string;
  proposedBy: string;
  createdAt: number;
  expiresAt: number;
  /** Organisation id → its admins' vote. */
  votes: Record<string, "yes" | "no">;
  status: ProposalStatus;
  decidedAt?: number;
  /** What execution returned (JSON), or why it failed. */
  outcome?: unknown;
}

export function proposalKey(id: number): string {
  return `${PROPOSAL_PREFIX}${String(id).padStart(12, "0")}`;
}

export function proposalsPrefix(): string {
  return PROPOSAL_PREFIX;
}

export function readProposal(ctx: ContractContext, id: number): Proposal {
  const v = Number.isSafeInteger(id) ? ctx.getState(proposalKey(id)) : undefined;
  if (!v) throw new CityChainError({ code: ErrorCode.PROPOSAL_NOT_FOUND }, `no proposal with id ${id}`);
  return JSON.parse(bytesToUtf8(v)) as Proposal;
}

export function writeProposal(ctx: ContractContext, p: Proposal): void {
  ctx.putState(proposalKey(p.id), utf8ToBytes(JSON.stringify(p)));
}

export function nextProposalId(ctx: ContractContext): number {
  const v = ctx.getState(COUNTER_KEY);
  const id = v ? Number(bytesToUtf8(v)) + 1 : 1;
  ctx.putState(COUNTER_KEY, utf8ToBytes(String(id)));
  return id;
}

export function policyOf(ctx: ContractContext, name: PolicyName): string {
  const v = ctx.getState(POLICY_PREFIX + name);
  return v ? bytesToUtf8(v) : DEFAULT_POLICY;
}

export function setPolicy(ctx: ContractContext, name: PolicyName, text: string): void {
  parsePolicy(text);
  ctx.putState(POLICY_PREFIX + name, utf8ToBytes(text));
}

/** Admin identities among the transaction's signers, one principal per organisation. */
export function adminOrgsOf(ctx: ContractContext): string[] {
  const orgs = new Set<string>();
  for (const c of ctx.callers) if (c.kind === "member" && c.identity.role === "admin") orgs.add(c.identity.orgId);
  return [...orgs].sort();
}

/** The proposal's yes votes as admin principals. */
function yesPrincipals(p: Proposal): Principal[] {
  return Object.entries(p.votes)
    .filter(([, v]) => v === "yes")
    .map(([orgId]) => ({ orgId, role: "admin" }));
}

/**
 * Where a proposal stands: "met" when its yes votes satisfy its policy,
 * "impossible" when even every organisation that has not voted no could not
 * satisfy it, else "pending".
 */
export function tally(p: Proposal, orgIds: readonly string[]): "met" | "impossible" | "pending" {
  const policy = parsePolicy(p.policy);
  if (satisfies(policy, yesPrincipals(p), orgIds)) return "met";
  const hopeful = orgIds.filter((o) => p.votes[o] !== "no").map((orgId) => ({ orgId, role: "admin" }));
  return satisfies(policy, hopeful, orgIds) ? "pending" : "impossible";
}
