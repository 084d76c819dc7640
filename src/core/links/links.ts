// Signed link tokens: every link in an email carries its own destination, signed with HMAC-SHA256.
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../encoding';

export const linkKinds = ['article', 'vote_up', 'vote_down', 'bookmark', 'unsubscribe', 'preferences', 'honeypot'] as const;
export type LinkKind = (typeof linkKinds)[number];

export interface LinkPayload {
  /** Where the link goes: an absolute http(s) URL. */
  url: string;
  subscriber: string;
  edition: string;
  article: string | null;
  position: number | null;
  kind: LinkKind;
  /** When the email carrying this link was sent, in Unix seconds (for bot timing); null if unknown. */
  sent_at: number | null;
}

export interface LinkKey {
  id: string;
  secret: string;
}

/** Tokens longer than this are refused before any work is done. */
export const MAX_TOKEN_LENGTH = 2048;
const VERSION = 't1';
/** The domain of compact-link tags (signMessage), never a token's version. */
const COMPACT_VERSION = 'c1';
/** 128-bit tag: HMAC-SHA256 truncated to 16 bytes, 22 characters of base64url. */
const TAG_BYTES = 16;
const TAG_TEXT_LENGTH = 22;

export type VerifyResult = { ok: true; payload: LinkPayload; keyId: string } | { ok: false; reason: LinkRejection };
export type LinkRejection = 'too_long' | 'malformed' | 'unknown_version' | 'unknown_key' | 'bad_signature' | 'bad_payload';

export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

/**
 * Computes HMAC-SHA256 of a message synchronously. Web Crypto (async) is the default on every runtime;
 * Node supplies its createHmac, because a redirect spends more on Web Crypto's per-call overhead and
 * promise hops than on the hash. Either way the decision (format, checks, comparison) stays here.
 */
export type HmacSha256 = (secret: Uint8Array, message: string) => Uint8Array;

type Parsed = { key: LinkKey; head: string; body: string; token: string; tagStart: number; keyId: string };

/** Signs and verifies link tokens; the first key signs, every key verifies (rotation). */
export class LinkSigner {
  private readonly cryptoKeys = new Map<string, Promise<CryptoKey>>();
  /** Each key by id, with its secret's bytes; the first key with an id wins, as a find() over the list would. */
  private readonly keysById = new Map<string, { key: LinkKey; secret: Uint8Array }>();
  private readonly normalized = new Map<string, string>();
  private readonly quotedStrings = new Map<string, string>();

  constructor(
    private readonly keys: readonly LinkKey[],
    private readonly hmac?: HmacSha256,
  ) {
    if (keys.length === 0) throw new LinkError('LinkSigner needs at least one key');
    for (const key of keys) if (!this.keysById.has(key.id)) this.keysById.set(key.id, { key, secret: utf8(key.secret) });
  }

  async sign(payload: LinkPayload): Promise<string> {
    // The URL's own serialisation (percent-encoded) is what gets signed, so it is always a valid Location.
    const key = this.keys[0]!;
    const body = asciiBase64Url(this.payloadJson(payload));
    const head = `${VERSION}.${key.id}.${body}`;
    const tag = this.hmac ? this.syncTag(key, head) : await this.webTag(key, head);
    const token = `${head}.${toBase64Url(tag.subarray(0, TAG_BYTES))}`;
    // Verification refuses longer tokens unread, so making one would make a link that can never open.
    if (token.length > MAX_TOKEN_LENGTH)
      throw new LinkError(
        `link token would be ${token.length} characters, over the ${MAX_TOKEN_LENGTH} limit: shorten the destination URL (${payload.url.length} characters)`,
      );
    return token;
  }

  /** Verify a token; never throws for any input. */
  async verify(token: string): Promise<VerifyResult> {
    if (this.hmac) return this.verifySync(token);
    const parsed = this.parse(token);
    if (!('key' in parsed)) return parsed;
    return this.conclude(parsed, await this.webTag(parsed.key, parsed.head));
  }

  /** The same verification without a promise, for a signer made with a synchronous HMAC (Node). */
  verifySync(token: string): VerifyResult {
    if (!this.hmac) throw new LinkError('verifySync needs a LinkSigner made with a synchronous HMAC');
    const parsed = this.parse(token);
    if (!('key' in parsed)) return parsed;
    return this.conclude(parsed, this.syncTag(parsed.key, parsed.head));
  }

