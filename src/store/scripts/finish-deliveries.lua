--[[
  Moves deliveries of one bucket of readers from queued to their outcome. Only a queued record moves,
  so a retry or a second worker never counts twice. A delivery that moves to sent also records its
  articles as sent to the reader, in the same script. The caller counts what moved against the edition
  and appends the `delivered` events of what moved to sent: a retried batch finds nothing queued, so
  nothing is counted or appended again.

  Input:
    KEYS[1] delivery records of the edition for one bucket of readers: hash subscriber id → delivery JSON
    KEYS[2..] the sent-articles set of each outcome that carries articles, in the order of the outcomes

    ARGV, per outcome in turn (all readers of that bucket):
      ARGV[i]         subscriber id
      ARGV[i+1]       its new delivery record (JSON)
      ARGV[i+2]       its new status (sent | failed | skipped)
      ARGV[i+3]       n, how many articles the sent email carried (0 for any other outcome)
      ARGV[i+4..]     the n article ids

  Output: {id, status, id, status, …} of the deliveries that moved.
]]
local moved = {}
local i = 1
local k = 2
while i <= #ARGV do
  local n = tonumber(ARGV[i + 3])
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  if raw and cjson.decode(raw).status == 'queued' then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    for j = 1, n do redis.call('SADD', KEYS[k], ARGV[i + 3 + j]) end
    moved[#moved + 1] = ARGV[i]
    moved[#moved + 1] = ARGV[i + 2]
  end
  if n > 0 then k = k + 1 end
  i = i + 4 + n
end
return moved
