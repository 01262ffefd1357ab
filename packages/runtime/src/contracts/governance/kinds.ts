import type { MembershipVerifier } from "@citychain/crypto";
import { bytesToUtf8, CityChainError, ErrorCode, type Genesis, utf8ToBytes } from "@citychain/protocol";
import { parsePolicy } from "../../policy/policy.ts";
import { type CollectionConfig, parseCollections } from "../../private/collections.ts";
import { decodeBundle } from "../../sandbox/bundle.ts";
import type { ContractContext } from "../contract.ts";
import { MEMBERSHIP_CONTRACT } from "../membership.ts";
import { applyValidatorChange, latestValidators } from "../validator-set.ts";
import { readBundle } from "./bundles.ts";
import { checkNewOrg, readOrgs, writeOrgs } from "./orgs.ts";
import { checkParamsChange, writeParams } from "./params.ts";
import { POLICY_NAMES, type PolicyName, setPolicy } from "./proposals.ts";

/** A deployed contract: which bundle runs under a name, from which height. */
export interface ContractDefinition {
  name: string;
  sequence: number;
  /** SHA-256 hex of the bundle. */
  hash: string;
  version: string;
  /** First height whose transactions run this definition. */
  activeFrom: number;
  proposalId: number;
  /** Private data collections (Fabric's collections_config.json). */
  collections?: CollectionConfig[];
  /** Who must endorse transactions that go through member nodes (private data); Fabric syntax. */
  endorsementPolicy?: string;
}

const DEFINITION_PREFIX = "contract/";
const CONTRACT_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

export function definitionKey(name: string): string {
  return DEFINITION_PREFIX + name;
}

export function readDefinition(ctx: Pick<ContractContext, "getState">, name: string): ContractDefinition | undefined {
  const v = ctx.getState(definitionKey(name));
  return v ? (JSON.parse(bytesToUtf8(v)) as ContractDefinition) : undefined;
}

function argsError(message: string): never {
  throw new CityChainError({ code: ErrorCode.CONTRACT_ARGS_INVALID }, message);
}

/** What every kind of proposal provides: which policy decides it, a check of its payload, and its effect. */
export interface ProposalKind {
  policy: PolicyName;
  /** Throws CONTRACT_ARGS_INVALID (or another code) when the payload cannot be executed now. */
  check(ctx: ContractContext, payload: Record<string, unknown>): void;
  execute(ctx: ContractContext, payload: Record<string, unknown>, proposalId: number): unknown;
}

export interface KindDeps {
  genesis: Genesis;
  verifier: MembershipVerifier;
  /** Names taken by built-in contracts. */
  reserved: ReadonlySet<string>;
}

function str(p: Record<string, unknown>, field: string): string {
  const v = p[field];
  if (typeof v !== "string" || v.length === 0) argsError(`the proposal needs '${field}' (a string)`);
  return v;
}

function int(p: Record<string, unknown>, field: string, min: number, max: number): number {
  const v = p[field];
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max)
    argsError(`the proposal needs '${field}', an integer from ${min} to ${max}`);
  return v as number;
}