  /**
   * A 128-bit tag over a short message, for compact links that name stored content instead of carrying
   * it (see compact-links.ts). The prefix keeps these tags apart from token tags: no message is both.
   */
  async signMessage(message: string): Promise<{ keyId: string; tag: string }> {
    const key = this.keys[0]!;
    const signed = `${COMPACT_VERSION}.${key.id}.${message}`;
    const tag = this.hmac ? this.syncTag(key, signed) : await this.webTag(key, signed);
    return { keyId: key.id, tag: toBase64Url(tag.subarray(0, TAG_BYTES)) };
  }

  /** Does `tag` sign `message` under key `keyId`? Never throws; constant time for a well-formed tag. */
  async verifyMessage(keyId: string, message: string, tag: string): Promise<boolean> {
    const key = this.keysById.get(keyId)?.key;
    if (!key || tag.length !== TAG_TEXT_LENGTH) return false;
    const signed = `${COMPACT_VERSION}.${key.id}.${message}`;
    return tagMatches(tag, 0, this.hmac ? this.syncTag(key, signed) : await this.webTag(key, signed));
  }

  /**
   * The payload as ASCII JSON, written field by field in the order it has always had (u, s, e, k, a, p, t; absent
   * ones left out), as JSON.stringify of the short form would write it with non-ASCII escaped, without the objects; each
   * string quoted once however many links carry it.
   */
  private payloadJson(p: LinkPayload): string {
    let json = `{"u":${this.quoted(this.normalizedUrl(p.url))},"s":${this.quoted(p.subscriber)},"e":${this.quoted(p.edition)},"k":${this.quoted(p.kind)}`;
    if (p.article !== null) json += `,"a":${this.quoted(p.article)}`;
    if (p.position !== null) json += `,"p":${JSON.stringify(p.position)}`;
    if (p.sent_at !== null) json += `,"t":${JSON.stringify(p.sent_at)}`;
    return `${json}}`;
  }

  /** asciiJson of one string, remembered: a briefing's links share its reader, edition and articles. */
  private quoted(value: string): string {
    return remembered(this.quotedStrings, value, asciiJson);
  }

  /**
   * normalizePublicUrl, remembered: a briefing signs each article's URL five times, and an edition signs the same
   * few hundred URLs for every reader. Bounded, so a long-lived process never holds more than a pool's worth.
   */
  private normalizedUrl(value: string): string {
    return remembered(this.normalized, value, normalizePublicUrl);
  }

  /** Every check that needs no MAC: size, shape, version, key id, tag encoding. */
  private parse(token: string): Parsed | { ok: false; reason: LinkRejection } {
    if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'too_long' };
    // Four dot-separated parts, found by index: a redirect should not allocate what it can avoid.
    const afterVersion = token.indexOf('.');
    const afterKey = token.indexOf('.', afterVersion + 1);
    const afterBody = token.indexOf('.', afterKey + 1);
    if (afterVersion === -1 || afterKey === -1 || afterBody === -1 || token.indexOf('.', afterBody + 1) !== -1)
      return { ok: false, reason: 'malformed' };
    if (afterVersion !== VERSION.length || !token.startsWith(VERSION)) return { ok: false, reason: 'unknown_version' };
    const keyId = token.slice(afterVersion + 1, afterKey);
    const key = this.keysById.get(keyId)?.key;
    if (!key) return { ok: false, reason: 'unknown_key' };
    if (token.length - afterBody - 1 !== TAG_TEXT_LENGTH) return { ok: false, reason: 'malformed' };
    return { key, keyId, body: token.slice(afterKey + 1, afterBody), tagStart: afterBody + 1, token, head: token.slice(0, afterBody) };
  }

  /**
   * Compare the tag with the expected one in constant time, decoding the tag's text in place (strict,
   * canonical base64url, so a token has one spelling); only a signed payload is decoded.
   */
  private conclude(parsed: Parsed, expected: Uint8Array): VerifyResult {
    if (!tagMatches(parsed.token, parsed.tagStart, expected)) return { ok: false, reason: 'bad_signature' };
    const payload = decodePayload(parsed.body);
    if (!payload) return { ok: false, reason: 'bad_payload' };
    return { ok: true, payload, keyId: parsed.keyId };
  }

  private syncTag(key: LinkKey, message: string): Uint8Array {
    return this.hmac!(this.keysById.get(key.id)!.secret, message);
  }

  private async webTag(key: LinkKey, message: string): Promise<Uint8Array> {
    let cryptoKey = this.cryptoKeys.get(key.id);
    if (!cryptoKey) {
      cryptoKey = crypto.subtle.importKey('raw', utf8(key.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      this.cryptoKeys.set(key.id, cryptoKey);
    }
    const mac = await crypto.subtle.sign('HMAC', await cryptoKey, utf8(message));
    return new Uint8Array(mac, 0, TAG_BYTES);
  }
}

const base64UrlValues = (() => {
  const values = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;
  return values;
})();

/**
 * Does the 22-character tag at `start` spell exactly the first TAG_BYTES bytes of `expected`? Decodes six
 * bits a character and compares every byte whatever the differences (constant time for a well-formed tag);
 * the four bits left over must be zero, the one canonical spelling.
 */
function tagMatches(token: string, start: number, expected: Uint8Array): boolean {
  let diff = 0;
  let malformed = 0;
  let bits = 0;
  let pending = 0;
  let byte = 0;
  for (let i = start; i < start + TAG_TEXT_LENGTH; i++) {
    const code = token.charCodeAt(i);
    const value = code < 128 ? base64UrlValues[code]! : -1;
    malformed |= value >>> 31;
    pending = (pending << 6) | (value & 63);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      diff |= ((pending >> bits) & 0xff) ^ expected[byte++]!;
      pending &= (1 << bits) - 1;
    }
  }
  return (diff | malformed | pending) === 0 && byte === TAG_BYTES;
}

