// Authenticated encryption (AES-GCM) of small JSON values: mail requests on the stream and "send a new link" tickets.
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../encoding';

const keys = new Map<string, Promise<CryptoKey>>();

/** One AES key per (secret, purpose), derived with HKDF so each use has its own key. */
function aesKey(secret: string, purpose: string): Promise<CryptoKey> {
  const id = `${purpose}\u0000${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = (async () => {
      const base = await crypto.subtle.importKey('raw', utf8(secret), 'HKDF', false, ['deriveKey']);
      return crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: utf8('tidings-sealed-v1'), info: utf8(purpose) },
        base,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      );
    })();
    keys.set(id, key);
  }
  return key;
}

export async function seal(value: unknown, secret: string, purpose: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await aesKey(secret, purpose), utf8(JSON.stringify(value)));
  const out = new Uint8Array(12 + cipher.byteLength);
  out.set(iv);
  out.set(new Uint8Array(cipher), 12);
  return toBase64Url(out);
}

/** The sealed value, or null when it was altered, sealed for another purpose, or is not ours. */
export async function unseal(text: string, secret: string, purpose: string): Promise<unknown | null> {
  if (text.length > 8192) return null;
  const bytes = fromBase64Url(text);
  if (!bytes || bytes.length < 12 + 16) return null;
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12) }, await aesKey(secret, purpose), bytes.slice(12));
    return JSON.parse(fromUtf8(new Uint8Array(plain)));
  } catch {
    return null;
  }
}
