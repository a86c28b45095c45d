/**
 * Imports point one way: `cli → bridge → (session, http, stdio) → core → operators` (the README's
 * layout). Each folder has a rank; a file may import from its own folder or from a folder of a
 * lower rank, never sideways or upward, and no files form a cycle. The ranks below are the rule
 * itself: moving a folder means changing them here, on purpose.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Rank of each unit (a folder under src/, a file directly in src/, or operators/). */
const RANKS: Record<string, number> = {
  operators: 0,
  'src/core': 1,
  'src/log': 2,
  'src/util': 2,
  'src/version.ts': 2,
  'src/http': 3,
  'src/stdio': 3,
  'src/protocol': 3,
  'src/session': 4,
  'src/auth': 4,
  'src/config': 5,
  'src/bridge': 5,
  'src/translate': 5,
  'src/client': 5,
  'src/demo': 5,
  'src/cli.ts': 6,
  'src/index.ts': 6,
  'src/browser.ts': 6,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path.split(sep).join('/')] : [];
  });
}

/** The unit a file belongs to: `src/<folder>`, a file directly in src/, or `operators`. */
function unitOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'operators') return 'operators';
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : file;
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|require\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function importsOf(file: string, known: Set<string>): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const targets: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = (m[1] ?? m[2] ?? m[3])!;
    const base = normalize(join(dirname(file), spec)).split(sep).join('/');
    const target = [base, `${base}.ts`, `${base}/index.ts`].find((candidate) => known.has(candidate));
    if (target !== undefined) targets.push(target);
    else targets.push(`unresolved:${base}`);
  }
  return targets;
}

const files = [...sourceFiles('src'), ...sourceFiles('operators')];
const known = new Set(files);
const graph = new Map(files.map((f) => [f, importsOf(f, known)]));

describe('dependency direction', () => {
  test('every source file belongs to a ranked unit', () => {
    expect(files.map(unitOf).filter((unit) => RANKS[unit] === undefined)).toEqual([]);
  });

  test('every relative import resolves to a source file', () => {
    const unresolved = [...graph].flatMap(([file, targets]) => targets.filter((t) => t.startsWith('unresolved:')).map((t) => `${file} -> ${t}`));
    expect(unresolved).toEqual([]);
  });

  test('no import goes sideways or upward', () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      const from = unitOf(file);
      for (const target of targets) {
        const to = unitOf(target);
        if (to !== from && !(RANKS[to]! < RANKS[from]!)) violations.push(`${file} (${from}, rank ${RANKS[from]}) -> ${target} (${to}, rank ${RANKS[to]})`);
      }
    }
    expect(violations).toEqual([]);
  });

  test('no file cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
        else if (!state.has(next) && graph.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  test('operators/ and core/ import no Node built-in (they run in browsers too)', () => {
    const nodeImports = files
      .filter((f) => unitOf(f) === 'operators' || unitOf(f) === 'src/core')
      .filter((f) => /from\s*['"](node:[^'"]+|fs|http|https|net|stream|buffer|child_process)['"]/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(nodeImports).toEqual([]);
  });

  test('the check sees the tree it guards', () => {
    // A check that silently read nothing could not fail.
    expect(files.length).toBeGreaterThan(50);
    expect(relative(ROOT, join(ROOT, 'src'))).toBe('src');
    expect([...graph.values()].flat().length).toBeGreaterThan(100);
  });
});
