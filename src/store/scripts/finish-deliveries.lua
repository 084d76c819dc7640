--[[
  Moves deliveries from queued to their outcome. Only a queued record moves, so a retry or a second
  worker never counts twice.

  Input:
    KEYS[1] delivery records of the edition: hash subscriber id → delivery JSON
    KEYS[2] the edition's counters: hash

    ARGV[3n+1] subscriber id
    ARGV[3n+2] its new delivery record (JSON)
    ARGV[3n+3] its new status (sent | failed | skipped): the counter to add one to

  Output: how many deliveries moved.
]]
local moved = 0
for i = 1, #ARGV, 3 do
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  if raw and cjson.decode(raw).status == 'queued' then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    redis.call('HINCRBY', KEYS[2], 'queued', -1)
    redis.call('HINCRBY', KEYS[2], ARGV[i + 2], 1)
    moved = moved + 1
  end
end
return moved
