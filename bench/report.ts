/** Renders the end-to-end bench results: a markdown report and a hand-written SVG chart. */
import type { MachineInfo } from './stats';

export type TargetName = 'direct' | 'minimal relay' | 'this bridge' | 'mcp-remote' | 'supergateway';

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

export interface LatencyRow extends Percentiles {
  target: TargetName;
  kind: 'json' | 'sse';
  /** Over direct HTTP, same kind (ms); undefined for direct itself. */
  overheadP50?: number;
  overheadP99?: number;
  runs: Percentiles[];
  note?: string;
}

export interface ThroughputRow {
  target: TargetName;
  requests: number;
  /** Median over rounds. */
  rps: number;
  /** rps / direct rps at the same request count. */
  vsDirect?: number;
  /** TCP connections opened (max over rounds): for a bridge, over its whole life (initialize included). */
  connections: number;
  /** Most sockets open at once during the burst (max over rounds). */
  peakOpenSockets: number;
  /** Distinct sockets the burst's requests were sent on (max over rounds). */
  requestSockets: number;
  runs: number[];
  /** CPU time (user + system) the bridge process used per request during the burst, µs. */
  cpuUsPerRequest?: number;
  errors: number;
  note?: string;
}

export interface StreamRow {
  target: TargetName;
  workload: 'message' | 'events';
  /** 'ascii': runs of 'x'; 'mixed': 1- to 4-byte UTF-8 characters and JSON escapes (mock-server.ts). */
  text: 'ascii' | 'mixed';
  bytes: number;
  mbps?: number;
  runs: number[];
  /** VmHWM of the bridge process, MiB (max over rounds), and its RSS after initialize. */
  peakRssMiB?: number;
  idleRssMiB?: number;
  /** CPU time (user + system) the bridge process used per MB streamed, ms. */
  cpuMsPerMb?: number;
  forwardedEvents?: number;
  expectedEvents?: number;
  finished: boolean;
  note?: string;
}

/** Spawn to the first initialize answer, and RSS (bench/startup.ts); medians of `runs` spawns. */
export interface StartupRow {
  target: TargetName;
  runs: number;
  startMs: number;
  rssAtAnswerMiB: number;
  idleRssMiB: number;
  startMsRuns: number[];
  idleRssMiBRuns: number[];
  note?: string;
}

/** 'one 64 MiB message' / '1024 MiB of 16 KiB events', '(mixed UTF-8)' for the mixed text. */
export function streamLabel(row: Pick<StreamRow, 'workload' | 'bytes' | 'text'>): string {
  const what = row.workload === 'message' ? `one ${row.bytes / 2 ** 20} MiB message` : `${row.bytes / 2 ** 20} MiB of 16 KiB events`;
  return row.text === 'mixed' ? `${what} (mixed UTF-8)` : what;
}

export interface ScalingRow {
  sizeMiB: number;
  msPerMb?: number;
  mbps?: number;
  deviation?: number;
  peakRssMiB?: number;
  runs: number[];
  note?: string;
}

export interface TargetCheck {
  target: string;
  goal: string;
  measured: string;
  pass: boolean;
}

export interface BenchResults {
  date: string;
  mode: 'full' | 'quick';
  machine: MachineInfo;
  durationS?: number;
  settings: Record<string, unknown>;
  latency?: { calls: number; rounds: number; rows: LatencyRow[] };
  throughput?: { concurrency: number; rounds: number; rows: ThroughputRow[] };
  streaming?: { rounds: number; peerCapS: number; rows: StreamRow[] };
  scaling?: { rows: ScalingRow[]; flatWithin: number; flat?: boolean; cap?: string };
  startup?: { runs: number; rows: StartupRow[] };
  operators?: { result?: unknown; markdown?: string; skipped?: string };
  targets?: TargetCheck[];
  notes: string[];
}

