/**
 * `TextEncoder` and `TextDecoder` for UTF-8 only, over the realm's `Buffer`
 * (the context has neither: they are Node's, not the language's). No
 * streaming and no `encodeInto`.
 */

interface BufferLike extends Uint8Array {
  toString(encoding?: string): string;
}

interface BufferClass {
  from(value: string | ArrayBufferLike | Uint8Array, encoding?: string | number, length?: number): BufferLike;
}

const UTF8_LABELS = ["utf-8", "utf8", "unicode-1-1-utf-8"];

function viewBytes(input: unknown): Uint8Array {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError("TextDecoder.decode needs an ArrayBuffer or a view of one");
}

export function createTextCodecs(Buffer: BufferClass): { TextEncoder: unknown; TextDecoder: unknown } {
  class TextEncoder {
    get encoding(): string {
      return "utf-8";
    }

    encode(input = ""): Uint8Array {
      return new Uint8Array(Buffer.from(String(input), "utf8"));
    }
  }

  class TextDecoder {
    readonly fatal: boolean;
    readonly ignoreBOM: boolean;

    constructor(label = "utf-8", options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
      if (!UTF8_LABELS.includes(String(label).trim().toLowerCase())) {
        throw new RangeError(`TextDecoder in a contract decodes utf-8 only, not "${label}"`);
      }
      this.fatal = options.fatal === true;
      this.ignoreBOM = options.ignoreBOM === true;
    }

    get encoding(): string {
      return "utf-8";
    }

    decode(input?: unknown): string {
      const bytes = viewBytes(input);
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let text = buffer.toString("utf8");
      if (this.fatal && text.includes("\ufffd")) {
        const again = Buffer.from(text, "utf8");
        if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) {
          throw new TypeError("The encoded data was not valid utf-8");
        }
      }
      if (!this.ignoreBOM && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      return text;
    }
  }

  return { TextEncoder, TextDecoder };
}
