--[[
  Appends a batch of reader events to the events stream, in order. The batch travels as one argument,
  one event's JSON a line (JSON never holds a raw newline): measured with npm run bench:redirect, one
  argument per event cost the edge several times more CPU in ioredis than the events themselves.

  Input:
    KEYS[1] the events stream

    ARGV[1] the events, one JSON document a line

  Output: nil.
]]
for json in string.gmatch(ARGV[1], '[^\n]+') do redis.call('XADD', KEYS[1], '*', 'event', json) end