const f = (v: number | undefined, digits = 3): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const int = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : Math.round(v).toLocaleString('en-US'));
/** A note as one markdown table cell. */
const cell = (text: string | undefined): string => (text ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 240);
const signed = (v: number | undefined, digits = 3): string => (v === undefined || !Number.isFinite(v) ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`);

export function machineLine(r: BenchResults): string {
  const m = r.machine;
  const load = `load average ${m.loadAvgStart.join('/')} at start${m.loadAvgEnd ? `, ${m.loadAvgEnd.join('/')} at end` : ''}`;
  return `${r.date} · ${m.cores} cores (${m.cpu}) · Node ${m.node} · ${m.platform} · ${m.totalMemGiB} GiB RAM · ${load} · mode ${r.mode}${r.durationS ? ` · ${Math.round(r.durationS)} s` : ''}`;
}

export function renderMarkdown(r: BenchResults): string {
  const out: string[] = ['# mcp-rx-bridge end-to-end bench', '', machineLine(r), ''];
  if (r.latency) {
    out.push(
      `## Round-trip latency, sequential tools/call (ms; median over ${r.latency.rounds} round(s) of ${r.latency.calls} calls)`,
      '',
      '| target | answer | p50 | p90 | p99 | overhead p50 | overhead p99 | note |',
      '|---|---|---:|---:|---:|---:|---:|---|',
      ...r.latency.rows.map(
        (row) =>
          `| ${row.target} | ${row.kind.toUpperCase()} | ${f(row.p50)} | ${f(row.p90)} | ${f(row.p99)} | ${signed(row.overheadP50)} | ${signed(row.overheadP99)} | ${cell(row.note)} |`,
      ),
      '',
    );
  }
  if (r.throughput) {
    out.push(
      `## Pipelined throughput (all requests written to stdin at once; direct: ${r.throughput.concurrency} concurrent keep-alive loops; median of ${r.throughput.rounds})`,
      '',
      '| target | requests | req/s | vs direct | TCP connections opened (max) | peak open sockets (max) | sockets the requests used (max) | bridge CPU µs/request | errors | note |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
      ...r.throughput.rows.map(
        (row) =>
          `| ${row.target} | ${int(row.requests)} | ${int(row.rps)} | ${row.vsDirect === undefined ? '–' : `${(row.vsDirect * 100).toFixed(0)}%`} | ${int(row.connections)} | ${int(row.peakOpenSockets)} | ${int(row.requestSockets)} | ${int(row.cpuUsPerRequest)} | ${row.errors} | ${cell(row.note)} |`,
      ),
      '',
    );
  }
  if (r.streaming) {
    out.push(
      `## Streaming (SSE, 16 KiB writes; median of up to ${r.streaming.rounds}; peers capped at ${r.streaming.peerCapS} s)`,
      '',
      '| target | workload | MB/s | peak RSS (MiB) | RSS after init (MiB) | bridge CPU ms/MB | events forwarded | note |',
      '|---|---|---:|---:|---:|---:|---:|---|',
      ...r.streaming.rows.map(
        (row) =>
          `| ${row.target} | ${streamLabel(row)} | ${f(row.mbps, 1)} | ${f(row.peakRssMiB, 1)} | ${f(row.idleRssMiB, 1)} | ${f(row.cpuMsPerMb, 2)} | ${row.workload === 'events' ? `${int(row.forwardedEvents)} / ${int(row.expectedEvents)}` : '–'} | ${cell(row.note)} |`,
      ),
      '',
    );
  }
  if (r.startup) {
    out.push(
      `## Start-up (spawn to the first initialize answer on a loopback server; VmRSS then and when idle after initialized + ping + 300 ms; median of ${r.startup.runs} spawns)`,
      '',
      '| target | spawn to initialize answer (ms) | RSS at the answer (MiB) | idle RSS (MiB) | runs (ms) | note |',
      '|---|---:|---:|---:|---|---|',
      ...r.startup.rows.map(
        (row) => `| ${row.target} | ${f(row.startMs, 1)} | ${f(row.rssAtAnswerMiB, 1)} | ${f(row.idleRssMiB, 1)} | ${row.startMsRuns.map((v) => v.toFixed(0)).join(', ')} | ${cell(row.note)} |`,
      ),
      '',
    );
  }
  if (r.scaling) {
    out.push(
      `## Scaling: one SSE message through this bridge (ms/MB should stay within ±${r.scaling.flatWithin * 100}%)`,
      '',
      '| size | ms/MB | MB/s | vs smallest | peak RSS (MiB) | runs (ms/MB) | note |',
      '|---:|---:|---:|---:|---:|---|---|',
      ...r.scaling.rows.map(
        (row) =>
          `| ${row.sizeMiB} MiB | ${f(row.msPerMb)} | ${f(row.mbps, 1)} | ${row.deviation === undefined ? '–' : `${signed(row.deviation * 100, 1)}%`} | ${f(row.peakRssMiB, 1)} | ${row.runs.map((v) => v.toFixed(3)).join(', ')} | ${cell(row.note)} |`,
      ),
      '',
      ...(r.scaling.cap ? [`Cap: ${r.scaling.cap}`, ''] : []),
    );
  }
  if (r.operators) {
    out.push('## Operator micro-benchmarks', '', r.operators.markdown ?? r.operators.skipped ?? '', '');
  }
  if (r.targets) {
    out.push(
      '## Targets (this bridge)',
      '',
      '| target | goal | measured | met |',
      '|---|---|---|---|',
      ...r.targets.map((t) => `| ${t.target} | ${t.goal} | ${t.measured} | ${t.pass ? 'yes' : '**no**'} |`),
      '',
    );
  }
  if (r.notes.length > 0) out.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

