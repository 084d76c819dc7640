// Drop optional platform packages that the package registry here does not carry from package-lock.json.
// Without this, `npm ci` refuses the lock ("Missing: … from lock file") because msgpackr-extract names
// prebuilt binaries for other platforms that `npm install` could not resolve. Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
let pruned = 0;
for (const entry of Object.values(lock.packages)) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (!lock.packages[`node_modules/${name}`]) {
      delete entry.optionalDependencies[name];
      pruned++;
    }
  }
}
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: pruned ${pruned} optional dependencies that are not in the lock`);
