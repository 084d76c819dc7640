--[[
  Claims a bucket's learned deltas for the rollup: the delta hash is renamed to the bucket's pending hash under a new
  generation number, so the learner's later increments start a fresh delta. A pending hash left by a rollup that
  stopped part-way is claimed again as it is (same generation), never merged with newer deltas.

  Input:
    KEYS[1] the bucket's delta hash ("<view>|<field>" -> increment), written by the learner
    KEYS[2] the bucket's pending hash (the same fields, plus "#gen")
    KEYS[3] the bucket's generation counter

    ARGV[…] none

  Output: the pending hash as a flat field/value list (including "#gen"), or an empty list when there is nothing.
]]
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
  local generation = redis.call('INCR', KEYS[3])
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[2], '#gen', generation)
end
return redis.call('HGETALL', KEYS[2])
