// Reader actions from an email (vote, bookmark, unsubscribe): their current state, changed atomically,
// so pressing the button twice changes nothing the second time.
import type { ReaderEventType } from '../contracts';
import type { LinkPayload } from '../core/links/links';
import { getSubscriber, saveSubscriber } from './subscribers';
import type { Db } from './keys';
import { scriptCommand } from './script-command';

// Withdraw an action only while it is still the one this link set (scripts/clear-action.lua).
const clearActionCommand = scriptCommand<number>('clear-action');

export const actionKinds = ['vote_up', 'vote_down', 'bookmark', 'unsubscribe'] as const;
export type ActionKind = (typeof actionKinds)[number];

export function isActionKind(kind: string): kind is ActionKind {
  return (actionKinds as readonly string[]).includes(kind);
}

export interface ActionResult {
  /** Whether the action is now in effect. */
  active: boolean;
  /** The event to record when this call changed something; null when it was already so. */
  event: ReaderEventType | null;
}

/** Is the action of this link in effect? Reads only (GET pages use it). */
export async function actionActive(db: Db, link: LinkPayload & { kind: ActionKind }): Promise<boolean> {
  if (link.kind === 'unsubscribe') return (await getSubscriber(db, link.subscriber))?.status === 'unsubscribed';
  const value = await db.redis.hget(db.keys.readerActions(link.subscriber), field(link));
  return value === stateValue(link.kind);
}

/** Apply (or with `undo`, withdraw) the action of this link. Idempotent. */
export async function setAction(db: Db, link: LinkPayload & { kind: ActionKind }, undo: boolean): Promise<ActionResult> {
  if (link.kind === 'unsubscribe') return setSubscription(db, link.subscriber, undo);
  const key = db.keys.readerActions(link.subscriber);
  const name = field(link);
  const wanted = stateValue(link.kind);
  if (!undo) {
    // HGET and HSET in one transaction: the old value tells whether this call changed anything.
    const replies = await db.redis.multi().hget(key, name).hset(key, name, wanted).exec();
    const previous = replies?.[0]?.[1] as string | null | undefined;
    return { active: true, event: previous === wanted ? null : link.kind };
  }
  // Withdraw only this link's action: undoing an up-vote must not clear a later down-vote.
  const removed = await clearActionCommand(db.redis, [key], [name, wanted]);
  return { active: false, event: removed === 1 ? (link.kind === 'bookmark' ? 'bookmark_removed' : 'vote_cleared') : null };
}

async function setSubscription(db: Db, subscriberId: string, undo: boolean): Promise<ActionResult> {
  const subscriber = await getSubscriber(db, subscriberId);
  // A reader we no longer know gets nothing from us either way; say it is done.
  if (!subscriber) return { active: !undo, event: null };
  if (!undo) {
    if (subscriber.status === 'unsubscribed') return { active: true, event: null };
    await saveSubscriber(db, { ...subscriber, status: 'unsubscribed' });
    return { active: true, event: 'unsubscribe' };
  }
  // Undo restores only what unsubscribing changed; a suppressed (bouncing) address stays suppressed.
  if (subscriber.status !== 'unsubscribed') return { active: false, event: null };
  await saveSubscriber(db, { ...subscriber, status: 'active' });
  return { active: false, event: 'resubscribed' };
}

function field(link: LinkPayload & { kind: ActionKind }): string {
  const subject = link.article ?? link.url;
  return link.kind === 'bookmark' ? `bookmark:${subject}` : `vote:${subject}`;
}

function stateValue(kind: Exclude<ActionKind, 'unsubscribe'>): string {
  return kind === 'bookmark' ? '1' : kind === 'vote_up' ? 'up' : 'down';
}

export interface ArticleActionState {
  saved: boolean;
  vote: 'up' | 'down' | null;
}

/** Whether each article is saved and how it was voted, for the reader's web pages, in one round trip. */
export async function articleActionStates(db: Db, subscriberId: string, articleIds: readonly string[]): Promise<ArticleActionState[]> {
  if (articleIds.length === 0) return [];
  const fields = articleIds.flatMap((id) => [`bookmark:${id}`, `vote:${id}`]);
  const values = await db.redis.hmget(db.keys.readerActions(subscriberId), ...fields);
  return articleIds.map((_, i) => {
    const vote = values[i * 2 + 1];
    return { saved: values[i * 2] === '1', vote: vote === 'up' || vote === 'down' ? vote : null };
  });
}

/** The article ids this reader saved (from an email or the web), most recently saved first. */
export async function listBookmarks(db: Db, subscriberId: string): Promise<string[]> {
  const fields = await db.redis.hkeys(db.keys.readerActions(subscriberId));
  return fields
    .filter((f) => f.startsWith('bookmark:'))
    .map((f) => f.slice('bookmark:'.length))
    .reverse();
}

/** Remove one bookmark; true when there was one. */
export async function removeBookmark(db: Db, subscriberId: string, articleId: string): Promise<boolean> {
  return (await db.redis.hdel(db.keys.readerActions(subscriberId), `bookmark:${articleId}`)) === 1;
}
