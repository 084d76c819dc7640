--[[
  Counts one attempt against every fixed-window rate limit, or none if any is used up: all windows are
  checked before any is counted, so a refused request does not use up a slot.

  Input:
    KEYS[1..n] one counter per rule

    ARGV[2i-1] the limit of rule i (KEYS[i])
    ARGV[2i]   its window, ms

  Output: ms to wait (0 = allowed and counted).
]]
local wait = 0
for i = 1, #KEYS do
  local limit = tonumber(ARGV[i * 2 - 1])
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count >= limit then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then ttl = tonumber(ARGV[i * 2]) end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i = 1, #KEYS do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[i * 2]) end
end
return 0
