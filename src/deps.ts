// What the edge app needs from its runtime, passed in explicitly so Node, Workers and tests share one app.
import type { Config } from './env';
import type { LinkSigner } from './core/links/links';
import type { Logger } from './core/logger';
import type { EventRecorder } from './recording/recorder';
import type { Db } from './store/keys';

export interface AppDeps {
  config: Config;
  db: Db;
  signer: LinkSigner;
  recorder: EventRecorder;
  log: Logger;
  now: () => Date;
}
