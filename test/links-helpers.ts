// Helpers for the link tests: the edge app with the real buffered recorder, and tokens made to order.
import { createApp } from '../src/app';
import { createBufferedRecorder } from '../src/recording/buffered-recorder';
import type { LinkPayload } from '../src/core/links/links';
import { appendEvents } from '../src/store/events';
import type { Services } from '../node/services';

export const browserAgent =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15';

/** The edge app as deployed: the buffered recorder appending to the events stream. */
export function linksApp(t: Services) {
  const recorder = createBufferedRecorder({ store: (events) => appendEvents(t.db, events), log: t.log });
  const app = createApp({ config: t.config, db: t.db, signer: t.signer, recorder, log: t.log, now: t.now });
  return { app, recorder };
}

/** A payload sent an hour ago (so timing alone does not flag it), with overrides. */
export function linkPayload(t: Services, overrides: Partial<LinkPayload> = {}): LinkPayload {
  return {
    url: 'https://news.example/story?id=7',
    subscriber: 'sub_1',
    edition: 'ed_1',
    article: 'art_1',
    position: 0,
    kind: 'article',
    sent_at: Math.floor(t.now().getTime() / 1000) - 3600,
    ...overrides,
  };
}
