// Read the subscribe form: an address, topics from those Tidings has, and delivery settings; every problem
// named by its field, in words that say what a good value looks like.
import { deliverySettingsSchema, emailAddress, type DeliverySettings } from '../../contracts/subscriber';

export type SignupForm =
  | { ok: true; email: string; topics: string[]; settings: DeliverySettings }
  | {
      ok: false;
      problems: Record<string, string>;
      raw: { email: string; topics: string[]; timezone: string; frequency: string; weekday: number; delivery_hour: number };
    };

/** `known` are the topics on offer; anything else sent is refused (the form only offers those). */
export function readSignupForm(body: Record<string, string | string[] | File | (string | File)[]>, known: ReadonlySet<string>): SignupForm {
  const one = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  const many = (name: string) => {
    const v = body[name] ?? body[`${name}[]`];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
  };
  const raw = {
    email: one('email').trim(),
    topics: many('topics').map((t) => t.trim().toLowerCase()),
    timezone: one('timezone') || 'UTC',
    frequency: one('frequency') || 'daily',
    weekday: Number(one('weekday') || 1),
    delivery_hour: Number(one('delivery_hour') || 7),
  };
  const problems: Record<string, string> = {};
  // The same rule as every other place an address comes in (RFC 5321's lengths too): one an inbox can have.
  const email = emailAddress.safeParse(raw.email);
  if (!email.success)
    problems.email = raw.email
      ? `That address ${email.error.issues[0]?.message ?? 'is not valid'}. Check it (for example name@example.com).`
      : 'Enter your email address (for example name@example.com).';
  const unknown = raw.topics.filter((t) => !known.has(t));
  if (unknown.length > 0)
    problems.topics = `Choose topics from the list (not known here: ${unknown.slice(0, 3).join(', ').slice(0, 120)}).`;
  const settings = deliverySettingsSchema.safeParse({
    timezone: raw.timezone,
    frequency: raw.frequency,
    weekday: one('weekday') || '1',
    delivery_hour: one('delivery_hour') || '7',
  });
  if (!settings.success)
    for (const issue of settings.error.issues)
      problems[String(issue.path[0])] ??= `${String(issue.path[0]).replace('_', ' ')} ${issue.message}`;
  if (Object.keys(problems).length > 0 || !email.success || !settings.success) return { ok: false, problems, raw };
  return { ok: true, email: email.data, topics: [...new Set(raw.topics)].slice(0, 50), settings: settings.data };
}
