// What the edge app needs from its runtime, passed in explicitly so Node, Workers and tests share one app.
import type { Config } from './env';
import type { LinkSigner } from './core/links/links';
import type { ClickBudget } from './core/links/click-budget';
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
  /** Events per link per minute; one is made per app when absent (Node shares one with its fast path). */
  clickBudget?: ClickBudget;
}