export function createKinds(deps: KindDeps): Record<string, ProposalKind> {
  const checkRemoval = (ctx: ContractContext, p: Record<string, unknown>) => {
    const id = str(p, "id");
    const current = readOrgs(ctx, deps.genesis);
    if (!current.some((o) => o.id === id)) argsError(`organisation '${id}' is not a member`);
    if (current.length === 1) argsError("the last organisation cannot be removed");
    const validators = latestValidators(ctx.forContract(MEMBERSHIP_CONTRACT), deps.genesis).filter(
      (v) => v.orgId === id,
    );
    if (validators.length > 0) {
      argsError(
        `organisation '${id}' still runs validators (${validators.map((v) => v.name).join(", ")}); remove them first (setValidator with power 0)`,
      );
    }
    return { id, current };
  };
  const checkDeploy = (ctx: ContractContext, p: Record<string, unknown>) => {
    const name = str(p, "name");
    if (!CONTRACT_NAME_PATTERN.test(name))
      argsError("contract names are 1-64 lower-case letters, digits, '-' or '_', starting with a letter");
    if (deps.reserved.has(name)) argsError(`'${name}' is a built-in contract`);
    const hash = str(p, "hash");
    if (!/^[0-9a-f]{64}$/.test(hash)) argsError("'hash' must be the bundle's SHA-256 in lower-case hex");
    const sequence = int(p, "sequence", 1, 1_000_000);
    const current = readDefinition(ctx, name);
    const next = (current?.sequence ?? 0) + 1;
    if (sequence !== next) {
      throw new CityChainError(
        { code: ErrorCode.CONTRACT_ARGS_INVALID },
        `contract '${name}' is at sequence ${current?.sequence ?? 0}; the next definition must have sequence ${next}`,
      );
    }
    const bundle = readBundle(ctx, hash);
    if (!bundle)
      argsError(`bundle ${hash} is not (completely) uploaded; upload it first (citychain contract deploy does)`);
    // A bundle the sandbox would refuse is refused now, not on every call after deployment.
    decodeBundle(bundle);
    const collections =
      p.collections === undefined
        ? undefined
        : parseCollections(
            p.collections,
            readOrgs(ctx, deps.genesis).map((o) => o.id),
          );
    let endorsementPolicy: string | undefined;
    if (p.endorsementPolicy !== undefined) {
      if (typeof p.endorsementPolicy !== "string") argsError("'endorsementPolicy' must be policy text");
      parsePolicy(p.endorsementPolicy);
      endorsementPolicy = p.endorsementPolicy;
    }
    return { name, hash, sequence, collections, endorsementPolicy };
  };
  return {
    deployContract: {
      policy: "lifecycle",
      check: (ctx, p) => void checkDeploy(ctx, p),
      execute(ctx, p, proposalId) {
        const { name, hash, sequence, collections, endorsementPolicy } = checkDeploy(ctx, p);
        const def: ContractDefinition = {
          name,
          sequence,
          hash,
          version: typeof p.version === "string" ? p.version : String(sequence),
          activeFrom: ctx.height + 1,
          proposalId,
          ...(collections ? { collections } : {}),
          ...(endorsementPolicy ? { endorsementPolicy } : {}),
        };
        ctx.putState(definitionKey(name), utf8ToBytes(JSON.stringify(def)));
        ctx.emit("contractDeployed", utf8ToBytes(JSON.stringify(def)));
        return def;
      },
    },
    setValidator: {
      policy: "governance",
      check(_ctx, p) {
        str(p, "name");
        str(p, "orgId");
        str(p, "cert");
        int(p, "power", 0, 1_000_000);
      },
      execute(ctx, p) {
        const bytes = applyValidatorChange(ctx.forContract(MEMBERSHIP_CONTRACT), deps.genesis, deps.verifier, {
          name: str(p, "name"),
          orgId: str(p, "orgId"),
          certPem: str(p, "cert"),
          power: int(p, "power", 0, 1_000_000),
        });
        return JSON.parse(bytesToUtf8(bytes));
      },
    },
    addOrg: {
      policy: "governance",
      check(ctx, p) {
        checkNewOrg(readOrgs(ctx, deps.genesis), p);
      },
      execute(ctx, p) {
        const current = readOrgs(ctx, deps.genesis);
        const org = checkNewOrg(current, p);
        writeOrgs(ctx, [...current, org]);
        return { added: org.id };
      },
    },
    removeOrg: {
      policy: "governance",
      check(ctx, p) {
        checkRemoval(ctx, p);
      },
      execute(ctx, p) {
        const { id, current } = checkRemoval(ctx, p);
        writeOrgs(
          ctx,
          current.filter((o) => o.id !== id),
        );
        return { removed: id };
      },
    },
    setParams: {
      policy: "governance",
      check(_ctx, p) {
        checkParamsChange(p.params);
      },
      execute(ctx, p) {
        return writeParams(ctx, deps.genesis, checkParamsChange(p.params));
      },
    },
    setPolicy: {
      policy: "governance",
      check(_ctx, p) {
        const name = str(p, "name");
        if (!(POLICY_NAMES as readonly string[]).includes(name))
          argsError(`'name' must be one of ${POLICY_NAMES.join(", ")}`);
        parsePolicy(str(p, "policy"));
      },
      execute(ctx, p) {
        setPolicy(ctx, str(p, "name") as PolicyName, str(p, "policy"));
        return { name: p.name, policy: p.policy };
      },
    },
  };
}
