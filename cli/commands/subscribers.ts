// `tidings subscribers add|import|list|rm|unsubscribe`: the readers, one at a time or from a CSV.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { printable } from '../../src/core/printable';
import { emailAddress, timeZone, type Subscriber } from '../../src/contracts';
import { parseSubscriberCsv } from '../../src/core/subscribers/subscriber-csv';
import {
  countSubscribers,
  ensureSubscriber,
  removeSubscriber,
  saveSubscriber,
  setSubscriberStatus,
  subscribersPage,
} from '../../src/store/subscribers';
import { CliError, withServices } from '../context';
import { wholeNumber } from '../whole-number';
import { resolveSubscriber } from '../subscriber-ref';
import { printRows } from '../table';

export function registerSubscribers(program: Command): void {
  const subscribers = program.command('subscribers').description('add, import, list, remove and unsubscribe readers');

  subscribers
    .command('add <email>')
    .description(
      'add one reader (or update the zone and topics of an existing one), e.g. add ada@example.com --tz Europe/Berlin --topics rust,email',
    )
    .option('--tz <zone>', "the reader's IANA time zone, e.g. Europe/Berlin (default UTC)")
    .option('--topics <list>', 'topics the reader asked for, separated by commas, e.g. rust,email')
    .action(async (email: string, options: { tz?: string; topics?: string }) => {
      const address = emailAddress.safeParse(email);
      if (!address.success) throw new CliError(`EMAIL "${email}": ${address.error.issues[0]?.message ?? 'is not valid'}`, 2);
      if (options.tz !== undefined) {
        const tz = timeZone.safeParse(options.tz);
        if (!tz.success) throw new CliError(`--tz "${options.tz}": ${tz.error.issues[0]?.message}`, 2);
      }
      const topics =
        options.topics === undefined
          ? undefined
          : options.topics
              .split(/[;,|]/)
              .map((t) => t.trim().toLowerCase())
              .filter(Boolean);
      if (topics && topics.length > 50) throw new CliError(`--topics has ${topics.length} entries; at most 50`, 2);
      await withServices(async ({ db, now }) => {
        const result = await ensureSubscriber(db, { email: address.data, timezone: options.tz, topics }, now());
        let subscriber = result.subscriber;
        if (!result.created && (options.tz !== undefined || topics !== undefined)) {
          subscriber = { ...subscriber, timezone: options.tz ?? subscriber.timezone, topics: topics ?? subscriber.topics };
          await saveSubscriber(db, subscriber);
        }
        console.log(`${result.created ? 'Added' : 'Updated'} ${describe(subscriber)}.`);
        if (subscriber.status !== 'active') console.log(`This reader is ${subscriber.status}, so no briefing goes to them.`);
      });
    });

  subscribers
    .command('rm <subscriber>')
    .description('remove a reader (by id or address) and what Tidings learned about them; past delivery records stay')
    .action(async (ref: string) => {
      await withServices(async ({ db }) => {
        const subscriber = await resolveSubscriber(db, ref);
        await removeSubscriber(db, subscriber.id);
        console.log(
          `Removed ${subscriber.email} (${subscriber.id}) and their profile. To only stop mail, use: npx tidings subscribers unsubscribe ${subscriber.email}`,
        );
      });
    });

  subscribers
    .command('unsubscribe <subscriber>')
    .description('stop sending to a reader (by id or address); they stay on the list as unsubscribed')
    .action(async (ref: string) => {
      await withServices(async ({ db }) => {
        const subscriber = await resolveSubscriber(db, ref);
        if (subscriber.status === 'unsubscribed') return console.log(`${subscriber.email} (${subscriber.id}) was already unsubscribed.`);
        await setSubscriberStatus(db, subscriber.id, 'unsubscribed');
        console.log(`Unsubscribed ${subscriber.email} (${subscriber.id}); no further briefing goes to them.`);
      });
    });

  subscribers
    .command('import <file>')
    .description(
      'import a CSV: a header row names the columns email, timezone, topics in any order (others are ignored); without one, columns are email,timezone,topics. Topics separated by ; . Bad rows are reported by line',
    )
    .action(async (file: string) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new CliError(
          `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
          2,
        );
      }
      await withServices(async ({ db, now }) => {
        let created = 0;
        let updated = 0;
        const refused: string[] = [];
        for (const row of parseSubscriberCsv(text)) {
          if (!row.ok) {
            refused.push(`  line ${row.line}: ${row.reason}`);
            continue;
          }
          const result = await ensureSubscriber(db, row.subscriber, now());
          if (result.created) {
            created++;
          } else {
            // An existing reader keeps their id, status and history; the file updates zone and topics.
            await saveSubscriber(db, {
              ...result.subscriber,
              timezone: row.subscriber.timezone ?? result.subscriber.timezone,
              topics: row.subscriber.topics ?? result.subscriber.topics,
            });
            updated++;
          }
        }
        console.log(`Imported ${file}: ${created} new, ${updated} updated, ${refused.length} refused.`);
        if (refused.length > 0) {
          console.log(
            `Refused rows (fix them and import the file again; rows already imported are updated, not duplicated):\n${refused.join('\n')}`,
          );
          process.exitCode = 1;
        }
      });
    });

  subscribers
    .command('list')
    .description('subscribers in the order they joined')
    .option('--limit <n>', 'how many to show', '50')
    .option('--offset <n>', 'skip this many', '0')
    .option('--json', 'print JSON lines')
    .action(async (options: { limit: string; offset: string; json?: boolean }) => {
      await withServices(async ({ db }) => {
        const limit = wholeNumber('--limit', options.limit, 1);
        const offset = wholeNumber('--offset', options.offset, 0);
        const total = await countSubscribers(db);
        const { subscribers: rows } = await subscribersPage(db, offset, limit);
        const present = rows.filter((s): s is Subscriber => s !== null);
        printRows(
          present,
          [
            { header: 'id', value: (s) => s.id },
            // What readers and files supplied is printed escaped: a stored control sequence must not drive the terminal.
            { header: 'email', value: (s) => printable(s.email) },
            { header: 'status', value: (s) => s.status },
            { header: 'time zone', value: (s) => printable(s.timezone) },
            { header: 'topics', value: (s) => s.topics.map((t) => printable(t)).join(', ') },
          ],
          options.json,
        );
        if (!options.json)
          console.log(
            `${Math.min(offset + rows.length, total)} of ${total} subscribers shown${total > offset + rows.length ? ` (next page: --offset ${offset + rows.length})` : ''}.`,
          );
      });
    });
}

function describe(s: Subscriber): string {
  return `${s.email} (${s.id}), ${s.status}, time zone ${s.timezone}, topics ${s.topics.length ? s.topics.join(', ') : 'none'}`;
}
