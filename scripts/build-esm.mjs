#!/usr/bin/env node
// The ES module build for bundlers (browsers, Angular): tsconfig.esm.json compiles src/browser.ts
// and operators/index.ts (with everything they import) to dist/esm/; then every relative import in
// the emitted .js and .d.ts files is made fully specified ('./x' -> './x.js', './dir' ->
// './dir/index.js'), as ES modules require in Node and in strict bundlers (webpack's
// fullySpecified), and dist/esm/package.json marks the folder as ESM ("type": "module").
// The CommonJS build (tsconfig.json: dist/src, dist/operators, dist/bench) is untouched.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'esm');

rmSync(out, { recursive: true, force: true }); // no stale modules from renamed sources
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
// Type errors fail the build (as tsc fails the CommonJS one), after the files it emitted are fixed.
let tscStatus = 0;
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.esm.json')], { stdio: 'inherit', cwd: root });
} catch (err) {
  tscStatus = err.status ?? 1;
}

/** Relative specifiers after `from`, in `import(...)` and in bare `import '...'`. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}(?:\/[^'"\n]*)?)\2/g;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const problems = [];
let rewritten = 0;
for (const file of walk(out)) {
  const declaration = file.endsWith('.d.ts');
  if (!declaration && !file.endsWith('.js')) continue;
  const ext = declaration ? '.d.ts' : '.js';
  const text = readFileSync(file, 'utf8');
  const next = text.replace(SPECIFIER, (whole, lead, quote, spec) => {
    if (spec.endsWith('.js')) return whole;
    const target = resolve(dirname(file), spec);
    let fixed;
    if (existsSync(target + ext)) fixed = `${spec}.js`;
    else if (existsSync(join(target, 'index' + ext))) fixed = `${spec.replace(/\/$/, '')}/index.js`;
    else {
      problems.push(`${relative(root, file)}: cannot resolve '${spec}'`);
      return whole;
    }
    rewritten++;
    return `${lead}${quote}${fixed}${quote}`;
  });
  if (!declaration && /\brequire\s*\(|\b__dirname\b|\bfrom\s*['"]node:/.test(next)) {
    problems.push(`${relative(root, file)}: uses require, __dirname or a node: built-in (the ESM build is for browsers)`);
  }
  if (next !== text) writeFileSync(file, next);
}
if (problems.length > 0) {
  process.stderr.write(`build-esm: ${problems.join('\n  ')}\n`);
  process.exit(1);
}
writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module', sideEffects: false }, null, 2) + '\n');
process.stdout.write(`build-esm: dist/esm written, ${rewritten} relative imports made fully specified\n`);
process.exit(tscStatus);
