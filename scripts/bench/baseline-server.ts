// Benchmark baseline: the least a Node server can do for a redirect, a fixed 302 from bare node:http.
import { createServer } from 'node:http';

const server = createServer((_req, res) => {
  res.writeHead(302, { Location: 'https://news.example/story', 'Cache-Control': 'private, no-store', 'Content-Length': '0' });
  res.end();
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as { port: number }).port });
});
process.on('message', (message: { cmd?: string }) => {
  if (message.cmd === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (message.cmd === 'stop') server.close(() => process.exit(0));
});
