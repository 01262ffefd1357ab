import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import type { WalRecord } from "@citychain/consensus";
import { CityChainError, decode, ErrorCode, encode } from "@citychain/protocol";

/** A single WAL record may not exceed this (a proposal carries a whole block). */
export const WAL_RECORD_BYTES_MAX = 80 * 1024 * 1024;

/**
 * The consensus write-ahead log on disk: length-prefixed canonical-CBOR
 * records, each fsync'd before the action it covers is carried out. Only the
 * current height matters after a crash, so a `start` record truncates the
 * file. A record cut short by a crash at the tail is ignored on reading.
 */
export class WalFile {
  private fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, "a");
  }

  /** Records of the file, up to the first incomplete or unreadable one. */
  static read(path: string): WalRecord[] {
    if (!existsSync(path)) return [];
    const buf = readFileSync(path);
    const out: WalRecord[] = [];
    let off = 0;
    while (off + 4 <= buf.length) {
      const len = buf.readUInt32BE(off);
      if (len > WAL_RECORD_BYTES_MAX || off + 4 + len > buf.length) break;
      try {
        out.push(decode(new Uint8Array(buf.subarray(off + 4, off + 4 + len)), WAL_RECORD_BYTES_MAX) as WalRecord);
      } catch (e) {
        throw new CityChainError(
          { code: ErrorCode.CONSENSUS_WAL_INVALID },
          `${path}: record at byte ${off} does not decode (${(e as Error).message}); move the file away to start the height afresh`,
        );
      }
      off += 4 + len;
    }
    return out;
  }

  append(record: WalRecord): void {
    if (record.event.type === "start") {
      // Earlier heights are committed in the ledger: their records are no longer needed.
      closeSync(this.fd);
      this.fd = openSync(this.path, "w");
    }
    const body = encode(record);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    writeSync(this.fd, head);
    writeSync(this.fd, body);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