/** Refuse anything but absolute http(s) destinations when a link is made; returns the URL's serialisation. */
export function normalizePublicUrl(value: string): string {
  return assertPublicUrl(value).href;
}

/** Refuse anything but absolute http(s) destinations when a link is made; returns the parsed URL. */
export function assertPublicUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LinkError(`link destination must be an absolute http(s) URL (got ${JSON.stringify(value.slice(0, 80))})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LinkError(`link destination must use http or https (got ${url.protocol})`);
  }
  return url;
}

/** How many destination URLs (or quoted strings) a signer remembers (an edition's pool is a few hundred URLs). */
const REMEMBERED_AT_MOST = 4096;

/** `make(key)`, made once and kept in `map`, which starts afresh when full so it never grows without bound. */
function remembered(map: Map<string, string>, key: string, make: (key: string) => string): string {
  let value = map.get(key);
  if (value === undefined) {
    value = make(key);
    if (map.size >= REMEMBERED_AT_MOST) map.clear();
    map.set(key, value);
  }
  return value;
}

type CompactPayload = { u: string; s: string; e: string; a?: string; p?: number; k: LinkKind; t?: number };

/** Unpadded base64url of an ASCII string (asciiJson's output): the runtime's btoa, a few times faster than a table. */
function asciiBase64Url(text: string): string {
  const padded = btoa(text);
  let end = padded.length;
  while (end > 0 && padded.charCodeAt(end - 1) === 61 /* = */) end--;
  return padded.slice(0, end).replaceAll('+', '-').replaceAll('/', '_');
}

/** JSON with every non-ASCII character escaped, so a payload decodes without a UTF-8 pass. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function decodePayload(body: string): LinkPayload | null {
  let raw: unknown;
  try {
    // Only signed bodies get here, which signing wrote as canonical base64url of ASCII JSON.
    const text = atob(body.replace(/-/g, '+').replace(/_/g, '/'));
    // A body with bytes above ASCII (not made by this signer) is decoded as strict UTF-8.
    raw = JSON.parse(/[\x80-\xff]/.test(text) ? fromUtf8(fromBase64Url(body) ?? new Uint8Array([0xff])) : text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const c = raw as Partial<CompactPayload>;
  if (typeof c.u !== 'string' || typeof c.s !== 'string' || typeof c.e !== 'string') return null;
  if (typeof c.k !== 'string' || !(linkKinds as readonly string[]).includes(c.k)) return null;
  // Only signed payloads get here, and signing refused anything else; checked again as a second lock.
  if (!c.u.startsWith('https://') && !c.u.startsWith('http://')) return null;
  // A payload this signer did not make (an old signer, a leaked key) may carry a URL that cannot be parsed:
  // refused here, so no caller ever meets a URL that throws.
  if (!URL.canParse(c.u)) return null;
  return {
    url: c.u,
    subscriber: c.s,
    edition: c.e,
    kind: c.k,
    article: typeof c.a === 'string' ? c.a : null,
    position: typeof c.p === 'number' ? c.p : null,
    sent_at: typeof c.t === 'number' ? c.t : null,
  };
}
