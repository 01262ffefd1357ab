/**
 * Insertions into an unchanged source, applied in one pass (the part of
 * magic-string the instrumenter needs). Positions are offsets into the
 * original text. Several insertions at one offset are ordered so that
 * constructs nest: closings come before openings, an outer construct's
 * opening before an inner one's, and an inner construct's closing before an
 * outer one's, provided outer constructs are visited first.
 */
export class Splicer {
  private readonly edits: { pos: number; closing: boolean; seq: number; text: string }[] = [];

  constructor(private readonly source: string) {}

  /** Text that opens a construct starting at `pos`. */
  open(pos: number, text: string): void {
    this.edits.push({ pos, closing: false, seq: this.edits.length, text });
  }

  /** Text that closes a construct ending at `pos`. */
  close(pos: number, text: string): void {
    this.edits.push({ pos, closing: true, seq: this.edits.length, text });
  }

  /** The source with every insertion applied. */
  toString(): string {
    const edits = [...this.edits].sort((a, b) => {
      if (a.pos !== b.pos) return a.pos - b.pos;
      if (a.closing !== b.closing) return a.closing ? -1 : 1;
      return a.closing ? b.seq - a.seq : a.seq - b.seq;
    });
    const parts: string[] = [];
    let at = 0;
    for (const edit of edits) {
      parts.push(this.source.slice(at, edit.pos), edit.text);
      at = edit.pos;
    }
    parts.push(this.source.slice(at));
    return parts.join("");
  }
}
