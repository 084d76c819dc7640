--[[
  Withdraws a reader's action only if it is still the one this link set: undoing an up-vote must not
  clear a later down-vote.

  Input:
    KEYS[1] the reader's actions: hash

    ARGV[1] the action's field (vote:<subject> or bookmark:<subject>)
    ARGV[2] the value this link set (up, down or 1)

  Output: 1 when the action was withdrawn, 0 when it was not in effect.
]]
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
