import { describe, expect, it } from 'vitest';
import { LinkSigner, type LinkPayload } from '../src/core/links/links';
import { nodeHmacSha256 } from './node-hmac';

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
});
