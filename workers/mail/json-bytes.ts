// JSON text written straight to UTF-8 bytes, piece by piece. A batch's body is ~3 MB of JSON whose HTML is mostly
// the same few template literals for every reader; as one JavaScript string it is a rope of two-byte text (the
// preview's invisible padding is not Latin-1) that V8 must flatten and transcode: ~45 ms a batch in profiles. Written
// in pieces, a long literal is escaped and encoded once and then only copied; the bytes equal JSON.stringify's.

/** Literals shorter than this are escaped each time: looking them up would cost about as much. */
const REMEMBER_FROM = 32;
/** How many encoded literals are kept; the cache starts afresh beyond it (a new pool's cards replace the old). */
const REMEMBER_AT_MOST = 8192;
const encoded = new Map<string, Buffer>();

const escaped = (text: string): string => JSON.stringify(text).slice(1, -1);

/** The UTF-8 bytes of a template literal's JSON escape, without the quotes: encoded once per process. */
function literalBytes(literal: string): Buffer | string {
  if (literal.length < REMEMBER_FROM) return escaped(literal);
  let bytes = encoded.get(literal);
  if (bytes === undefined) {
    if (encoded.size >= REMEMBER_AT_MOST) encoded.clear();
    bytes = Buffer.from(escaped(literal));
    encoded.set(literal, bytes);
  }
  return bytes;
}

/** A batch body is a few megabytes; the first buffer is sized from the last body written, so it seldom grows. */
let lastLength = 256 * 1024;

/** Writes JSON text straight into one buffer, growing it when the next piece might not fit. */
export class JsonBytes {
  private out = Buffer.allocUnsafe(Math.ceil(lastLength * 1.1));
  private at = 0;

  /** JSON text as is (punctuation, a value already serialised). */
  raw(json: string): this {
    this.room(3 * json.length); // UTF-8 takes at most three bytes per UTF-16 unit
    this.at += this.out.write(json, this.at);
    return this;
  }

  /**
   * A JSON string whose value is the concatenation of `segments`, which alternate a template's literal (even
   * positions: the same string objects for every reader, remembered encoded) and a reader's value (odd positions).
   * No segment splits a surrogate pair (literals are cut at ASCII stand-ins), so escaping each equals escaping the whole.
   */
  templatedString(segments: readonly string[]): this {
    this.raw('"');
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if (segment.length === 0) continue;
      const piece = i % 2 === 0 ? literalBytes(segment) : escaped(segment);
      if (typeof piece === 'string') this.raw(piece);
      else {
        this.room(piece.length);
        this.at += piece.copy(this.out, this.at);
      }
    }
    return this.raw('"');
  }

  /** The bytes written: a view of the buffer written into, or a copy when more than a quarter of it went unused. */
  toBuffer(): Buffer {
    lastLength = this.at;
    const written = this.out.subarray(0, this.at);
    return this.at >= 0.75 * this.out.length ? written : Buffer.from(written);
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.out.length, this.at + bytes));
    this.out.copy(grown, 0, 0, this.at);
    this.out = grown;
  }
}
