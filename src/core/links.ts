// Signed link tokens: every link in an email carries its own destination, signed with HMAC-SHA256.
import { constantTimeEqual, fromBase64Url, fromUtf8, toBase64Url, utf8 } from './encoding';

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
/** 128-bit tag: HMAC-SHA256 truncated to 16 bytes. */
const TAG_BYTES = 16;

export type VerifyResult = { ok: true; payload: LinkPayload; keyId: string } | { ok: false; reason: LinkRejection };
export type LinkRejection = 'too_long' | 'malformed' | 'unknown_version' | 'unknown_key' | 'bad_signature' | 'bad_payload';

export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

/** Signs and verifies link tokens; the first key signs, every key verifies (rotation). */
export class LinkSigner {
  private readonly cryptoKeys = new Map<string, Promise<CryptoKey>>();

  constructor(private readonly keys: readonly LinkKey[]) {
    if (keys.length === 0) throw new LinkError('LinkSigner needs at least one key');
  }

  async sign(payload: LinkPayload): Promise<string> {
    assertPublicUrl(payload.url);
    const key = this.keys[0]!;
    const body = toBase64Url(utf8(JSON.stringify(compact(payload))));
    const head = `${VERSION}.${key.id}.${body}`;
    const tag = await this.tag(key, head);
    const token = `${head}.${toBase64Url(tag)}`;
    // Verification refuses longer tokens unread, so making one would make a link that can never open.
    if (token.length > MAX_TOKEN_LENGTH) throw new LinkError(`link token would be ${token.length} characters, over the ${MAX_TOKEN_LENGTH} limit: shorten the destination URL (${payload.url.length} characters)`);
    return token;
  }

  async verify(token: string): Promise<VerifyResult> {
    if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'too_long' };
    const parts = token.split('.');
    if (parts.length !== 4) return { ok: false, reason: 'malformed' };
    const [version, keyId, body, tagText] = parts as [string, string, string, string];
    if (version !== VERSION) return { ok: false, reason: 'unknown_version' };
    const key = this.keys.find((k) => k.id === keyId);
    if (!key) return { ok: false, reason: 'unknown_key' };
    const tag = fromBase64Url(tagText);
    if (!tag || tag.length !== TAG_BYTES) return { ok: false, reason: 'malformed' };
    const expected = await this.tag(key, `${version}.${keyId}.${body}`);
    if (!constantTimeEqual(tag, expected)) return { ok: false, reason: 'bad_signature' };
    const payload = decodePayload(body);
    if (!payload) return { ok: false, reason: 'bad_payload' };
    return { ok: true, payload, keyId };
  }

  private async tag(key: LinkKey, message: string): Promise<Uint8Array> {
    let cryptoKey = this.cryptoKeys.get(key.id);
    if (!cryptoKey) {
      cryptoKey = crypto.subtle.importKey('raw', utf8(key.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      this.cryptoKeys.set(key.id, cryptoKey);
    }
    const mac = await crypto.subtle.sign('HMAC', await cryptoKey, utf8(message));
    return new Uint8Array(mac, 0, TAG_BYTES);
  }
}

/** Refuse anything but absolute http(s) destinations when a link is made. */
export function assertPublicUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LinkError(`link destination must be an absolute http(s) URL (got ${JSON.stringify(value.slice(0, 80))})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LinkError(`link destination must use http or https (got ${url.protocol})`);
  }
}

type CompactPayload = { u: string; s: string; e: string; a?: string; p?: number; k: LinkKind; t?: number };

function compact(p: LinkPayload): CompactPayload {
  const out: CompactPayload = { u: p.url, s: p.subscriber, e: p.edition, k: p.kind };
  if (p.article !== null) out.a = p.article;
  if (p.position !== null) out.p = p.position;
  if (p.sent_at !== null) out.t = p.sent_at;
  return out;
}

function decodePayload(body: string): LinkPayload | null {
  const bytes = fromBase64Url(body);
  if (!bytes) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(fromUtf8(bytes));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const c = raw as Partial<CompactPayload>;
  if (typeof c.u !== 'string' || typeof c.s !== 'string' || typeof c.e !== 'string') return null;
  if (typeof c.k !== 'string' || !(linkKinds as readonly string[]).includes(c.k)) return null;
  try {
    assertPublicUrl(c.u);
  } catch {
    return null;
  }
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
