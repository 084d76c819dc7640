// Posting Resend webhooks to the app as Resend does: Svix-style headers, signed with the webhook's secret.
import { createHmac } from 'node:crypto';
import type { testApp } from './helpers';

export const WEBHOOK_SECRET = 'whsec_' + Buffer.from('a-webhook-secret-of-32-bytes-len').toString('base64');

export function signWebhook(body: string, id: string, timestamp: number, secret = WEBHOOK_SECRET): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export async function postWebhook(app: ReturnType<typeof testApp>['app'], body: string, id: string, signature?: string) {
  const timestamp = Math.floor(Date.now() / 1000);
  return app.request('/webhooks/resend', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature ?? signWebhook(body, id, timestamp),
    },
    body,
  });
}
