#!/usr/bin/env node
// Before the CommonJS build: removes outputs in dist/src, dist/operators and dist/bench whose
// TypeScript source is gone (tsc never deletes them), so a renamed or removed module is neither
// packed nor shipped with a source map pointing at a missing file. Outputs of existing sources stay
// in place, so tests running from dist/ meanwhile keep working.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = /\.(?:d\.ts|js\.map|js)$/;
let removed = 0;

function prune(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      continue;
    }
    if (!OUTPUT.test(name)) continue;
    const source = join(root, relative(join(root, 'dist'), path)).replace(OUTPUT, '.ts');
    if (!existsSync(source)) {
      rmSync(path);
      removed++;
    }
  }
}

for (const top of ['src', 'operators', 'bench']) {
  const dir = join(root, 'dist', top);
  if (existsSync(dir)) prune(dir);
}
if (removed > 0) process.stdout.write(`prune-dist: removed ${removed} outputs of deleted sources\n`);
