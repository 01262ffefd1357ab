import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { checkCanSign, type SignerState } from "@citychain/consensus";
import { CityChainError, decode, ErrorCode, encode } from "@citychain/protocol";

/**
 * The validator's last signed (height, round, step, value), persisted with
 * fsync BEFORE a signed message leaves the node, and loaded at boot, so the
 * key never signs two conflicting messages, across crashes and restarts.
 */
export class SignerFile {
  private last: SignerState | undefined;

  constructor(readonly path: string) {
    if (existsSync(path)) {
      try {
        this.last = decode(new Uint8Array(readFileSync(path)), 4096) as SignerState;
      } catch (e) {
        throw new CityChainError(
          { code: ErrorCode.CONSENSUS_WAL_INVALID },
          `${path} (last signed state) does not decode: ${(e as Error).message}. Do not delete it blindly: it prevents double signing`,
        );
      }
    }
  }

  get lastSigned(): SignerState | undefined {
    return this.last;
  }

  /** Throws CONSENSUS_SIGN_CONFLICT if `next` could equivocate; else records it durably. */
  record(next: SignerState): void {
    checkCanSign(this.last, next);
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, "w");
    writeSync(fd, encode(next));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
    // The rename itself must reach the disk too.
    const dir = openSync(dirname(this.path), "r");
    fsyncSync(dir);
    closeSync(dir);
    this.last = next;
  }
}
