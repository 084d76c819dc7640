// The one way Tidings runs its Lua scripts (src/store/scripts/*.lua): each as an ioredis command, defined once
// per connection, then called by its SHA (ioredis loads it again by itself after a Redis restart).
import type { RedisClient } from './keys';
import { luaSources, type LuaScriptName } from './scripts/lua-sources.generated';

/** Runs the script on `redis` with `keys` as KEYS (every key it touches) and `args` as ARGV. */
export type ScriptCommand<Reply> = (redis: RedisClient, keys: readonly string[], args: readonly (string | number)[]) => Promise<Reply>;

/** Returns a caller for the script src/store/scripts/`name`.lua. */
export function scriptCommand<Reply>(name: LuaScriptName): ScriptCommand<Reply> {
  const lua = luaSources[name];
  // judge-clicks → tidingsJudgeClicks: a method name of its own on the connection, clear of Redis's commands.
  const method = `tidings${name.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase())}`;
  const defined = new WeakSet<RedisClient>();
  return (redis, keys, args) => {
    if (!defined.has(redis)) {
      redis.defineCommand(method, { lua });
      defined.add(redis);
    }
    const command = (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<Reply>>)[method]!;
    return command.call(redis, keys.length, ...keys, ...args);
  };
}
