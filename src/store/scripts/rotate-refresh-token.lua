--[[
  Rotates a refresh token in one step: the old token is taken, remembered as used, the new one stored,
  the session extended. The session is a declared key, so the caller reads the old token's session id
  first and names its key; if the token changed in between, nothing is touched and the caller is told
  the id it now holds, to ask again.

  Input:
    KEYS[1] the old refresh token → session id
    KEYS[2] the old token's used marker → session id
    KEYS[3] the new refresh token → session id
    KEYS[4] the session the old token named when the caller read it (absent when it named none)

    ARGV[1] the session id the caller read from KEYS[1] ('' for none)
    ARGV[2] TTL of the tokens and the session, seconds

  Output: {'ok' | 'reused' | 'revoked', session id}, {'missing', ''},
          or {'changed', session id} when KEYS[1] no longer names ARGV[1]'s session.
]]
local sid = redis.call('GET', KEYS[1])
if not sid then
  local used = redis.call('GET', KEYS[2])
  if used then return {'reused', used} end
  return {'missing', ''}
end
if sid ~= ARGV[1] then return {'changed', sid} end
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[4]) == 0 then return {'revoked', sid} end
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[2], sid, 'EX', ttl)
redis.call('SET', KEYS[3], sid, 'EX', ttl)
redis.call('EXPIRE', KEYS[4], ttl)
return {'ok', sid}
