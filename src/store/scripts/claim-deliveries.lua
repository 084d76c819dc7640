--[[
  Claims readers of an edition for a batch, within one bucket of readers. A reader already claimed by
  this same batch counts as claimed again (a planner re-run after a crash rebuilds the same batch); one
  claimed by another batch is left alone. The caller counts the new claims as planned and queued.

  Input:
    KEYS[1] delivery records of the edition for one bucket of readers: hash subscriber id → delivery JSON

    ARGV[1] the queued delivery record (JSON) to store for a new claim
    ARGV[2] the batch id
    ARGV[3..] subscriber ids, all of that bucket

  Output: {n, id…}: how many claims are new, then the subscriber ids this batch owns (new and earlier claims).
]]
local claimed = {0}
for i = 3, #ARGV do
  local id = ARGV[i]
  if redis.call('HSETNX', KEYS[1], id, ARGV[1]) == 1 then
    claimed[1] = claimed[1] + 1
    claimed[#claimed + 1] = id
  else
    local current = cjson.decode(redis.call('HGET', KEYS[1], id))
    if current.batch == ARGV[2] then claimed[#claimed + 1] = id end
  end
end
return claimed
