// What an article is made of, for learning and ranking: source, topics, author, content type and
// its title/summary terms weighted by TF-IDF against the corpus. Pure functions over plain data.
import type { Article } from '../../contracts';

/** A sparse feature vector: parallel arrays, so scoring is a tight loop without allocation. */
export interface FeatureVector {
  keys: string[];
  values: number[];
}

/** Document frequencies of terms over a corpus of articles (the recent pool, or an offline input). */
export interface Corpus {
  docs: number;
  df: ReadonlyMap<string, number>;
}

/** How much each kind of feature counts; terms share one unit between them (L2-normalised). */
const GROUP_WEIGHT = { source: 1, topic: 1, author: 0.6, type: 0.3, terms: 0.9 } as const;
/** Title words count twice as much as summary words (Lion Reader does the same). */
const TITLE_BOOST = 2;
/** Only the strongest terms of each article are kept: enough to learn from, cheap to score. */
const MAX_TERMS = 8;

const STOPWORDS = new Set(
  (
    'a an and are as at be but by can do does for from has have how i in into is it its more new no not of on or our ' +
    'out so than that the their them there these they this to too up us was we what when where which who why will ' +
    'with without you your one two all any about after before over under just than then also only own same very ' +
    "each every other some such what's don't isn't it's here via vs"
  ).split(' '),
);

/** Lower-case word tokens of a text, without stopwords, numbers or one-letter words. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}'-]+/u)) {
    const word = raw.replace(/^['-]+|['-]+$/g, '');
    if (word.length < 2 || STOPWORDS.has(word) || /^\d+$/.test(word)) continue;
    out.push(word);
  }
  return out;
}

/** Document frequency of every term in these articles (each article counts a term once). */
export function buildCorpus(articles: Iterable<Pick<Article, 'title' | 'summary'>>): Corpus {
  const df = new Map<string, number>();
  let docs = 0;
  for (const a of articles) {
    docs++;
    for (const term of new Set(tokenize(`${a.title} ${a.summary}`))) df.set(term, (df.get(term) ?? 0) + 1);
  }
  return { docs, df };
}

export const featureKey = {
  source: (id: string) => `s:${id}`,
  topic: (topic: string) => `t:${topic}`,
  author: (name: string) => `a:${name.toLowerCase()}`,
  type: (type: string) => `c:${type}`,
  term: (term: string) => `w:${term}`,
};

/** The features of one article. Deterministic for a given article and corpus. */
export function articleFeatures(
  article: Pick<Article, 'title' | 'summary' | 'source' | 'topics' | 'author' | 'content_type'>,
  corpus: Corpus,
): FeatureVector {
  const keys: string[] = [featureKey.source(article.source)];
  const values: number[] = [GROUP_WEIGHT.source];
  if (article.topics.length > 0) {
    const each = GROUP_WEIGHT.topic / Math.sqrt(article.topics.length);
    for (const topic of article.topics) {
      keys.push(featureKey.topic(topic));
      values.push(each);
    }
  }
  if (article.author) {
    keys.push(featureKey.author(article.author));
    values.push(GROUP_WEIGHT.author);
  }
  keys.push(featureKey.type(article.content_type));
  values.push(GROUP_WEIGHT.type);

  const tf = new Map<string, number>();
  for (const term of tokenize(article.title)) tf.set(term, (tf.get(term) ?? 0) + TITLE_BOOST);
  for (const term of tokenize(article.summary)) tf.set(term, (tf.get(term) ?? 0) + 1);
  const weighted: Array<[string, number]> = [];
  for (const [term, count] of tf) {
    // Smoothed IDF: a term unknown to the corpus counts as rare, one in every document counts little.
    const idf = Math.log((corpus.docs + 1) / ((corpus.df.get(term) ?? 0) + 1)) + 1;
    weighted.push([term, (1 + Math.log(count)) * idf]);
  }
  weighted.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  const top = weighted.slice(0, MAX_TERMS);
  const norm = Math.sqrt(top.reduce((sum, [, w]) => sum + w * w, 0)) || 1;
  for (const [term, w] of top) {
    keys.push(featureKey.term(term));
    values.push((GROUP_WEIGHT.terms * w) / norm);
  }
  return { keys, values };
}

/** A feature key in words, for reasons and the preferences page ("ranking", "Field Notes", …). */
export function describeFeature(
  key: string,
  sourceTitles?: ReadonlyMap<string, string>,
): { kind: 'source' | 'topic' | 'author' | 'type' | 'term'; label: string } {
  const value = key.slice(2);
  switch (key[0]) {
    case 's':
      return { kind: 'source', label: sourceTitles?.get(value) ?? value };
    case 't':
      return { kind: 'topic', label: value };
    case 'a':
      return { kind: 'author', label: value.replace(/\b\p{L}/gu, (c) => c.toUpperCase()) };
    case 'c':
      return { kind: 'type', label: value };
    default:
      return { kind: 'term', label: value };
  }
}
