/**
 * Summarises a V8 `.cpuprofile` (as written by `node --cpu-prof`): self time per function, with
 * positions mapped back to the TypeScript sources through the compiled files' source maps.
 *
 *   node dist/bench/cpuprofile.js <file.cpuprofile> [top]
 */
import * as fs from 'node:fs';
import { SourceMap } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  function: string;
  /** file:line (1-based), in the TypeScript source when a source map says so. */
  location: string;
  selfMs: number;
  selfPct: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Samples of the idle loop, the GC and the (program) pseudo-frames. */
  idleMs: number;
  gcMs: number;
  top: HotSpot[];
  /** Self time per source file (dependency files grouped by package). */
  byFile: Array<{ file: string; selfMs: number; selfPct: number }>;
  /** Inclusive (self + callees) time of this project's own functions (src/, operators/). */
  ownInclusive: Array<{ function: string; location: string; totalMs: number; totalPct: number }>;
}

const maps = new Map<string, SourceMap | null>();

function sourceMapFor(file: string): SourceMap | null {
  if (maps.has(file)) return maps.get(file)!;
  let map: SourceMap | null = null;
  try {
    const mapFile = `${file}.map`;
    if (fs.existsSync(mapFile)) map = new SourceMap(JSON.parse(fs.readFileSync(mapFile, 'utf8')));
  } catch {
    map = null;
  }
  maps.set(file, map);
  return map;
}

const root = path.resolve(__dirname, '..', '..');

function locate(frame: CallFrame): string {
  if (!frame.url) return '(native)';
  let file = frame.url;
  try {
    if (file.startsWith('file://')) file = fileURLToPath(file);
  } catch {
    /* keep the url */
  }
  const map = path.isAbsolute(file) ? sourceMapFor(file) : null;
  if (map) {
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number };
    if (entry && entry.originalSource) {
      let source = entry.originalSource;
      try {
        if (source.startsWith('file://')) source = fileURLToPath(source);
      } catch {
        /* keep it */
      }
      const abs = path.isAbsolute(source) ? source : path.resolve(path.dirname(file), source);
      return `${path.relative(root, abs)}:${(entry.originalLine ?? 0) + 1}`;
    }
  }
  const rel = path.isAbsolute(file) ? path.relative(root, file) : file;
  return `${rel}:${frame.lineNumber + 1}`;
}

function fileGroup(location: string): string {
  const file = location.replace(/:\d+$/, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = file.slice(nm + 'node_modules/'.length).split('/');
    return `node_modules/${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  return file;
}

export function summarizeCpuProfile(file: string, topN = 15): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) byId.set(node.id, node);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const totalUs = profile.endTime - profile.startTime;
  let idleUs = 0;
  let gcUs = 0;
  const perFunction = new Map<string, HotSpot & { us: number }>();
  const perFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)' || frame.functionName === '(root)') {
      idleUs += us;
      continue;
    }
    if (frame.functionName === '(garbage collector)') gcUs += us;
    const location = frame.functionName === '(garbage collector)' ? '(gc)' : locate(frame);
    const name = frame.functionName || '(anonymous)';
    const key = `${name}@${location}`;
    const spot = perFunction.get(key) ?? { function: name, location, selfMs: 0, selfPct: 0, us: 0 };
    spot.us += us;
    perFunction.set(key, spot);
    const group = fileGroup(location);
    perFile.set(group, (perFile.get(group) ?? 0) + us);
  }
  const pct = (us: number) => Number(((100 * us) / totalUs).toFixed(1));
  // Inclusive time per function of our own sources; a recursive function is counted once per stack.
  const children = new Map<number, number[]>();
  for (const node of profile.nodes) children.set(node.id, node.children ?? []);
  const totalOf = new Map<number, number>();
  const total = (id: number): number => {
    const cached = totalOf.get(id);
    if (cached !== undefined) return cached;
    let us = selfUs.get(id) ?? 0;
    for (const child of children.get(id) ?? []) us += total(child);
    totalOf.set(id, us);
    return us;
  };
  const inclusive = new Map<string, { function: string; location: string; us: number }>();
  const walk = (id: number, onStack: Set<string>) => {
    const frame = byId.get(id)!.callFrame;
    let key: string | undefined;
    if (frame.url && !frame.url.includes('node_modules') && !frame.url.startsWith('node:')) {
      const location = locate(frame);
      if (/^(src|operators)\//.test(location)) {
        key = `${frame.functionName || '(anonymous)'}@${location}`;
        if (!onStack.has(key)) {
          const entry = inclusive.get(key) ?? { function: frame.functionName || '(anonymous)', location, us: 0 };
          entry.us += total(id);
          inclusive.set(key, entry);
        } else key = undefined;
      }
    }
    if (key) onStack.add(key);
    for (const child of children.get(id) ?? []) walk(child, onStack);
    if (key) onStack.delete(key);
  };
  const rootNode = profile.nodes[0];
  if (rootNode) walk(rootNode.id, new Set());
  const ownInclusive = [...inclusive.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, topN)
    .map((e) => ({ function: e.function, location: e.location, totalMs: Number((e.us / 1000).toFixed(1)), totalPct: pct(e.us) }));
  const top = [...perFunction.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, topN)
    .map(({ us, ...spot }) => ({ ...spot, selfMs: Number((us / 1000).toFixed(1)), selfPct: pct(us) }));
  const byFile = [...perFile.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([f, us]) => ({ file: f, selfMs: Number((us / 1000).toFixed(1)), selfPct: pct(us) }));
  return { file, totalMs: Number((totalUs / 1000).toFixed(1)), idleMs: Number((idleUs / 1000).toFixed(1)), gcMs: Number((gcUs / 1000).toFixed(1)), top, byFile, ownInclusive };
}

export function renderSummary(summary: ProfileSummary): string {
  const lines = [
    `Profile ${path.basename(summary.file)}: ${summary.totalMs} ms wall, idle/program ${summary.idleMs} ms, GC ${summary.gcMs} ms`,
    '',
    '| self ms | self % | function | location |',
    '|---:|---:|---|---|',
    ...summary.top.map((s) => `| ${s.selfMs} | ${s.selfPct} | \`${s.function}\` | ${s.location} |`),
    '',
    '| self ms | self % | file / package |',
    '|---:|---:|---|',
    ...summary.byFile.map((f) => `| ${f.selfMs} | ${f.selfPct} | ${f.file} |`),
    '',
    '| total ms | total % | own function (inclusive) | location |',
    '|---:|---:|---|---|',
    ...summary.ownInclusive.map((e) => `| ${e.totalMs} | ${e.totalPct} | \`${e.function}\` | ${e.location} |`),
  ];
  return lines.join('\n');
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/cpuprofile.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(renderSummary(summarizeCpuProfile(file, top ? Number(top) : 15)));
}
