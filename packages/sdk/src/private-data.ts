import {
  base64ToBytes,
  bytesEqual,
  bytesToBase64,
  CityChainError,
  decodeTx,
  type Endorsement,
  ErrorCode,
  encodeSignedTx,
  privateHashStateKey,
  sha256,
  TX_BYTES_HARD_MAX,
  utf8ToBytes,
} from "@citychain/protocol";

/** Transient data: names to bytes (strings are sent as UTF-8). Never stored in a block. */
export type TransientMap = Record<string, Uint8Array | string>;

/** What POST /v1/txs/endorse answers. */
export interface EndorseResponse {
  txId: string;
  rwset: string;
  endorsement: { alg: "ed25519" | "p256"; cert: string; sig: string };
  endorsedTx: string;
  returnValue: string;
  returnText?: string;
  result?: {
    code: string;
    message: string;
    height?: number;
    index?: number;
    returnValue?: string;
    returnText?: string;
  };
}

export function transientToJson(map: TransientMap | undefined): Record<string, string> | undefined {
  if (!map) return undefined;
  return Object.fromEntries(
    Object.entries(map).map(([k, v]) => [k, bytesToBase64(typeof v === "string" ? utf8ToBytes(v) : v)]),
  );
}

/**
 * One transaction endorsed by several member nodes (a policy naming several
 * organisations): every endorser must have produced the same read-write set,
 * else they saw different state and the client should try again.
 */
export function combineEndorsements(signedTx: Uint8Array, responses: readonly EndorseResponse[]): Uint8Array {
  const first = responses[0];
  if (!first) {
    throw new CityChainError({ code: ErrorCode.TX_ENDORSEMENT_INVALID }, "no endorsement to combine");
  }
  const rwset = base64ToBytes(first.rwset);
  for (const r of responses) {
    if (!bytesEqual(base64ToBytes(r.rwset), rwset)) {
      throw new CityChainError(
        { code: ErrorCode.TX_ENDORSEMENT_INVALID },
        "the endorsing nodes produced different read-write sets (their state differed); endorse again",
      );
    }
  }
  const tx = decodeTx(signedTx, TX_BYTES_HARD_MAX);
  const endorsements: Endorsement[] = responses.map((r) => ({
    alg: r.endorsement.alg,
    cert: base64ToBytes(r.endorsement.cert),
    sig: base64ToBytes(r.endorsement.sig),
  }));
  return encodeSignedTx({ body: tx.bodyBytes, sigs: tx.sigs, endorsed: { rwset, endorsements } });
}

/**
 * Whether a committed transaction (its bytes, e.g. from a proof checked with
 * verifyTxProof) wrote `value` under `key` in a contract's collection: the
 * check anyone, member or not, can make of a private value they are shown.
 */
export function txWrotePrivateValue(
  txBytes: Uint8Array,
  contract: string,
  collection: string,
  key: string,
  value: Uint8Array,
): boolean {
  const tx = decodeTx(txBytes, TX_BYTES_HARD_MAX);
  if (!tx.endorsed || tx.body.contract !== contract) return false;
  const want = privateHashStateKey(contract, collection, key);
  const hash = sha256(value);
  return tx.endorsed.rwset.writes.some((w) => bytesEqual(w.key, want) && w.value !== null && bytesEqual(w.value, hash));
}
