--[[
  Moves the send pacer's next free slot to at least now + ms (after a 429 from the provider).

  Input:
    KEYS[1] the pacer: the next free slot, ms since the epoch

    ARGV[1] ms to push back by

  Output: 0.
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now + tonumber(ARGV[1]) then redis.call('SET', KEYS[1], tostring(now + tonumber(ARGV[1])), 'PX', 60000) end
return 0
