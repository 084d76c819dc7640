// Who is asking: the address a request came from, seen through the reverse proxies the operator trusts.

/**
 * The client's address given the socket's peer and the X-Forwarded-For header. With `trustedHops`
 * proxies in front (each appending the address it saw), the client is the entry that many places from
 * the right of [...X-Forwarded-For, socket peer]; entries further left are the client's own claims and
 * are ignored, so a forged header cannot choose the address. With 0 hops the socket peer is the client.
 */
export function clientAddress(socketPeer: string | null, forwardedFor: string | null, trustedHops: number): string | null {
  if (trustedHops === 0 || !forwardedFor) return socketPeer;
  const chain = forwardedFor
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (socketPeer) chain.push(socketPeer);
  return chain[Math.max(0, chain.length - 1 - trustedHops)] ?? socketPeer;
}
