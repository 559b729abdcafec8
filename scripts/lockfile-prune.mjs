// The registry mirror these machines use serves only the linux builds of a few native packages
// (@swc/core-*, @unrs/resolver-binding-*). `npm install` skips the missing optional platform builds,
// but then `npm ci` rejects the lockfile as out of sync. This drops optional dependencies that have no
// entry in the lockfile, so `npm ci` works. Run it after `npm install` changes the lockfile.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const present = new Set(Object.keys(lock.packages).map((key) => key.replace(/^.*node_modules\//, '')));
let pruned = 0;
for (const entry of Object.values(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    if (!present.has(name)) {
      delete entry.optionalDependencies[name];
      pruned++;
    }
  }
}
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`lockfile: pruned ${pruned} unavailable optional dependencies`);
