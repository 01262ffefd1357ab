import { CityChainError, ErrorCode } from "@citychain/protocol";
import { FRAME_HEADER_BYTES } from "./limits.ts";

function tooLarge(bytes: number, frameBytesMax: number): CityChainError {
  return new CityChainError(
    { code: ErrorCode.P2P_FRAME_TOO_LARGE },
    `frame of ${bytes} bytes is over the limit of ${frameBytesMax} (FRAME_BYTES_MAX)`,
  );
}

/**
 * One frame: u32 big-endian payload length, then the payload, in one buffer
 * so a broadcast encodes once and every peer's queue shares the bytes.
 * Throws P2P_FRAME_TOO_LARGE: the peer would refuse the frame anyway.
 */
export function encodeFrame(payload: Uint8Array, frameBytesMax: number): Buffer {
  if (payload.length > frameBytesMax) throw tooLarge(payload.length, frameBytesMax);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Splits a byte stream into frame payloads. It buffers at most one frame
 * (header plus frameBytesMax) and checks the length prefix before buffering
 * the payload, so a peer cannot make it hold more than that.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Payload length of the frame being read, once its header is complete. */
  private expected: number | undefined;

  constructor(private readonly frameBytesMax: number) {}

  /** Bytes held, waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /**
   * Adds bytes from the socket and returns the payloads they complete.
   * Throws P2P_FRAME_TOO_LARGE for a length prefix over the limit; the
   * decoder is then unusable (the connection must close: the stream has no
   * resynchronisation point).
   */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    // Each pass consumes at least one header or one payload, so the loop ends.
    for (;;) {
      if (this.expected === undefined) {
        if (this.buffered < FRAME_HEADER_BYTES) break;
        const length = this.take(FRAME_HEADER_BYTES).readUInt32BE(0);
        if (length > this.frameBytesMax) throw tooLarge(length, this.frameBytesMax);
        this.expected = length;
      }
      if (this.buffered < this.expected) break;
      out.push(this.take(this.expected));
      this.expected = undefined;
    }
    return out;
  }

  /** Removes n buffered bytes (n <= buffered), copying only when they span chunks. */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      this.buffered -= n;
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const all = Buffer.concat(this.chunks, this.buffered);
    const taken = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return taken;
  }
}
