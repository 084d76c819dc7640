--[[
  Claims readers of an edition for a batch, within one bucket of readers. A reader already claimed by
  this same batch counts as claimed again (a planner re-run after a crash rebuilds the same batch); one
  claimed by another batch is left alone. Each new claim counts as planned and queued in the bucket's
  counters, in the same script.

  Input:
    KEYS[1] delivery records of the edition for one bucket of readers: hash subscriber id → delivery JSON
    KEYS[2] the edition's counters for that bucket: hash

    ARGV[1] the queued delivery record (JSON) to store for a new claim
    ARGV[2] the batch id
    ARGV[3..] subscriber ids, all of that bucket

  Output: the subscriber ids this batch owns (new claims and its own earlier claims).
]]
local claimed = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  if redis.call('HSETNX', KEYS[1], id, ARGV[1]) == 1 then
    redis.call('HINCRBY', KEYS[2], 'planned', 1)
    redis.call('HINCRBY', KEYS[2], 'queued', 1)
    claimed[#claimed + 1] = id
  else
    local current = cjson.decode(redis.call('HGET', KEYS[1], id))
    if current.batch == ARGV[2] then claimed[#claimed + 1] = id end
  end
end
return claimed
