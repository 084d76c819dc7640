// The operator's page for one reader: their clicks by title, judged as the learner judges them, and their
// interest profile in words, decayed to now, the way the reader's own preferences page shows it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Subscriber } from '../src/contracts';
import { articleFeatures, buildCorpus } from '../src/core/interest/article-features';
import { applySignal, emptyProfile, type Profile } from '../src/core/interest/interest-profile';
import { readerEventSchema } from '../src/contracts';
import { saveArticles } from '../src/store/articles';
import { appendEvents } from '../src/store/events';
import { createClickJudge, ensureJudgeGroup } from '../workers/judge-clicks';
import { saveSource } from '../src/store/sources';
import { ensureSubscriber } from '../src/store/subscribers';
import { topicArticle } from './fixtures/topic-article';
import { createSubscribers } from './fixtures/subscribers';
import { testApp, testEnv, type TestEnv } from './helpers';

let t: TestEnv;
let app: ReturnType<typeof testApp>['app'];
let cookie: string;
let reader: Subscriber;

const articles = [
  topicArticle('r1', 'rust', 'field-notes'),
  topicArticle('r2', 'rust', 'field-notes'),
  topicArticle('g1', 'gardening', 'the-wire'),
];
const settings = { halfLifeDays: 21, maxFeatures: 256 };

/** A profile taught by two clicks on rust pieces and a vote down on gardening, `ageDays` ago. */
function learnedProfile(ageDays: number): Profile {
  const corpus = buildCorpus(articles);
  const at = t.now().getTime() - ageDays * 86_400_000;
  let profile = emptyProfile();
  for (const [a, signal] of [
    [articles[0]!, 'click'],
    [articles[1]!, 'click'],
    [articles[2]!, 'vote_down'],
  ] as const)
    profile = applySignal(profile, a.id, articleFeatures(a, corpus), signal, at, settings).profile;
  return profile;
}

async function subscriberPage(): Promise<string> {
  const response = await app.request(`/ops/subscribers/${reader.id}`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return response.text();
}

beforeEach(async () => {
  t = testEnv({ INTEREST_HALF_LIFE_DAYS: '21' });
  app = testApp(t).app;
  reader = (await ensureSubscriber(t.db, { email: 'reader@example.com', topics: [] }, t.now())).subscriber;
  await saveArticles(t.db, articles);
  await saveSource(t.db, {
    id: 'field-notes',
    url: 'sample:field-notes.atom',
    title: 'Field Notes on Reading',
    default_content_type: null,
    added_at: t.now().toISOString(),
  });
  const login = await app.request('/ops/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://tidings.test' },
    body: new URLSearchParams({ token: t.config.OPERATOR_TOKEN, next: '/ops' }).toString(),
  });
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
});
afterEach(() => t.cleanup());

describe("an operator reading one reader's profile", () => {
  it('says what was learned by kind and in words, sources by title, dislikes apart', async () => {
    await t.db.redis.set(t.db.keys.profile(reader.id), JSON.stringify(learnedProfile(0)));
    const html = await subscriberPage();
    const row = (label: string) => new RegExp(`<th scope="row">${label}</th><td class="wrap">([^<]*)</td>`).exec(html)?.[1] ?? '';
    expect(html).toContain('3 signals learned');
    expect(row('Topics')).toMatch(/^rust \(\d\.\d\d\)/);
    expect(row('Sources')).toMatch(/^Field Notes on Reading \(\d\.\d\d\)/);
    expect(row('Disliked')).toMatch(/gardening \(-\d\.\d\d\)/);
    expect(html).not.toMatch(/[tsa]:(rust|field-notes|gardening)/);
  });

  it('shows weights as of now, so a profile nobody renewed fades, and says when nothing is left to show', async () => {
    const fresh = learnedProfile(0);
    await t.db.redis.set(t.db.keys.profile(reader.id), JSON.stringify(fresh));
    const weightOf = (html: string) => Number(/rust \((\d\.\d\d)\)/.exec(html)?.[1]);
    const now = weightOf(await subscriberPage());
    await t.db.redis.set(t.db.keys.profile(reader.id), JSON.stringify(learnedProfile(21)));
    const halfLifeAgo = weightOf(await subscriberPage());
    expect(halfLifeAgo).toBeCloseTo(now / 2, 1);
    await t.db.redis.set(t.db.keys.profile(reader.id), JSON.stringify(learnedProfile(400)));
    expect(await subscriberPage()).toContain('Everything learned has faded below what is worth showing.');
  });

  it('says a profile taught only by deliveries is not followed yet, and lists no dislikes from it', async () => {
    const corpus = buildCorpus(articles);
    let profile = emptyProfile();
    for (const a of articles)
      profile = applySignal(profile, a.id, articleFeatures(a, corpus), 'delivered', t.now().getTime(), settings).profile;
    await t.db.redis.set(t.db.keys.profile(reader.id), JSON.stringify(profile));
    const html = await subscriberPage();
    expect(html).toContain('3 signals learned, all deliveries');
    expect(html).toContain('a click about 10 minutes after it');
    expect(html).not.toContain('Disliked');
  });

  it('says nothing was learned for a reader with no profile', async () => {
    expect(await subscriberPage()).toContain('Nothing learned yet');
  });
});

