// Bounces and complaints as lists (who, why, when), read back from the provider webhook events stream.
import { resendWebhookSchema } from '../contracts';
import type { Db } from './keys';

export interface ProviderIssue {
  type: 'bounced' | 'soft_bounced' | 'complained';
  address: string;
  reason: string;
  at: string;
  editionId: string | null;
  subscriberId: string | null;
}

export interface IssueFilter {
  editionId?: string;
  subscriberId?: string;
  limit?: number;
  /** How many stream entries to look through at most (newest first). */
  scan?: number;
}

/** Recent bounces and complaints, newest first, optionally for one edition or one reader. */
export async function providerIssues(db: Db, filter: IssueFilter = {}): Promise<ProviderIssue[]> {
  const limit = filter.limit ?? 50;
  const scan = filter.scan ?? 20_000;
  const out: ProviderIssue[] = [];
  let end = '+';
  let read = 0;
  while (out.length < limit && read < scan) {
    const rows = await db.redis.xrevrange(db.keys.webhookEvents, end, '-', 'COUNT', 500);
    if (rows.length === 0) break;
    for (const [id, flat] of rows) {
      const f: Record<string, string> = {};
      for (let i = 0; i < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
      if (f.type !== 'email.bounced' && f.type !== 'email.complained') continue;
      if (filter.editionId && f.edition !== filter.editionId) continue;
      if (filter.subscriberId && f.subscriber !== filter.subscriberId) continue;
      const parsed = resendWebhookSchema.safeParse(JSON.parse(f.event ?? 'null'));
      const data = parsed.success ? parsed.data.data : undefined;
      const permanent = (data?.bounce?.type ?? '').toLowerCase() === 'permanent';
      out.push({
        type: f.type === 'email.complained' ? 'complained' : permanent ? 'bounced' : 'soft_bounced',
        address: data?.to?.[0] ?? '(unknown)',
        reason:
          f.type === 'email.complained'
            ? 'marked as spam by the reader'
            : [data?.bounce?.type, data?.bounce?.subType, data?.bounce?.message].filter(Boolean).join(' · ') || 'bounced',
        at: (parsed.success ? parsed.data.created_at : undefined) ?? new Date(Number(id.split('-')[0])).toISOString(),
        editionId: f.edition || null,
        subscriberId: f.subscriber || null,
      });
      if (out.length >= limit) break;
    }
    read += rows.length;
    if (rows.length < 500) break;
    end = `(${rows[rows.length - 1]![0]}`;
  }
  return out;
}
