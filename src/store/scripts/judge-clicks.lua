--[[
  Judges one reader's clicks of one edition, in order: notes each link's latest click time in the
  window; when `burstLinks` distinct links were clicked within `burstMs` up to a click, marks a burst;
  marks a honeypot hit. Marking is idempotent (a click judged twice after a crash adds nothing new).
  The three keys share the {subscriber:edition} hash tag, so the call is safe on Redis Cluster.

  Input:
    KEYS[1] click window of (subscriber, edition): zset link id → latest click ms
    KEYS[2] burst marks of (subscriber, edition): zset
    KEYS[3] honeypot marks of (subscriber, edition): zset

    ARGV[1] burst window, ms
    ARGV[2] distinct links within the burst window that make a burst
    ARGV[3] TTL of the click window, seconds
    ARGV[4] TTL of the marks, seconds
    ARGV[5..] one click each: "ms \t honeypot(0|1) \t link id"

  Output: the number of clicks judged.
]]
local burstMs, burstLinks = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 5, #ARGV do
  local atText, honeypot, link = string.match(ARGV[i], '^(%d+)\t([01])\t(.*)$')
  local at = tonumber(atText)
  -- GT keeps each link's latest click even when clicks are judged out of order (a replayed spill).
  redis.call('ZADD', KEYS[1], 'GT', at, link)
  if redis.call('ZCOUNT', KEYS[1], at - burstMs, at) >= burstLinks then redis.call('ZADD', KEYS[2], at, atText) end
  if honeypot == '1' then redis.call('ZADD', KEYS[3], at, atText) end
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[4])
return #ARGV - 4
