import {
  bytesToUtf8,
  CityChainError,
  ErrorCode,
  type Genesis,
  type GenesisValidator,
  type TxResultLeaf,
  type Validator,
  validatorsHashOf,
} from "@citychain/protocol";
import { validatorsFromEntries, validatorsOf } from "./validators.ts";

/** The contract and event that announce a new validator set (emitted by `membership.setValidator`). */
export const VALIDATOR_SET_EVENT = { contract: "membership", name: "validatorSetChanged" } as const;

/**
 * How many heights after the block that decides a change the new set takes
 * over: a change in block H governs H+2 onwards (as in CometBFT), so the set
 * of the next height is always known before consensus on it starts, also on
 * a node that commits H and starts H+1 at once.
 */
export const VALIDATOR_SET_DELAY_HEIGHTS = 2;

/** The payload of a `validatorSetChanged` event: the whole new set and the first height it governs. */
export interface ValidatorSetChange {
  fromHeight: number;
  validators: GenesisValidator[];
}

interface Entry {
  fromHeight: number;
  validators: Validator[];
  /** validatorsHashOf(validators), what block headers carry. */
  hash: Uint8Array;
}

/**
 * The validator set of every height: the genesis set from height 1, then each
 * announced change from its `fromHeight`. Nodes, the offline verifier and
 * light clients all follow the same `validatorSetChanged` events, so they agree
 * on which set must sign each block's commit certificate.
 */
export class ValidatorSchedule {
  private readonly entries: Entry[];

  private constructor(first: Entry) {
    this.entries = [first];
  }

  static fromGenesis(genesis: Genesis): ValidatorSchedule {
    const validators = validatorsOf(genesis);
    return new ValidatorSchedule({ fromHeight: 1, validators, hash: validatorsHashOf(validators) });
  }

  private entryAt(height: number): Entry {
    for (let i = this.entries.length - 1; i > 0; i--) {
      if (this.entries[i].fromHeight <= height) return this.entries[i];
    }
    return this.entries[0];
  }

  /** An independent copy (changes applied to it leave this one as it is). */
  clone(): ValidatorSchedule {
    const copy = new ValidatorSchedule(this.entries[0]);
    copy.entries.push(...this.entries.slice(1));
    return copy;
  }

  /** The set that signs the commit certificate of `height`. */
  at(height: number): Validator[] {
    return this.entryAt(height).validators;
  }

  /** First height of the set that governs `height`. */
  fromHeightAt(height: number): number {
    return this.entryAt(height).fromHeight;
  }

  /** The validators hash the header of `height` must carry. */
  hashAt(height: number): Uint8Array {
    return this.entryAt(height).hash;
  }

  /** Heights at which the set changed, with the set from there on. */
  changes(): readonly { fromHeight: number; validators: readonly Validator[] }[] {
    return this.entries;
  }

  /**
   * Records a change. Changes arrive in chain order; a later change for the
   * same `fromHeight` (two in one block) replaces the earlier one.
   */
  apply(change: ValidatorSetChange): void {
    const last = this.entries[this.entries.length - 1];
    if (change.fromHeight < last.fromHeight) {
      throw new CityChainError(
        { code: ErrorCode.VALIDATOR_SET_INVALID },
        `validator set change for height ${change.fromHeight} arrives after one for height ${last.fromHeight}`,
      );
    }
    const validators = validatorsFromEntries(
      change.validators,
      `validator set from height ${change.fromHeight}: 'validators`,
      ErrorCode.VALIDATOR_SET_INVALID,
    );
    if (validators.length === 0) {
      throw new CityChainError({ code: ErrorCode.VALIDATOR_SET_INVALID }, "a validator set cannot be empty");
    }
    const entry = { fromHeight: change.fromHeight, validators, hash: validatorsHashOf(validators) };
    if (change.fromHeight === last.fromHeight && this.entries.length > 1) this.entries[this.entries.length - 1] = entry;
    else this.entries.push(entry);
  }

  /** Applies every `validatorSetChanged` event among one block's results; returns how many there were. */
  applyResults(results: readonly Pick<TxResultLeaf, "code" | "events">[]): number {
    let n = 0;
    for (const r of results) {
      if (r.code !== "OK") continue;
      for (const e of r.events) {
        if (e.contract !== VALIDATOR_SET_EVENT.contract || e.name !== VALIDATOR_SET_EVENT.name) continue;
        this.apply(parseValidatorSetChange(e.payload));
        n++;
      }
    }
    return n;
  }
}

/** Decodes and checks the shape of a `validatorSetChanged` payload (JSON). */
export function parseValidatorSetChange(payload: Uint8Array): ValidatorSetChange {
  let v: unknown;
  try {
    v = JSON.parse(bytesToUtf8(payload));
  } catch {
    v = undefined;
  }
  const c = v as ValidatorSetChange | undefined;
  const ok =
    c !== undefined &&
    c !== null &&
    Number.isSafeInteger(c.fromHeight) &&
    c.fromHeight > 1 &&
    Array.isArray(c.validators) &&
    c.validators.every(
      (x) =>
        typeof x?.name === "string" &&
        typeof x.orgId === "string" &&
        typeof x.cert === "string" &&
        Number.isSafeInteger(x.power) &&
        x.power > 0,
    );
  if (!ok) {
    throw new CityChainError(
      { code: ErrorCode.VALIDATOR_SET_INVALID },
      "a validatorSetChanged event must carry { fromHeight, validators: [{ name, orgId, cert, power }] }",
    );
  }
  return c;
}
