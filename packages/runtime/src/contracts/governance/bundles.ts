import {
  base64ToBytes,
  bytesToHex,
  bytesToUtf8,
  CityChainError,
  CONTRACT_BUNDLE_BYTES_MAX,
  CONTRACT_BUNDLE_CHUNK_BYTES_MAX,
  ErrorCode,
  sha256,
  utf8ToBytes,
} from "@citychain/protocol";
import type { ContractContext } from "../contract.ts";

const BUNDLE_PREFIX = "bundle/";
const HASH_PATTERN = /^[0-9a-f]{64}$/;

interface BundleMeta {
  hash: string;
  size: number;
  chunks: number;
  received: number[];
}

function argsError(message: string): never {
  throw new CityChainError({ code: ErrorCode.CONTRACT_ARGS_INVALID }, message);
}

const metaKey = (hash: string) => `${BUNDLE_PREFIX}${hash}/meta`;
const chunkKey = (hash: string, i: number) => `${BUNDLE_PREFIX}${hash}/chunk/${String(i).padStart(6, "0")}`;

/**
 * `governance.upload(hash, size, index, count, chunkBase64)`: stores one piece
 * of a chaincode bundle (a bundle is larger than a transaction may be). Pieces
 * may arrive in any order; re-sending a piece replaces it. The bundle counts
 * as present once every piece is in and the whole hashes to `hash`.
 */
export function uploadChunk(ctx: ContractContext, args: string[]): Uint8Array {
  if (args.length !== 5) argsError("governance.upload takes hash, size, index, count and the piece in base64");
  const [hash, sizeText, indexText, countText, b64] = args;
  if (!HASH_PATTERN.test(hash)) argsError("hash must be the bundle's SHA-256 in lower-case hex");
  const size = Number(sizeText);
  const index = Number(indexText);
  const count = Number(countText);
  if (!Number.isSafeInteger(size) || size < 1 || size > CONTRACT_BUNDLE_BYTES_MAX)
    argsError(`bundle size must be 1 to ${CONTRACT_BUNDLE_BYTES_MAX} bytes`);
  if (!Number.isSafeInteger(count) || count !== Math.ceil(size / CONTRACT_BUNDLE_CHUNK_BYTES_MAX))
    argsError(
      `a bundle of ${size} bytes comes in ${Math.ceil(size / CONTRACT_BUNDLE_CHUNK_BYTES_MAX)} pieces of at most ${CONTRACT_BUNDLE_CHUNK_BYTES_MAX} bytes`,
    );
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) argsError(`piece index must be 0 to ${count - 1}`);
  const piece = base64ToBytes(b64);
  const expected =
    index < count - 1 ? CONTRACT_BUNDLE_CHUNK_BYTES_MAX : size - CONTRACT_BUNDLE_CHUNK_BYTES_MAX * (count - 1);
  if (piece.length !== expected) argsError(`piece ${index} must be ${expected} bytes, got ${piece.length}`);
  const stored = ctx.getState(metaKey(hash));
  const meta: BundleMeta = stored ? JSON.parse(bytesToUtf8(stored)) : { hash, size, chunks: count, received: [] };
  if (meta.size !== size) argsError(`bundle ${hash} was announced with ${meta.size} bytes, not ${size}`);
  if (!meta.received.includes(index)) {
    meta.received.push(index);
    meta.received.sort((a, b) => a - b);
  }
  ctx.putState(chunkKey(hash, index), piece);
  if (meta.received.length === count) {
    const whole = readBundleChunks(ctx, hash, count);
    if (bytesToHex(sha256(whole)) !== hash) {
      // The transaction fails and stores nothing; pieces sent again replace the wrong one.
      argsError(`the uploaded pieces do not hash to ${hash}; upload every piece of the bundle again`);
    }
  }
  ctx.putState(metaKey(hash), utf8ToBytes(JSON.stringify(meta)));
  return utf8ToBytes(JSON.stringify({ hash, received: meta.received.length, of: count }));
}

function readBundleChunks(ctx: ContractContext, hash: string, count: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const p = ctx.getState(chunkKey(hash, i));
    if (!p) throw new CityChainError({ code: ErrorCode.INTERNAL }, `bundle ${hash} lacks piece ${i}`);
    parts.push(p);
  }
  return Buffer.concat(parts);
}

/** The whole bundle, or undefined when it is not (completely) uploaded. */
export function readBundle(ctx: Pick<ContractContext, "getState">, hash: string): Uint8Array | undefined {
  const stored = ctx.getState(metaKey(hash));
  if (!stored) return undefined;
  const meta = JSON.parse(bytesToUtf8(stored)) as BundleMeta;
  if (meta.received.length !== meta.chunks) return undefined;
  return readBundleChunks(ctx as ContractContext, hash, meta.chunks);
}

/** Upload progress of a bundle: which pieces the chain has. */
export function bundleStatus(
  ctx: Pick<ContractContext, "getState">,
  hash: string,
): { hash: string; complete: boolean; received: number; of: number } {
  const stored = ctx.getState(metaKey(hash));
  if (!stored) return { hash, complete: false, received: 0, of: 0 };
  const meta = JSON.parse(bytesToUtf8(stored)) as BundleMeta;
  return { hash, complete: meta.received.length === meta.chunks, received: meta.received.length, of: meta.chunks };
}
