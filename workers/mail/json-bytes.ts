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

/** Collects JSON text as parts (bytes, or short strings already in JSON form) and writes them into one buffer. */
export class JsonBytes {
  private readonly parts: Array<Buffer | string> = [];

  /** JSON text as is (punctuation, a value already serialised). */
  raw(json: string): this {
    this.parts.push(json);
    return this;
  }

  /**
   * A JSON string whose value is the concatenation of `segments`, which alternate a template's literal (even
   * positions: the same string objects for every reader, remembered encoded) and a reader's value (odd positions).
   * No segment splits a surrogate pair (literals are cut at ASCII stand-ins), so escaping each equals escaping the whole.
   */
  templatedString(segments: readonly string[]): this {
    this.parts.push('"');
    segments.forEach((segment, i) => {
      if (segment.length > 0) this.parts.push(i % 2 === 0 ? literalBytes(segment) : escaped(segment));
    });
    this.parts.push('"');
    return this;
  }

  toBuffer(): Buffer {
    let length = 0;
    for (const part of this.parts) length += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
    const out = Buffer.allocUnsafe(length);
    let at = 0;
    for (const part of this.parts) at += typeof part === 'string' ? out.write(part, at) : part.copy(out, at);
    return out;
  }
}
