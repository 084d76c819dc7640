// POST /webhooks/resend: Resend's delivery events, verified on the raw body before anything is read or stored.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { resendWebhookSchema } from '../../contracts';
import { limitsFromPercent } from '../../core/delivery/guardrails';
import { verifyWebhook } from '../../core/delivery/webhook-signature';
import { handleWebhookEvent } from '../../store/webhook-events';

export function webhookRoutes(deps: AppDeps) {
  return new Hono().post('/webhooks/resend', async (c) => {
    const secret = deps.config.RESEND_WEBHOOK_SECRET;
    if (!secret) {
      return c.json(
        {
          error: 'webhook_not_configured',
          message:
            'RESEND_WEBHOOK_SECRET is not set, so events cannot be verified; set it to the signing secret Resend shows for this webhook.',
        },
        503,
      );
    }
    const raw = await c.req.text();
    const headers = {
      id: c.req.header('webhook-id') ?? c.req.header('svix-id'),
      timestamp: c.req.header('webhook-timestamp') ?? c.req.header('svix-timestamp'),
      signature: c.req.header('webhook-signature') ?? c.req.header('svix-signature'),
    };
    const verdict = await verifyWebhook(raw, headers, secret, deps.now());
    if (!verdict.ok) {
      deps.log.warn({ reason: verdict.reason }, 'webhook refused: signature not valid');
      return c.json(
        {
          error: 'invalid_signature',
          reason: verdict.reason,
          message: 'The signature does not match this body and secret; nothing was recorded.',
        },
        400,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return c.json({ error: 'invalid_json', message: 'The body is not JSON; nothing was recorded.' }, 400);
    }
    const event = resendWebhookSchema.safeParse(body);
    if (!event.success) {
      return c.json(
        { error: 'invalid_event', message: event.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ') },
        400,
      );
    }
    const limits = limitsFromPercent(deps.config.GUARDRAIL_COMPLAINT_PERCENT, deps.config.GUARDRAIL_BOUNCE_PERCENT);
    const handled = await handleWebhookEvent(deps.db, headers.id!, event.data, deps.now(), limits);
    return c.json({ ok: true, ...handled });
  });
}
