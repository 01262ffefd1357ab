import {
  type Identity,
  type MembershipVerifier,
  parseCertificate,
  VALIDATOR_SET_DELAY_HEIGHTS,
  VALIDATOR_SET_EVENT,
  type ValidatorSetChange,
  validatorsFromEntries,
} from "@citychain/crypto";
import {
  bytesToHex,
  bytesToUtf8,
  CityChainError,
  ErrorCode,
  type Genesis,
  type GenesisValidator,
  utf8ToBytes,
} from "@citychain/protocol";
import type { ContractContext, ContractFunction } from "./contract.ts";
import { readOrgs } from "./governance/orgs.ts";
import { adminOrgsOf, GOVERNANCE_CONTRACT } from "./governance/proposals.ts";

/** Latest announced set (what the next change builds on). */
export const VALSET_LATEST_KEY = "valset/latest";
/** Every announced set by the first height it governs, zero-padded so keys sort by height. */
export const VALSET_HISTORY_PREFIX = "valset/h/";
/** Upper bound on the size of a validator set. */
export const VALIDATORS_MAX = 256;
const VOTING_POWER_MAX = 1_000_000;

export function valsetHistoryKey(fromHeight: number): string {
  return `${VALSET_HISTORY_PREFIX}${String(fromHeight).padStart(12, "0")}`;
}

function argsError(message: string): never {
  throw new CityChainError({ code: ErrorCode.CONTRACT_ARGS_INVALID }, message);
}

/** Organisations whose admins signed the transaction. */
/**
 * `membership.setValidator(name, orgId, nodeCertPem, power)`: adds a validator,
 * changes its power, or (power 0) removes it. Until the governance contract
 * exists, the transaction must carry signatures of admins of more than half of
 * the member organisations. The new set governs from two heights after the
 * block that includes the transaction (VALIDATOR_SET_DELAY_HEIGHTS); nodes,
 * the chain verifier and light clients learn it from the
 * `validatorSetChanged` event.
 */
export function createSetValidator(genesis: Genesis, verifier: MembershipVerifier): ContractFunction {
  return (ctx, args) => {
    if (args.length !== 4) {
      argsError("membership.setValidator takes 4 arguments: name, organisation id, node certificate (PEM), power");
    }
    const [name, orgId, certPem, powerText] = args;
    const power = Number(powerText);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name))
      argsError("validator name must be 1-64 letters, digits, '.', '_' or '-'");
    if (!/^\d+$/.test(powerText) || power > VOTING_POWER_MAX) {
      argsError(`power must be an integer from 0 (remove) to ${VOTING_POWER_MAX}`);
    }
    const orgIds = readOrgs(ctx.forContract(GOVERNANCE_CONTRACT), genesis).map((o) => o.id);
    const signed = adminOrgsOf(ctx).filter((o) => orgIds.includes(o));
    const needed = Math.floor(orgIds.length / 2) + 1;
    if (signed.length < needed) {
      throw new CityChainError(
        { code: ErrorCode.ACCESS_DENIED },
        `changing the validator set needs signatures of admins of ${needed} of the ${orgIds.length} organisations; this transaction has ${signed.length} (${signed.join(", ") || "none"}). Co-sign it with more organisations' admin identities`,
      );
    }
    return applyValidatorChange(ctx, genesis, verifier, { name, orgId, certPem, power });
  };
}

/** The latest announced validator set (what the next change builds on); `ctx` in the membership key space. */
export function latestValidators(ctx: Pick<ContractContext, "getState">, genesis: Genesis): GenesisValidator[] {
  const latest = ctx.getState(VALSET_LATEST_KEY);
  return latest ? (JSON.parse(bytesToUtf8(latest)) as ValidatorSetChange).validators : genesis.validators;
}

/** One validator's new power (0 removes it), already approved by whoever had to approve it. */
export interface ValidatorChangeRequest {
  name: string;
  orgId: string;
  certPem: string;
  power: number;
}

/**
 * Applies an approved change: checks the node certificate against its
 * organisation, builds the whole new set on the latest announced one, records
 * it to govern from two heights on, and emits `validatorSetChanged`.
 */
export function applyValidatorChange(
  ctx: ContractContext,
  genesis: Genesis,
  verifier: MembershipVerifier,
  req: ValidatorChangeRequest,
): Uint8Array {
  const { name, orgId, certPem, power } = req;
  let node: Identity;
  try {
    node = verifier.validate(new Uint8Array(parseCertificate(certPem).der), ctx.timeMs, () => false);
  } catch (e) {
    if (e instanceof CityChainError) throw e;
    argsError(`membership.setValidator: not a certificate: ${(e as Error).message}`);
  }
  if (node.orgId !== orgId) argsError(`the certificate belongs to organisation '${node.orgId}', not '${orgId}'`);
  if (node.role !== "node") argsError(`a validator key must be a node certificate; this one has role '${node.role}'`);
  const current = latestValidators(ctx, genesis);
  const fingerprint = node.fingerprintHex;
  const others = current.filter((v) => v.name !== name && parseCertificate(v.cert).fingerprintHex !== fingerprint);
  const next = power === 0 ? others : [...others, { name, orgId, cert: certPem, power }];
  if (power === 0 && next.length === current.length) argsError(`'${name}' is not a validator`);
  if (next.length === 0) argsError("the last validator cannot be removed");
  if (next.length > VALIDATORS_MAX) argsError(`a validator set holds at most ${VALIDATORS_MAX} validators`);
  next.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Same checks every node and client will apply to the event (keys parse, none repeated).
  validatorsFromEntries(next, "new validator set: 'validators", ErrorCode.CONTRACT_ARGS_INVALID);
  const change: ValidatorSetChange = { fromHeight: ctx.height + VALIDATOR_SET_DELAY_HEIGHTS, validators: next };
  const bytes = utf8ToBytes(JSON.stringify(change));
  ctx.putState(VALSET_LATEST_KEY, bytes);
  // History keeps the deciding transaction too, so a node can serve its proof to light clients.
  ctx.putState(
    valsetHistoryKey(change.fromHeight),
    utf8ToBytes(JSON.stringify({ ...change, txId: bytesToHex(ctx.txId) })),
  );
  ctx.emit(VALIDATOR_SET_EVENT.name, bytes);
  return bytes;
}
