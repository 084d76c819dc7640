--[[
  Rotates a refresh token in one step: the old token is taken, remembered as used, the new one stored,
  the session extended. A refresh token names its session (its keys share the session's hash tag), so
  every key is known before the script runs and all of them sit in one slot.

  Input:
    KEYS[1] the old refresh token → session id
    KEYS[2] the old token's used marker → session id
    KEYS[3] the new refresh token → session id
    KEYS[4] the session the token names

    ARGV[1] the session id the token names
    ARGV[2] TTL of the tokens and the session, seconds

  Output: {'ok' | 'reused' | 'revoked', session id} or {'missing', ''}.
]]
local sid = redis.call('GET', KEYS[1])
if not sid then
  local used = redis.call('GET', KEYS[2])
  if used then return {'reused', used} end
  return {'missing', ''}
end
if sid ~= ARGV[1] then return {'missing', ''} end
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[4]) == 0 then return {'revoked', sid} end
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[2], sid, 'EX', ttl)
redis.call('SET', KEYS[3], sid, 'EX', ttl)
redis.call('EXPIRE', KEYS[4], ttl)
return {'ok', sid}
