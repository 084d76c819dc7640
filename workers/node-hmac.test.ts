import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LinkSigner, type LinkPayload } from '../src/core/links/links';
import { utf8 } from '../src/core/encoding';
import { nodeHmacSha256 } from './node-hmac';
import { currentKey, goldenTokens } from '../test/fixtures/link-tokens';

const keys = [{ id: 'k1', secret: 'node-and-web-crypto-agree-on-this-secret' }];
const payload: LinkPayload = {
  url: 'https://news.example/ü?q=a b',
  subscriber: 'sub_1',
  edition: 'ed_1',
  article: 'art_1',
  position: 3,
  kind: 'article',
  sent_at: 1_790_000_000,
};

describe('the Node HMAC for link tokens', () => {
  it("makes the same tokens as Web Crypto, and each verifies the other's", async () => {
    const web = new LinkSigner(keys);
    const node = new LinkSigner(keys, nodeHmacSha256);
    const token = await web.sign(payload);
    expect(await node.sign(payload)).toBe(token);
    expect(await node.verify(token)).toMatchObject({ ok: true, payload: { url: 'https://news.example/%C3%BC?q=a%20b' } });
    const altered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await node.verify(altered)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('signs every payload byte for byte as before, on both HMACs (quotes, escapes, non-ASCII, absent fields)', async () => {
    for (const signer of [new LinkSigner([currentKey]), new LinkSigner([currentKey], nodeHmacSha256)]) {
      for (const [input, token] of goldenTokens) expect(await signer.sign(input)).toBe(token);
      // Signing a payload twice in a row, and after another reader's, gives the same token (nothing leaks between calls).
      for (const [input, token] of [...goldenTokens].reverse()) expect(await signer.sign(input)).toBe(token);
      expect(await signer.signMessage('abcdefghijkl.3')).toEqual({ keyId: 'k2', tag: 'CXbtXb60L0t8pfZWTdhgWg' });
    }
  });

  it("equals Node's createHmac for every message length across block edges, long and short keys, and non-ASCII", () => {
    const secrets = ['k', 'x'.repeat(32), 'y'.repeat(63), 'z'.repeat(64), 'w'.repeat(65), 'ключ'.repeat(40)].map(utf8);
    const messages: string[] = [];
    for (let n = 0; n <= 300; n++) messages.push('t1.k1.' + 'abcdefghijklmnopqrstuvwxyz0123456789-_'.repeat(9).slice(0, n));
    messages.push('', 'ü', 'c1.k1.日本語', '\u{1F600}', 'a'.repeat(5000));
    for (const secret of secrets)
      for (const message of messages)
        expect(
          Buffer.from(nodeHmacSha256(secret, message)).toString('hex'),
          `${secret.length}-byte key, ${message.length} characters`,
        ).toBe(createHmac('sha256', secret).update(message, 'utf8').digest('hex'));
  });
});