describe("an operator reading one reader's clicks", () => {
  const click = (article: string, edition: string, at: string, position = 0) =>
    readerEventSchema.parse({
      type: 'click',
      subscriber_id: reader.id,
      edition_id: edition,
      article_id: article,
      kind: 'article',
      position,
      url: `https://example.com/${article}`,
      at,
      suspected_bot: false,
      bot_reasons: [],
    });

  it('names each clicked article by its title and says which clicks the click judge found automated, and why', async () => {
    await ensureJudgeGroup(t.db);
    // A person opens one story of Monday's edition; a scanner opens four links of Tuesday's within a second.
    await appendEvents(t.db, [click('r1', 'ed-mon', '2026-11-23T08:00:00.000Z')]);
    await appendEvents(
      t.db,
      ['r1', 'r2', 'g1', 'r1'].map((a, i) => click(a, 'ed-tue', `2026-11-24T08:00:00.${i}00Z`, i)),
    );
    const judge = createClickJudge({ db: t.db, log: t.log }, { consumer: 'judge-test' });
    while ((await judge.runBatch(null)).read > 0);
    await judge.close();

    const html = await subscriberPage();
    const rows = [
      ...html.matchAll(
        /<tr><td>([^<]+)<\/td><td class="wrap"><a href="\/ops\/articles\/(\w+)">([^<]+)<\/a><\/td><td>([^<]+)<\/td><td class="wrap">([^<]+)<\/td><\/tr>/g,
      ),
    ].map((m) => ({ at: m[1], article: m[2], title: m[3], edition: m[4], by: m[5] }));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({
      at: '2026-11-24 08:00',
      article: 'r1',
      title: 'rust piece r1',
      edition: 'ed-tue',
      by: 'automated (burst_of_links)',
    });
    expect(rows.filter((r) => r.edition === 'ed-tue').map((r) => r.by)).toEqual(Array(4).fill('automated (burst_of_links)'));
    expect(rows[4]).toEqual({ at: '2026-11-23 08:00', article: 'r1', title: 'rust piece r1', edition: 'ed-mon', by: 'person' });
  });
});

describe('an operator paging through many readers', () => {
  it('says how many there are, pages by 50 in the order they joined, and says when a search shows only the first 50', async () => {
    await createSubscribers(t.db, 120);
    const list = async (query: string) => {
      const response = await app.request(`/ops/subscribers${query}`, { headers: { cookie } });
      expect(response.status).toBe(200);
      return response.text();
    };
    const first = await list('');
    expect(first).toContain('1–50 of 121, in the order they joined.');
    expect(first).toContain('<a href="/ops/subscribers?start=50">Next 50</a>');
    expect(first).not.toContain('Previous 50');
    const last = await list('?start=100');
    expect(last).toContain('101–121 of 121');
    expect(last).toContain('<a href="/ops/subscribers?start=50">Previous 50</a>');
    expect(last).not.toContain('Next 50');
    expect((await list('?start=abc')).match(/<tr><td><a href="\/ops\/subscribers\//g)).toHaveLength(50);
    expect(await list('?q=reader')).toContain(
      'The first 50 addresses that contain &quot;reader&quot;; type more of the address to narrow it.',
    );
    expect(await list('?q=reader11')).not.toContain('The first 50');
  });
});
