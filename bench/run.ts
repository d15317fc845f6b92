/**
 * `npm run bench [-- <name>…]`: runs every benchmark (bench/<name>.ts or bench/<name>/index.ts), one process each,
 * one after the other (these machines have two cores; benches running side by side would measure each other).
 * With names, runs only those. Each bench prints its own figures as ratios measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const benches = readdirSync(here)
  .flatMap((e) => {
    const p = join(here, e);
    if (statSync(p).isDirectory()) return existsSync(join(p, 'index.ts')) ? [{ name: e, file: join(p, 'index.ts') }] : [];
    return e.endsWith('.ts') && e !== 'run.ts' ? [{ name: e.slice(0, -3), file: p }] : [];
  })
  .sort((a, b) => a.name.localeCompare(b.name));

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
const selected = wanted.length ? benches.filter((b) => wanted.includes(b.name)) : benches;
if (wanted.length && selected.length !== wanted.length) {
  console.error(`unknown bench: ${wanted.filter((w) => !benches.some((b) => b.name === w)).join(', ')}; have ${benches.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const b of selected) {
  console.log(`\n=== bench ${b.name}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', b.file, ...extra], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
