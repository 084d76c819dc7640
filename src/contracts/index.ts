// Every contract shared by the edge app and the workers, in one import.
export * from './article';
export * from './subscriber';
export * from './source';
export * from './events';
export * from './outbox';
export * from './auth';
export * from './schedule';
export * from './delivery';
export * from './webhook';
export * from './sent-briefing';
