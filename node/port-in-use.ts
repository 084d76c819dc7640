// When the port is taken: say which process holds it (if the system tells us) and how to pick another.
import { execFileSync } from 'node:child_process';

/** The process listening on a TCP port, as "node (pid 1234)", or null when it cannot be found out. */
export function portHolder(port: number): string | null {
  try {
    // ss is in iproute2 on every Linux we run on; it names the process when it belongs to this user.
    const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(out);
    if (match) return `${match[1]} (pid ${match[2]})`;
  } catch {
    // No ss (macOS, containers without iproute2): fall through to lsof.
  }
  try {
    const out = execFileSync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const pid = /^p(\d+)$/m.exec(out)?.[1];
    const command = /^c(.+)$/m.exec(out)?.[1];
    if (pid) return `${command ?? 'a process'} (pid ${pid})`;
  } catch {
    // Neither tool: the message says so.
  }
  return null;
}

/** The message for EADDRINUSE: who holds the port and how to choose another. */
export function portInUseMessage(port: number, host: string): string {
  const holder = portHolder(port);
  return [
    `Tidings cannot listen on ${host}:${port}: the port is already in use${holder ? ` by ${holder}` : ' (by a process this user cannot see)'}.`,
    holder
      ? `Stop that process, or choose another port: PORT=${port + 1} npm start (or set PORT in .env).`
      : `Choose another port: PORT=${port + 1} npm start (or set PORT in .env).`,
  ].join('\n');
}
