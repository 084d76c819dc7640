// Where mail goes: Resend when RESEND_API_KEY is set, the dev outbox otherwise.
import { UnrecoverableError } from 'bullmq';
import { Resend } from 'resend';
import type { Config } from '../src/env';
import type { OutgoingEmail } from '../src/contracts';
import type { Db } from '../src/store/keys';
import { pushOutbox } from '../src/store/outbox';

export interface SentMail {
  id: string;
  transport: 'resend' | 'dev-outbox';
}

export interface MailTransport {
  /** Send one email. Throws UnrecoverableError for a refusal that retrying cannot fix. */
  send(email: OutgoingEmail, idempotencyKey: string): Promise<SentMail>;
}

export function createMailTransport(config: Config, db: Db, now: () => Date): MailTransport {
  if (config.RESEND_API_KEY === undefined) {
    return {
      async send(email) {
        const message = await pushOutbox(db, email, now());
        return { id: message.id, transport: 'dev-outbox' };
      },
    };
  }
  const resend = new Resend(config.RESEND_API_KEY, config.RESEND_BASE_URL ? { baseUrl: config.RESEND_BASE_URL } : undefined);
  return {
    async send(email, idempotencyKey) {
      const { data, error } = await resend.emails.send(
        { from: email.from, to: email.to, subject: email.subject, html: email.html, text: email.text, headers: email.headers },
        { idempotencyKey },
      );
      if (error) {
        const status = error.statusCode ?? 0;
        const description = `Resend refused the email (${status || 'no status'} ${error.name}): ${error.message}`;
        // A 4xx other than a rate limit or a concurrent retry will not succeed on retry.
        if (status >= 400 && status < 500 && status !== 429 && error.name !== 'concurrent_idempotent_requests') {
          throw new UnrecoverableError(description);
        }
        throw new Error(description);
      }
      return { id: data.id, transport: 'resend' };
    },
  };
}
