import { concatBytes, utf8ToBytes } from "./bytes.ts";
import { decode, encode } from "./encoding.ts";
import { CityChainError, ErrorCode } from "./errors.ts";
import { sha256 } from "./hash.ts";
import {
  CERT_BYTES_MAX,
  ENDORSEMENTS_PER_TX_MAX,
  EVENTS_PER_TX_MAX,
  NAME_CHARS_MAX,
  RWSET_READS_MAX,
  RWSET_WRITES_MAX,
} from "./limits.ts";
import type { Endorsement, RwSet, SignatureAlgorithm, Tx } from "./types.ts";
import { Shape } from "./validate.ts";

/** Domain tag: an endorsement can never be taken for a transaction or vote signature. */
const ENDORSE_SIGN_DOMAIN = utf8ToBytes("citychain/endorse/v1\n");
const ALGS: readonly SignatureAlgorithm[] = ["ed25519", "p256"];
/** Longest state key in a read-write set (the ledger's own bound is lower). */
const RWSET_KEY_BYTES_MAX = 4_096;

export function encodeRwSet(rwset: RwSet): Uint8Array {
  return encode(rwset);
}

/** What an endorsing node signs: the transaction it simulated and the hash of what the simulation did. */
export function endorsementSignBytes(txId: Uint8Array, rwsetHash: Uint8Array): Uint8Array {
  return concatBytes(ENDORSE_SIGN_DOMAIN, txId, rwsetHash);
}

function nullableBytes(s: Shape, v: unknown, field: string, min: number, max: number): Uint8Array | null {
  return v === null ? null : s.bytes(v, field, min, max);
}

/** Decodes and checks the shape of an encoded read-write set; throws TX_MALFORMED naming the field. */
export function decodeRwSet(bytes: Uint8Array, bytesMax: number): RwSet {
  const s = new Shape(ErrorCode.TX_MALFORMED, "endorsed read-write set");
  let raw: unknown;
  try {
    raw = decode(bytes, bytesMax);
  } catch (e) {
    throw new CityChainError(
      { code: ErrorCode.TX_DECODE_FAILED },
      `endorsed read-write set does not decode: ${(e as Error).message}`,
    );
  }
  const o = s.object(raw, "rwset", ["reads", "writes", "events", "returnValue"]);
  const reads = s.array(o.reads, "reads", RWSET_READS_MAX).map((r, i) => {
    const e = s.object(r, `reads[${i}]`, ["key", "hash"]);
    return {
      key: s.bytes(e.key, `reads[${i}].key`, 1, RWSET_KEY_BYTES_MAX),
      hash: nullableBytes(s, e.hash, `reads[${i}].hash`, 32, 32),
    };
  });
  const writes = s.array(o.writes, "writes", RWSET_WRITES_MAX).map((w, i) => {
    const e = s.object(w, `writes[${i}]`, ["key", "value"]);
    return {
      key: s.bytes(e.key, `writes[${i}].key`, 1, RWSET_KEY_BYTES_MAX),
      value: nullableBytes(s, e.value, `writes[${i}].value`, 0, bytesMax),
    };
  });
  const events = s.array(o.events, "events", EVENTS_PER_TX_MAX).map((v, i) => {
    const e = s.object(v, `events[${i}]`, ["name", "payload"]);
    return {
      name: s.string(e.name, `events[${i}].name`, NAME_CHARS_MAX),
      payload: s.bytes(e.payload, `events[${i}].payload`),
    };
  });
  return { reads, writes, events, returnValue: s.bytes(o.returnValue, "returnValue") };
}

/** Decodes the `endorsed` part of a transaction (see SignedTx). */
export function decodeEndorsed(raw: unknown, txBytesMax: number): NonNullable<Tx["endorsed"]> {
  const s = new Shape(ErrorCode.TX_MALFORMED, "transaction");
  const o = s.object(raw, "endorsed", ["rwset", "endorsements"]);
  const rwsetBytes = s.bytes(o.rwset, "endorsed.rwset", 1, txBytesMax);
  const list = s.array(o.endorsements, "endorsed.endorsements", ENDORSEMENTS_PER_TX_MAX);
  if (list.length === 0) s.fail("endorsed.endorsements", "must hold at least one endorsement");
  const endorsements: Endorsement[] = list.map((r, i) => {
    const e = s.object(r, `endorsed.endorsements[${i}]`, ["alg", "cert", "sig"]);
    return {
      alg: s.oneOf(e.alg, `endorsed.endorsements[${i}].alg`, ALGS),
      cert: s.bytes(e.cert, `endorsed.endorsements[${i}].cert`, 1, CERT_BYTES_MAX),
      sig: s.bytes(e.sig, `endorsed.endorsements[${i}].sig`, 1, 128),
    };
  });
  return { rwset: decodeRwSet(rwsetBytes, txBytesMax), rwsetHash: sha256(rwsetBytes), endorsements };
}
