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

// Header names people use for each column (compared lowercase, ignoring spaces, dashes and underscores).
const HEADER_NAMES: Record<(typeof COLUMNS)[number], readonly string[]> = {
  email: ['email', 'emailaddress', 'e-mail', 'mail', 'address'],
  timezone: ['timezone', 'tz', 'zone', 'timezonename'],
  topics: ['topics', 'topic', 'tags', 'interests'],
};

function headerKey(field: string): string {
  return field.toLowerCase().replace(/[\s_-]+/g, '');
}

type ColumnMap = Record<(typeof COLUMNS)[number], number | null>;

/** Map a header row to column positions, or null when the row is data rather than a header. */
function columnsFromHeader(fields: string[]): ColumnMap | null {
  const map: ColumnMap = { email: null, timezone: null, topics: null };
  fields.forEach((field, i) => {
    const key = headerKey(field);
    for (const column of COLUMNS) {
      if (map[column] === null && HEADER_NAMES[column].some((name) => headerKey(name) === key)) map[column] = i;
    }
  });
  // A header names at least one known column and contains no address (a data row always does).
  const looksLikeHeader = COLUMNS.some((c) => map[c] !== null) && !fields.some((f) => f.includes('@'));
  return looksLikeHeader ? map : null;
}

/**
 * Parse the whole file. With a header row, columns are found by name in any order (email, timezone,
 * topics; other columns are ignored); without one they are read by position as email,timezone,topics.
 * Blank lines are ignored.
 */
export function* parseSubscriberCsv(text: string): Generator<CsvRow> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let columns: ColumnMap | null = null;
  let headerWidth = 0;
  let seenFirst = false;
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    const line = n + 1;
    if (raw.trim() === '') continue;
    const fields = splitCsvLine(raw);
    if (!fields) {
      yield { ok: false, line, reason: 'a quoted field is not closed; wrap fields in "…" and double any " inside' };
      continue;
    }
    if (!seenFirst) {
      seenFirst = true;
      columns = columnsFromHeader(fields);
      headerWidth = fields.length;
      if (columns) {
        if (columns.email === null) {
          yield {
            ok: false,
            line,
            reason: `the header has no email column (got ${fields.map((f) => `"${f}"`).join(', ')}); name one "email", e.g. email,timezone,topics`,
          };
          return;
        }
        continue;
      }
    }
    // More fields than the header names: an unquoted comma split a value, and what follows it would be lost.
    if (columns && fields.length > headerWidth) {
      yield {
        ok: false,
        line,
        reason: `has ${fields.length} columns but the header names ${headerWidth}; quote values that contain commas ("rust,email"), or separate topics with ;`,
      };
      continue;
    }
    if (!columns && fields.length > COLUMNS.length) {
      yield {
        ok: false,
        line,
        reason: `has ${fields.length} columns; expected ${COLUMNS.join(',')} (quote topics that contain commas, or separate them with ;), or add a header row naming the columns`,
      };
      continue;
    }
    const at = (column: (typeof COLUMNS)[number]) => {
      const i = columns ? columns[column] : COLUMNS.indexOf(column);
      return i === null ? '' : (fields[i] ?? '');
    };
    const emailText = at('email');
    const tzText = at('timezone');
    const topicsText = at('topics');
    const email = emailAddress.safeParse(emailText);
    if (!email.success) {
      yield { ok: false, line, reason: `email ${email.error.issues[0]?.message ?? 'is not valid'} (got "${printable(emailText, 80)}")` };
      continue;
    }
    // An empty zone keeps an existing reader's zone (a new one gets UTC).
    const tz = tzText === '' ? { success: true as const, data: undefined } : timeZone.safeParse(tzText);
    if (!tz.success) {
      yield { ok: false, line, reason: `timezone ${tz.error.issues[0]?.message ?? 'is not valid'} (got "${printable(tzText, 80)}")` };
      continue;
    }
    // An empty cell, or no topics column, leaves an existing reader's topics alone (a new one gets none).
    const hasTopics = (columns === null || columns.topics !== null) && topicsText.trim() !== '';
    const topics = topicsText
      .split(/[;,|]/)
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
    if (topics.length > 50) {
      yield { ok: false, line, reason: `topics has ${topics.length} entries; at most 50` };
      continue;
    }
    const badTopic = topics.map((t) => ({ t, check: topicName.safeParse(t) })).find((x) => !x.check.success);
    if (badTopic && !badTopic.check.success) {
      yield {
        ok: false,
        line,
        reason: `topics "${printable(badTopic.t, 40)}" ${badTopic.check.error.issues[0]?.message ?? 'is not valid'}`,
      };
      continue;
    }
    yield { ok: true, line, subscriber: { email: email.data, timezone: tz.data, topics: hasTopics ? topics : undefined } };
  }
}
