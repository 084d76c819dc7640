import { afterEach, describe, expect, it } from 'vitest';
import { LinkError, LinkSigner, type LinkPayload } from '../../src/core/links/links';
import { signLinksWith, type LinkToSign } from '../../src/core/links/sign-links';
import { nodeHmacSha256 } from '../node-hmac';
import { startLinkSigning, type LinkSigning } from './link-signing';
import { currentKey, previousKey } from '../../test/fixtures/link-tokens';

const keys = [currentKey, previousKey];
const kinds = ['article', 'vote_up', 'vote_down', 'bookmark', 'unsubscribe', 'preferences', 'honeypot'] as const;
const payload = (i: number): LinkPayload => ({
  url: `https://news.example/story/${i}?ü=${i % 3}`,
  subscriber: `sub_${i % 17}`,
  edition: 'ed_2026-12-02',
  article: i % 5 === 0 ? null : `art_${i}`,
  position: i % 7 === 0 ? null : i % 10,
  kind: kinds[i % kinds.length]!,
  sent_at: i % 11 === 0 ? null : 1_790_000_000,
});
const links: LinkToSign[] = Array.from({ length: 600 }, (_, i) =>
  i % 6 === 5
    ? { compact: { handle: 'abcdefghijkl', slot: i % 4 === 0 ? { kind: 'view' } : { kind: 'article', position: i % 10 } } }
    : { payload: payload(i) },
);
const here = signLinksWith(new LinkSigner(keys, nodeHmacSha256));

let signing: LinkSigning | undefined;
afterEach(async () => {
  await signing?.close();
  signing = undefined;
});

describe('link signing on a thread of its own', () => {
  it('gives the tokens LinkSigner gives, in the order asked, for requests in flight together', async () => {
    signing = startLinkSigning(keys);
    const [first, second] = await Promise.all([signing.signLinks(links), signing.signLinks(links.slice(0, 7).reverse())]);
    expect(first).toEqual(await here(links));
    expect(second).toEqual(await here(links.slice(0, 7).reverse()));
    expect(await signing.signLinks([])).toEqual([]);
  });

  it('refuses a list holding a link that cannot be made with LinkError, and signs the next list', async () => {
    signing = startLinkSigning(keys);
    const bad = signing.signLinks([{ payload: payload(1) }, { payload: { ...payload(2), url: 'javascript:alert(1)' } }]);
    await expect(bad).rejects.toBeInstanceOf(LinkError);
    await expect(bad).rejects.toThrow(/must use http or https/);
    expect(await signing.signLinks(links.slice(0, 3))).toEqual(await here(links.slice(0, 3)));
  });

  it('fails what was in flight when its thread stops, and starts a new thread for the next request', async () => {
    signing = startLinkSigning(keys);
    const inFlight = signing.signLinks(links);
    await signing.close();
    await expect(inFlight).rejects.toThrow(/link-signing thread stopped/);
    expect(await signing.signLinks(links.slice(0, 5))).toEqual(await here(links.slice(0, 5)));
  });
});
