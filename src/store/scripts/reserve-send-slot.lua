--[[
  Reserves the next request slot of the send pacer: slots are 1000/rate ms apart, on Redis's clock so
  every worker process agrees.

  Input:
    KEYS[1] the pacer: the next free slot, ms since the epoch

    ARGV[1] ms between requests (1000 / rate)

  Output: ms to wait before this request may go (0 or more).
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
redis.call('SET', KEYS[1], tostring(slot + tonumber(ARGV[1])), 'PX', 60000)
return slot - now
