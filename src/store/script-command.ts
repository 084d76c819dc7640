// A Lua script as an ioredis command: defined once per connection, then called by its SHA (ioredis loads
// it again by itself after a Redis restart).
import type { Redis } from 'ioredis';

/** Returns a caller for `lua` named `name`: (redis, numberOfKeys, ...keys, ...args) → the script's reply. */
export function scriptCommand<Reply>(name: string, lua: string): (redis: Redis, numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<Reply> {
  const defined = new WeakSet<Redis>();
  return (redis, numberOfKeys, ...keysAndArgs) => {
    if (!defined.has(redis)) {
      redis.defineCommand(name, { lua });
      defined.add(redis);
    }
    const command = (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<Reply>>)[name]!;
    return command.call(redis, numberOfKeys, ...keysAndArgs);
  };
}
