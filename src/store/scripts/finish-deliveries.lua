--[[
  Moves deliveries of one bucket of readers from queued to their outcome. Only a queued record moves,
  so a retry or a second worker never counts twice. A delivery that moves to sent also records its
  articles as sent to the reader and appends one `delivered` event per article to the bucket's events
  shard, in the same script: a retried batch finds nothing queued and appends nothing again.

  Input:
    KEYS[1] delivery records of the edition for one bucket of readers: hash subscriber id → delivery JSON
    KEYS[2] the edition's counters for that bucket: hash
    KEYS[3] the bucket's shard of the events stream
    KEYS[4..] the sent-articles set of each outcome that carries articles, in the order of the outcomes

    ARGV, per outcome in turn (all readers of that bucket):
      ARGV[i]         subscriber id
      ARGV[i+1]       its new delivery record (JSON)
      ARGV[i+2]       its new status (sent | failed | skipped): the counter to add one to
      ARGV[i+3]       n, how many articles the sent email carried (0 for any other outcome)
      ARGV[i+4..]     the n article ids, then the n `delivered` events (JSON), in the same order

  Output: how many deliveries moved.
]]
local moved = 0
local i = 1
local k = 4
while i <= #ARGV do
  local n = tonumber(ARGV[i + 3])
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  if raw and cjson.decode(raw).status == 'queued' then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    redis.call('HINCRBY', KEYS[2], 'queued', -1)
    redis.call('HINCRBY', KEYS[2], ARGV[i + 2], 1)
    for j = 1, n do
      redis.call('SADD', KEYS[k], ARGV[i + 3 + j])
      redis.call('XADD', KEYS[3], '*', 'event', ARGV[i + 3 + n + j])
    end
    moved = moved + 1
  end
  if n > 0 then k = k + 1 end
  i = i + 4 + 2 * n
end
return moved
