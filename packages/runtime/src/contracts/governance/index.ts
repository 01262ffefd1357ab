import { bytesToUtf8, CityChainError, ErrorCode, utf8ToBytes } from "@citychain/protocol";
import type { BuiltinContract, ContractContext } from "../contract.ts";
import { bundleStatus, uploadChunk } from "./bundles.ts";
import { createKinds, type KindDeps, readDefinition } from "./kinds.ts";
import { readOrgs } from "./orgs.ts";
import {
  adminOrgsOf,
  GOVERNANCE_CONTRACT,
  nextProposalId,
  POLICY_NAMES,
  PROPOSAL_PAYLOAD_CHARS_MAX,
  PROPOSAL_TTL_HEIGHTS,
  type Proposal,
  policyOf,
  proposalsPrefix,
  readProposal,
  tally,
  writeProposal,
} from "./proposals.ts";

export * from "./bundles.ts";
export * from "./kinds.ts";
export * from "./orgs.ts";
export * from "./params.ts";
export * from "./proposals.ts";

const LIST_MAX = 1_000;

function argsError(message: string): never {
  throw new CityChainError({ code: ErrorCode.CONTRACT_ARGS_INVALID }, message);
}

function json(v: unknown): Uint8Array {
  return utf8ToBytes(JSON.stringify(v));
}

function requireAdmins(ctx: ContractContext, action: string): string[] {
  const orgs = adminOrgsOf(ctx);
  if (orgs.length === 0) {
    throw new CityChainError(
      { code: ErrorCode.ACCESS_DENIED },
      `only organisation admins may ${action}; sign with an admin identity`,
    );
  }
  return orgs;
}

/**
 * The governance system contract: organisation admins propose (deploy or
 * upgrade a contract, change the validator set, change a policy) and vote;
 * a proposal takes effect in the transaction whose vote satisfies its policy
 * (a majority of organisations' admins by default). Every admin who signs a
 * transaction votes with it, so one transaction co-signed by enough admins
 * proposes and decides at once.
 */
export function createGovernanceContract(deps: KindDeps): BuiltinContract {
  const kinds = createKinds(deps);
  const decide = (ctx: ContractContext, p: Proposal): Proposal => {
    // Only organisations in force vote; the list may have changed since the proposal was made.
    const orgIds = readOrgs(ctx, deps.genesis).map((o) => o.id);
    for (const o of Object.keys(p.votes)) if (!orgIds.includes(o)) delete p.votes[o];
    const state = tally(p, orgIds);
    if (state === "pending") return p;
    p.decidedAt = ctx.height;
    if (state === "impossible") {
      p.status = "rejected";
      ctx.emit("proposalRejected", json({ id: p.id, kind: p.kind }));
      return p;
    }
    // Its effect runs inside this transaction: if it fails, the whole vote fails and nothing changes.
    p.outcome = kinds[p.kind].execute(ctx, p.payload as Record<string, unknown>, p.id);
    p.status = "executed";
    ctx.emit("proposalExecuted", json({ id: p.id, kind: p.kind, outcome: p.outcome }));
    return p;
  };

  return {
    name: GOVERNANCE_CONTRACT,
    invoke: {
      /** propose(kind, payloadJson) → the proposal. */
      propose(ctx, args) {
        if (args.length !== 2)
          argsError(`governance.propose takes a kind (${Object.keys(kinds).join(", ")}) and a JSON payload`);
        const [kind, payloadText] = args;
        const k = kinds[kind];
        if (!k) argsError(`unknown proposal kind '${kind}'; known: ${Object.keys(kinds).join(", ")}`);
        if (payloadText.length > PROPOSAL_PAYLOAD_CHARS_MAX)
          argsError(`payload over ${PROPOSAL_PAYLOAD_CHARS_MAX} characters`);
        let payload: Record<string, unknown>;
        try {
          payload = JSON.parse(payloadText);
        } catch {
          argsError("the payload must be a JSON object");
        }
        if (typeof payload !== "object" || payload === null || Array.isArray(payload))
          argsError("the payload must be a JSON object");
        const voters = requireAdmins(ctx, "make proposals");
        k.check(ctx, payload);
        const p: Proposal = {
          id: nextProposalId(ctx),
          kind,
          payload,
          policy: policyOf(ctx, k.policy),
          proposedBy: voters[0],
          createdAt: ctx.height,
          expiresAt: ctx.height + PROPOSAL_TTL_HEIGHTS,
          votes: Object.fromEntries(voters.map((o) => [o, "yes" as const])),
          status: "open",
        };
        ctx.emit("proposed", json({ id: p.id, kind, payload, proposedBy: p.proposedBy }));
        writeProposal(ctx, decide(ctx, p));
        return json(p);
      },
      /** vote(id, "yes"|"no"): every admin signing the transaction votes for its organisation. */
      vote(ctx, args) {
        if (args.length !== 2 || (args[1] !== "yes" && args[1] !== "no"))
          argsError("governance.vote takes a proposal id and 'yes' or 'no'");
        const voters = requireAdmins(ctx, "vote");
        const p = readProposal(ctx, Number(args[0]));
        if (p.status === "open" && ctx.height > p.expiresAt) p.status = "expired";
        if (p.status !== "open") {
          throw new CityChainError(
            { code: ErrorCode.PROPOSAL_CLOSED },
            `proposal ${p.id} is ${p.status}; make a new one`,
          );
        }
        for (const o of voters) p.votes[o] = args[1] as "yes" | "no";
        writeProposal(ctx, decide(ctx, p));
        ctx.emit("voted", json({ id: p.id, orgs: voters, vote: args[1], status: p.status }));
        return json(p);
      },
      /** upload(hash, size, index, count, pieceBase64): a piece of a chaincode bundle, by an admin. */
      upload(ctx, args) {
        requireAdmins(ctx, "upload contract bundles");
        return uploadChunk(ctx, args);
      },
    },
    query: {
      get(ctx, args) {
        return json(readProposal(ctx, Number(args[0])));
      },
      /** list([status]) → proposals, oldest first. */
      list(ctx, args) {
        const all = ctx
          .listState(proposalsPrefix(), LIST_MAX)
          .map((e) => JSON.parse(bytesToUtf8(e.value)) as Proposal)
          .filter((p) => args[0] === undefined || p.status === args[0]);
        return json(all);
      },
      /** bundle(hash) → upload progress of a contract bundle. */
      bundle(ctx, args) {
        return json(bundleStatus(ctx, args[0] ?? ""));
      },
      /** orgs() → the member organisations in force. */
      orgs(ctx) {
        return json(readOrgs(ctx, deps.genesis).map(({ id, name }) => ({ id, name })));
      },
      policies(ctx) {
        return json(Object.fromEntries(POLICY_NAMES.map((n) => [n, policyOf(ctx, n)])));
      },
      /** contract(name) → its definition (sequence, bundle hash, first height). */
      contract(ctx, args) {
        const def = readDefinition(ctx, args[0] ?? "");
        if (!def)
          throw new CityChainError({ code: ErrorCode.CONTRACT_NOT_FOUND }, `no contract '${args[0]}' is deployed`);
        return json(def);
      },
    },
  };
}
