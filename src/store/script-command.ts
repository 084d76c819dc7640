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
  // Defined per number of keys, so each call starts with its first key: a cluster client routes (and auto-pipelines)
  // a command by its first argument, which must be a key of the script's slot, not the count of keys.
  const defined = new WeakMap<RedisClient, Set<number>>();
  return (redis, keys, args) => {
    const counts = defined.get(redis) ?? defined.set(redis, new Set()).get(redis)!;
    const name = `${method}${keys.length}`;
    if (!counts.has(keys.length)) {
      redis.defineCommand(name, { lua, numberOfKeys: keys.length });
      counts.add(keys.length);
    }
    const command = (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<Reply>>)[name]!;
    return command.call(redis, ...keys, ...args);
  };
}
