--[[
  Adds one claimed generation of a bucket's learned deltas to the global views, at most once: the generation applied
  last is recorded per bucket in the same script, and a generation not newer than it is skipped. Everything is
  checked before the first write (a script is not rolled back on error), so it applies all or nothing.

  Input:
    KEYS[1] popularity hash          (view p)
    KEYS[2] source engagement hash   (view e)
    KEYS[3] global interest hash     (view g)
    KEYS[4] learner stats hash       (view s, whole counts)
    KEYS[5] rolled-up hash: bucket -> last generation applied

    ARGV[1] the bucket
    ARGV[2] the generation
    ARGV[3..] "<view>|<field>", increment, ... pairs

  Output: 1 when applied, 0 when this generation was applied before.
]]
local last = tonumber(redis.call('HGET', KEYS[5], ARGV[1]) or '0')
if last >= tonumber(ARGV[2]) then return 0 end
local view_key = { p = 1, e = 2, g = 3, s = 4 }
for i = 1, 4 do
  local kind = redis.call('TYPE', KEYS[i]).ok
  if kind ~= 'hash' and kind ~= 'none' then return redis.error_reply('WRONGTYPE ' .. KEYS[i] .. ' is not a hash') end
end
for i = 3, #ARGV, 2 do
  if view_key[string.sub(ARGV[i], 1, 1)] == nil or string.sub(ARGV[i], 2, 2) ~= '|' or tonumber(ARGV[i + 1]) == nil then
    return redis.error_reply('ERR bad learned delta ' .. ARGV[i] .. '=' .. tostring(ARGV[i + 1]))
  end
  if string.sub(ARGV[i], 1, 1) == 's' and not string.match(ARGV[i + 1], '^%-?%d+$') then
    return redis.error_reply('ERR learner stats take whole counts: ' .. ARGV[i] .. '=' .. ARGV[i + 1])
  end
end
for i = 3, #ARGV, 2 do
  local view = string.sub(ARGV[i], 1, 1)
  local n = view_key[view]
  if view == 's' then
    redis.call('HINCRBY', KEYS[n], string.sub(ARGV[i], 3), ARGV[i + 1])
  else
    redis.call('HINCRBYFLOAT', KEYS[n], string.sub(ARGV[i], 3), ARGV[i + 1])
  end
end
redis.call('HSET', KEYS[5], ARGV[1], ARGV[2])
return 1
