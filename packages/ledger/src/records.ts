import {
  CityChainError,
  decode,
  decodeResult,
  ErrorCode,
  encode,
  encodeResult,
  NAME_CHARS_MAX,
  Shape,
  type TxResult,
} from "@citychain/protocol";
import { RESULTS_PER_BLOCK_MAX } from "./limits.ts";
import type { TxLocation } from "./types.ts";

/**
 * Value codecs of the ledger's stores, all canonical CBOR. Bytes read back
 * from disk are checked like bytes from a peer: a damaged store gives
 * LEDGER_CORRUPT, never a crash or a silently wrong value.
 */

/** Largest single record we decode (history entries, tx locations). */
const RECORD_BYTES_MAX = 16 * 1024 * 1024;
const RESULTS_BYTES_MAX = 256 * 1024 * 1024;

function decodeStored(bytes: Uint8Array, maxBytes: number, what: string): unknown {
  try {
    return decode(bytes, maxBytes);
  } catch (e) {
    throw new CityChainError(
      { code: ErrorCode.LEDGER_CORRUPT },
      `stored ${what} does not decode: ${(e as Error).message}`,
    );
  }
}

/**
 * Results of one block: a CBOR array of encoded results, so one result can
 * be decoded without decoding its neighbours and each item is exactly what
 * `encodeResult` produced.
 */
export function encodeResults(results: TxResult[]): Uint8Array {
  return encode(results.map(encodeResult));
}

function resultItems(bytes: Uint8Array): Uint8Array[] {
  const s = new Shape(ErrorCode.LEDGER_CORRUPT, "stored results");
  const raw = decodeStored(bytes, RESULTS_BYTES_MAX, "results");
  return s.array(raw, "results", RESULTS_PER_BLOCK_MAX).map((r, i) => s.bytes(r, `results[${i}]`));
}

export function decodeResults(bytes: Uint8Array): TxResult[] {
  return resultItems(bytes).map(decodeResult);
}

export function decodeResultAt(bytes: Uint8Array, index: number): TxResult | undefined {
  const item = resultItems(bytes)[index];
  return item === undefined ? undefined : decodeResult(item);
}

export function encodeTxLocation(loc: TxLocation): Uint8Array {
  return encode({ height: loc.height, index: loc.index, code: loc.code });
}

export function decodeTxLocation(bytes: Uint8Array): TxLocation {
  const s = new Shape(ErrorCode.LEDGER_CORRUPT, "stored tx location");
  const o = s.object(decodeStored(bytes, RECORD_BYTES_MAX, "tx location"), "location", ["height", "index", "code"]);
  return {
    height: s.uint(o.height, "height"),
    index: s.uint(o.index, "index"),
    code: s.string(o.code, "code", NAME_CHARS_MAX),
  };
}

/** Value of a history entry; height and index live in its key. */
export function encodeHistoryValue(txId: Uint8Array, value: Uint8Array | null): Uint8Array {
  return encode({ txId, value });
}

export function decodeHistoryValue(bytes: Uint8Array): { txId: Uint8Array; value: Uint8Array | null } {
  const s = new Shape(ErrorCode.LEDGER_CORRUPT, "stored history entry");
  const o = s.object(decodeStored(bytes, RECORD_BYTES_MAX, "history entry"), "entry", ["txId", "value"]);
  return { txId: s.bytes(o.txId, "txId"), value: o.value === null ? null : s.bytes(o.value, "value") };
}
