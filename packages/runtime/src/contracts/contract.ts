import type { Identity } from "@citychain/crypto";
import type { SignatureAlgorithm } from "@citychain/protocol";

/** Who signed the transaction: a member certificate, or a bare key in `public` mode. */
export type Caller =
  | { kind: "member"; identity: Identity }
  | { kind: "key"; alg: SignatureAlgorithm; publicKey: Uint8Array };

/** What a built-in contract sees of the chain while it runs. */
export interface ContractContext {
  readonly txId: Uint8Array;
  readonly height: number;
  /** Block time: the only clock a contract has. */
  readonly timeMs: number;
  readonly callers: readonly Caller[];
  readonly readOnly: boolean;
  getState(key: string): Uint8Array | undefined;
  putState(key: string, value: Uint8Array): void;
  deleteState(key: string): void;
  /** Keys of this contract starting with prefix, in key order (bounded). */
  listState(prefix: string, limit: number): { key: string; value: Uint8Array }[];
  emit(name: string, payload: Uint8Array): void;
  /** The same transaction in another contract's key space; for system contracts that act on each other. */
  forContract(contract: string): ContractContext;
}

export type ContractFunction = (ctx: ContractContext, args: string[]) => Uint8Array;

/** A contract built into the node (system contracts and samples). */
export interface BuiltinContract {
  readonly name: string;
  /** Functions that change state; run only inside blocks. */
  readonly invoke: Record<string, ContractFunction>;
  /** Functions that only read; run by queries (and also callable in a transaction). */
  readonly query: Record<string, ContractFunction>;
}