// --- SVG -------------------------------------------------------------------------------------

const COLORS: Record<TargetName, string> = {
  direct: '#7f7f7f',
  'minimal relay': '#9467bd',
  'this bridge': '#1f77b4',
  'mcp-remote': '#ff7f0e',
  supergateway: '#2ca02c',
};
const SHADES = ['1', '0.7', '0.45', '0.25'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A "nice" axis maximum and step. */
function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.2 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

const tickLabel = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(v % 1000 === 0 ? 0 : 1)}k` : Number(v.toPrecision(3)).toString());

interface Bar {
  label: string;
  value: number | undefined;
  color: string;
  opacity: string;
  text?: string;
}

interface Group {
  label: string;
  bars: Bar[];
}

/** One vertical grouped bar chart in the box (x, y, w, h); `log` puts values on a log10 axis. */
function barPanel(
  x: number,
  y: number,
  w: number,
  h: number,
  title: string,
  unit: string,
  groups: Group[],
  legend: Array<{ label: string; opacity: string }>,
  log = false,
  goal?: { value: number; label: string },
): string {
  const parts: string[] = [];
  const left = 56;
  const top = 34;
  const bottom = 46;
  const plotW = w - left - 12;
  const plotH = h - top - bottom;
  const values = groups.flatMap((g) => g.bars.map((b) => b.value ?? NaN)).filter((v) => Number.isFinite(v) && v > 0);
  const px = x + left;
  const py = y + top;
  let scaleY: (v: number) => number;
  let ticks: number[];
  if (log) {
    const lo = 10 ** Math.floor(Math.log10(Math.min(...values, 1)));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(...values, lo * 10)));
    const span = Math.log10(hi) - Math.log10(lo);
    scaleY = (v) => (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / span;
    ticks = [];
    for (let d = lo; d <= hi * 1.0001; d *= 10) for (const m of [1, 2, 5]) if (d * m <= hi * 1.0001) ticks.push(d * m);
  } else {
    const { top: vmax, step } = niceScale(Math.max(...values, goal?.value ?? 0));
    scaleY = (v) => v / vmax;
    ticks = [];
    for (let v = 0; v <= vmax + step / 2; v += step) ticks.push(v);
  }
  parts.push(`<text x="${x + w / 2}" y="${y + 18}" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`);
  for (const v of ticks) {
    const yy = py + plotH - scaleY(v) * plotH;
    parts.push(`<line x1="${px}" y1="${yy.toFixed(1)}" x2="${px + plotW}" y2="${yy.toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${px - 4}" y="${(yy + 4).toFixed(1)}" text-anchor="end" font-size="10">${tickLabel(v)}</text>`);
  }
  parts.push(`<text x="${x + 12}" y="${py + plotH / 2}" font-size="11" transform="rotate(-90 ${x + 12} ${py + plotH / 2})" text-anchor="middle">${esc(unit)}${log ? ' (log scale)' : ''}</text>`);
  const groupW = plotW / Math.max(1, groups.length);
  groups.forEach((g, gi) => {
    const n = g.bars.length;
    const barW = Math.min(22, (groupW * 0.8) / Math.max(1, n));
    const gx = px + gi * groupW + (groupW - barW * n) / 2;
    g.bars.forEach((b, bi) => {
      const bx = gx + bi * barW;
      if (b.value === undefined || !Number.isFinite(b.value)) {
        parts.push(`<text x="${(bx + barW / 2).toFixed(1)}" y="${py + plotH - 4}" text-anchor="middle" font-size="9" fill="#c00">✗</text>`);
        return;
      }
      const bh = Math.max(1, scaleY(b.value) * plotH);
      const by = py + plotH - bh;
      parts.push(
        `<rect x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${bh.toFixed(1)}" fill="${b.color}" fill-opacity="${b.opacity}"><title>${esc(`${g.label} ${b.label}: ${b.text ?? b.value}`)}</title></rect>`,
      );
      parts.push(
        `<text x="${(bx + barW / 2).toFixed(1)}" y="${(by - 3).toFixed(1)}" text-anchor="middle" font-size="8" transform="rotate(-60 ${(bx + barW / 2).toFixed(1)} ${(by - 3).toFixed(1)})">${esc(b.text ?? tickLabel(b.value))}</text>`,
      );
    });
    parts.push(`<text x="${(px + gi * groupW + groupW / 2).toFixed(1)}" y="${py + plotH + 16}" text-anchor="middle" font-size="11">${esc(g.label)}</text>`);
  });
  parts.push(`<line x1="${px}" y1="${py + plotH}" x2="${px + plotW}" y2="${py + plotH}" stroke="#333"/>`);
  if (goal) {
    const gy = py + plotH - scaleY(goal.value) * plotH;
    parts.push(`<line x1="${px}" y1="${gy.toFixed(1)}" x2="${px + plotW}" y2="${gy.toFixed(1)}" stroke="#d62728" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${px + plotW - 2}" y="${(gy - 4).toFixed(1)}" text-anchor="end" font-size="10" fill="#d62728">${esc(goal.label)}</text>`);
  }
  legend.forEach((l, i) => {
    const lx = px + i * 120;
    const ly = py + plotH + 30;
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="#555" fill-opacity="${l.opacity}"/>`);
    parts.push(`<text x="${lx + 14}" y="${ly}" font-size="10">${esc(l.label)}</text>`);
  });
  return parts.join('\n');
}

export function renderSvg(r: BenchResults): string {
  const width = 1100;
  const panels: string[] = [];
  let y = 40;
  const targetsIn = (names: TargetName[]) => (Object.keys(COLORS) as TargetName[]).filter((t) => names.includes(t));
  if (r.latency) {
    for (const kind of ['json', 'sse'] as const) {
      const rows = r.latency.rows.filter((row) => row.kind === kind);
      const groups: Group[] = targetsIn(rows.map((row) => row.target)).map((t) => {
        const row = rows.find((x) => x.target === t)!;
        return {
          label: t,
          bars: (['p50', 'p90', 'p99'] as const).map((p, i) => ({ label: p, value: row[p], color: COLORS[t], opacity: SHADES[i]!, text: Number.isFinite(row[p]) ? row[p].toFixed(2) : undefined })),
        };
      });
      panels.push(
        barPanel(
          kind === 'json' ? 0 : width / 2,
          y,
          width / 2,
          300,
          `Round-trip latency, ${kind.toUpperCase()} answers`,
          'ms',
          groups,
          ['p50', 'p90', 'p99'].map((label, i) => ({ label, opacity: SHADES[i]! })),
          true,
        ),
      );
    }
    y += 310;
  }
  if (r.throughput) {
    const sizes = [...new Set(r.throughput.rows.map((row) => row.requests))].sort((a, b) => a - b);
    const groups: Group[] = targetsIn(r.throughput.rows.map((row) => row.target)).map((t) => ({
      label: t,
      bars: sizes.map((n, i) => {
        const row = r.throughput!.rows.find((x) => x.target === t && x.requests === n);
        return { label: `${n} requests`, value: row?.rps, color: COLORS[t], opacity: SHADES[i] ?? '0.5', text: row && Number.isFinite(row.rps) ? tickLabel(Math.round(row.rps)) : undefined };
      }),
    }));
    panels.push(
      barPanel(0, y, width / 2, 300, `Pipelined throughput (${r.throughput.concurrency} concurrent)`, 'requests/s', groups, sizes.map((n, i) => ({ label: `${n.toLocaleString('en-US')} requests`, opacity: SHADES[i] ?? '0.5' })), false, { value: 4000, label: 'target 4,000 req/s' }),
    );
  }
  if (r.streaming) {
    const kinds = [...new Set(r.streaming.rows.map((row) => `${row.workload}/${row.text ?? 'ascii'}`))];
    const rowOf = (t: TargetName | undefined, kind: string) => r.streaming!.rows.find((x) => (t === undefined || x.target === t) && `${x.workload}/${x.text ?? 'ascii'}` === kind);
    const groups: Group[] = targetsIn(r.streaming.rows.map((row) => row.target)).map((t) => ({
      label: t,
      bars: kinds.map((kind, i) => {
        const row = rowOf(t, kind);
        return { label: kind, value: row?.mbps, color: COLORS[t], opacity: SHADES[i] ?? '0.4', text: row?.mbps !== undefined ? row.mbps.toFixed(0) : undefined };
      }),
    }));
    const legend = kinds.map((kind, i) => {
      const row = rowOf(undefined, kind);
      return { label: row ? streamLabel(row) : kind, opacity: SHADES[i] ?? '0.4' };
    });
    panels.push(barPanel(r.throughput ? width / 2 : 0, y, width / 2, 300, 'SSE streaming (✗ = did not finish)', 'MB/s', groups, legend, false, { value: 300, label: 'target 300 MB/s' }));
  }
  if (r.throughput || r.streaming) y += 310;
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="16" font-weight="bold">mcp-rx-bridge vs peers over loopback</text>`,
    `<text x="${width / 2}" y="36" text-anchor="middle" font-size="10" fill="#555">${esc(machineLine(r))}</text>`,
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}
