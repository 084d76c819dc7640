// The sign-in mail worker: reads sealed requests from a Redis Stream (consumer group), renders the email, sends it.
import { createElement } from 'react';
import { duplicateRedis } from '../src/store/connection';
import { MagicLink, magicLinkSubject } from '../emails/magic-link';
import { renderEmail } from '../emails/render';
import { magicLinkMailSchema, type MagicLinkMail } from '../src/contracts';
import { signInLink } from '../src/core/auth/email-link';
import { MAIL_SEAL_PURPOSE } from '../src/identity/gotrue';
import { maskEmail } from '../src/core/auth/mask';
import { unseal } from '../src/core/auth/sealed';
import { randomId } from '../src/core/encoding';
import type { Logger } from '../src/core/logger';
import type { Config } from '../src/env';
import type { Db } from '../src/store/keys';
import type { MailTransport } from './mail/transport';

const MAGIC_LINK_GROUP = 'send-magic-link';
/** A request whose sending failed this many times is given up on, loudly. */
const MAX_DELIVERIES = 5;
/** A request another consumer took but did not finish within this time is taken over. */
const CLAIM_IDLE_MS = 30_000;
const BLOCK_MS = 1_000;

export interface MagicLinkWorkerDeps {
  config: Config;
  db: Db;
  log: Logger;
  transport: MailTransport;
  /** How long a taken request may stay unfinished before it is tried again (default 30 s; tests shorten it). */
  claimIdleMs?: number;
}

export interface RunningMagicLinkWorker {
  close(): Promise<void>;
}

type StreamEntry = [id: string, fields: string[]];

type MagicLinkSent = { ok: true; id: string } | { ok: false; reason: string; /** retrying cannot help */ final: boolean };

/** Render and send one request: the provider's message id, or why it did not go and whether a retry may help. */
async function sendMagicLink(deps: MagicLinkWorkerDeps, mail: MagicLinkMail, requestId: string): Promise<MagicLinkSent> {
  const { config } = deps;
  const href = signInLink(config.PUBLIC_BASE_URL, config.AUTH_LINK_STYLE, mail);
  const isNew = mail.type === 'signup';
  const { html, text } = await renderEmail(
    createElement(MagicLink, {
      email: mail.email,
      href,
      code: mail.code,
      expiresInMinutes: Math.round(config.AUTH_LINK_TTL_SECONDS / 60),
      isNew,
      intent: mail.intent,
    }),
  );
  // The code stays out of the subject: subjects show on lock screens and in notification previews.
  const subject = magicLinkSubject(mail.intent, isNew);
  const sent = await deps.transport.sendOne(
    { from: config.MAIL_FROM, to: [mail.email], subject, html, text, headers: {} },
    `magic-link/${requestId}`,
  );
  return sent.kind === 'accepted' ? { ok: true, id: sent.id } : { ok: false, reason: sent.reason, final: sent.kind === 'refused' };
}

/** Start consuming; close() stops after the current read and waits for the request in hand. */
export async function startMagicLinkWorker(deps: MagicLinkWorkerDeps): Promise<RunningMagicLinkWorker> {
  const { db, log } = deps;
  const stream = db.keys.authMail;
  const consumer = randomId('mail');
  // Reads block, so this worker has its own connection.
  const reader = duplicateRedis(db.redis, { maxRetriesPerRequest: null });
  reader.on('error', () => {});
  try {
    // From the start of the stream: requests made while no worker ran are still sent.
    await reader.xgroup('CREATE', stream, MAGIC_LINK_GROUP, '0', 'MKSTREAM');
  } catch (error) {
    if (!String(error).includes('BUSYGROUP')) throw error;
  }

  let running = true;
  let lastClaim = 0;
  const claimIdleMs = deps.claimIdleMs ?? CLAIM_IDLE_MS;

  async function handle(entry: StreamEntry): Promise<void> {
    const [id, fields] = entry;
    const sealed = fields[fields.indexOf('sealed') + 1];
    const opened = sealed ? await unseal(sealed, deps.config.authJwtSecret, MAIL_SEAL_PURPOSE) : null;
    const parsed = magicLinkMailSchema.safeParse(opened);
    if (!parsed.success) {
      // Sealed with another secret or damaged: retrying cannot help, so it is dropped and said so.
      log.error(
        {
          request: id,
          reason: opened === null ? 'cannot be opened with this AUTH_JWT_SECRET/SESSION_SECRET' : parsed.error.issues[0]?.message,
        },
        'sign-in mail request dropped',
      );
      await finish(id);
      return;
    }
    if (parsed.data.no_account) {
      // Made so a request for an address without an account costs the same as one with: nothing to send.
      await finish(id);
      return;
    }
    // A thrown error (rendering, the network) is worth another try, like a provider's 5xx.
    const sent = await sendMagicLink(deps, parsed.data, id).catch((error: unknown): MagicLinkSent => ({
      ok: false,
      reason: String(error),
      final: false,
    }));
    if (sent.ok) {
      log.info({ request: id, to: maskEmail(parsed.data.email), message: sent.id }, 'sign-in mail sent');
      await finish(id);
      return;
    }
    const deliveries = await deliveryCount(id);
    const fatal = sent.final || deliveries >= MAX_DELIVERIES;
    log[fatal ? 'error' : 'warn'](
      { request: id, to: maskEmail(parsed.data.email), deliveries, err: sent.reason },
      fatal ? 'sign-in mail could not be sent; given up' : 'sign-in mail not sent yet; will retry',
    );
    if (fatal) await finish(id);
  }

  async function finish(id: string) {
    // Acknowledged and deleted: the sealed request does not linger in Redis.
    await reader.multi().xack(stream, MAGIC_LINK_GROUP, id).xdel(stream, id).exec();
  }

  async function deliveryCount(id: string): Promise<number> {
    const rows = (await reader.xpending(stream, MAGIC_LINK_GROUP, id, id, 1)) as Array<[string, string, number, number]>;
    return rows[0]?.[3] ?? 1;
  }

  async function claimStale(): Promise<StreamEntry[]> {
    const result = (await reader.xautoclaim(stream, MAGIC_LINK_GROUP, consumer, claimIdleMs, '0', 'COUNT', 20)) as [string, StreamEntry[]];
    return result[1].filter((e) => Array.isArray(e[1]));
  }

  const loop = (async () => {
    while (running) {
      try {
        if (Date.now() - lastClaim > claimIdleMs / 2) {
          lastClaim = Date.now();
          await Promise.all((await claimStale()).map(handle));
        }
        const result = (await reader.xreadgroup(
          'GROUP',
          MAGIC_LINK_GROUP,
          consumer,
          'COUNT',
          20,
          'BLOCK',
          Math.min(BLOCK_MS, claimIdleMs / 2),
          'STREAMS',
          stream,
          '>',
        )) as Array<[string, StreamEntry[]]> | null;
        // A batch is sent concurrently: rendering is quick, the provider's round trip is not.
        for (const [, entries] of result ?? []) await Promise.all(entries.map(handle));
      } catch (error) {
        if (!running) break;
        log.error({ err: String(error) }, 'sign-in mail worker could not read its stream; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  return {
    async close() {
      running = false;
      await loop;
      await reader.quit().catch(() => reader.disconnect());
    },
  };
}
