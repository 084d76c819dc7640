--[[
  Deletes a bucket's pending learned deltas once their generation is in the global views, and only that generation:
  a second rollup that finished the same generation first may already have claimed a newer one.

  Input:
    KEYS[1] the bucket's pending hash
    ARGV[1] the generation that was applied

  Output: 1 when deleted, 0 when the pending hash holds another generation (or none).
]]
if redis.call('HGET', KEYS[1], '#gen') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
