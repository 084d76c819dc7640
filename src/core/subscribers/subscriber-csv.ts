// Parse a subscribers CSV (email,timezone,topics): every row is either a subscriber or a reason with its line number.
import { emailAddress, timeZone, topicName, type NewSubscriber } from '../../contracts/subscriber';
import { printable } from '../printable';

export type CsvRow = { ok: true; line: number; subscriber: NewSubscriber } | { ok: false; line: number; reason: string };

const COLUMNS = ['email', 'timezone', 'topics'] as const;

/** Split one CSV line into fields (RFC 4180 quotes, doubled quotes inside). */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return null; // an unterminated quote
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') return null;
    } else {
      const comma = line.indexOf(',', i);
      field = comma === -1 ? line.slice(i) : line.slice(i, comma);
      i = comma === -1 ? line.length : comma;
    }
    fields.push(field.trim());
    if (i >= line.length) return fields;
    i++; // skip the comma
  }
}

/** Parse the whole file. A header row naming the columns is optional; blank lines are ignored. */
export function* parseSubscriberCsv(text: string): Generator<CsvRow> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    const line = n + 1;
    if (raw.trim() === '') continue;
    const fields = splitCsvLine(raw);
    if (!fields) {
      yield { ok: false, line, reason: 'a quoted field is not closed; wrap fields in "…" and double any " inside' };
      continue;
    }
    if (n === 0 && fields[0]?.toLowerCase() === 'email') continue; // header
    if (fields.length > COLUMNS.length) {
      yield { ok: false, line, reason: `has ${fields.length} columns; expected ${COLUMNS.join(',')} (quote topics that contain commas, or separate them with ;)` };
      continue;
    }
    const [emailText = '', tzText = '', topicsText = ''] = fields;
    const email = emailAddress.safeParse(emailText);
    if (!email.success) {
      yield { ok: false, line, reason: `email ${email.error.issues[0]?.message ?? 'is not valid'} (got "${printable(emailText, 80)}")` };
      continue;
    }
    const tz = tzText === '' ? { success: true as const, data: 'UTC' } : timeZone.safeParse(tzText);
    if (!tz.success) {
      yield { ok: false, line, reason: `timezone ${tz.error.issues[0]?.message ?? 'is not valid'} (got "${printable(tzText, 80)}")` };
      continue;
    }
    const topics = topicsText.split(/[;,|]/).map((t) => t.trim().toLowerCase()).filter(Boolean);
    if (topics.length > 50) {
      yield { ok: false, line, reason: `topics has ${topics.length} entries; at most 50` };
      continue;
    }
    const badTopic = topics.map((t) => ({ t, check: topicName.safeParse(t) })).find((x) => !x.check.success);
    if (badTopic && !badTopic.check.success) {
      yield { ok: false, line, reason: `topics "${printable(badTopic.t, 40)}" ${badTopic.check.error.issues[0]?.message ?? 'is not valid'}` };
      continue;
    }
    yield { ok: true, line, subscriber: { email: email.data, timezone: tz.data, topics } };
  }
}
