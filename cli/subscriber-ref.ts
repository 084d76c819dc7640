// Commands that take a subscriber accept either its id (sub_…) or its address.
import type { Subscriber } from '../src/contracts';
import type { Db } from '../src/store/keys';
import { findSubscriberByEmail, getSubscriber } from '../src/store/subscribers';
import { CliError } from './context';

/** The subscriber named by an id or an email address; a CliError saying what to give otherwise. */
export async function resolveSubscriber(db: Db, ref: string, option = 'subscriber'): Promise<Subscriber> {
  const given = ref.trim();
  if (given === '') throw new CliError(`--${option} must not be empty: give an id (sub_…) or an address (reader@example.com)`, 2);
  const found = given.includes('@') ? await findSubscriberByEmail(db, given) : await getSubscriber(db, given);
  if (found) return found;
  throw new CliError(
    `No subscriber ${given.includes('@') ? 'with address' : 'with id'} "${given}". Give an id (sub_…) or an address (reader@example.com); see them with: npx tidings subscribers list`,
    1,
  );
}
