/**
 * Throughput of the stream operators, in one process, each case repeated (median reported):
 *  - `decodeUtf8()+parseSse()` vs eventsource-parser behind a streaming TextDecoder, on the same
 *    bytes in 16 KiB chunks: many ~200-byte JSON-RPC progress events (64 MiB), and one 64 MiB event;
 *  - `decodeUtf8()+splitLines()` on one long line of 8, 64 and 500 MiB: ms/MB must stay flat
 *    (a quadratic join would show up as ms/MB growing with the size).
 *
 * Run: `npx tsc -p . && node --expose-gc dist/bench/operators.bench.js`. Prints a markdown table
 * and writes bench/results/operators.json. Other scripts can call `runOperatorBench()`.
 *
 * Why 500 MiB and not 512: the line is one JS string, and V8's longest string is 2^29 - 24
 * UTF-16 units (just under 512 Mi), so a 512 MiB line cannot exist.
 */
import { createParser } from 'eventsource-parser';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { from } from 'rxjs';
import { decodeUtf8, parseSse, splitLines } from '../operators';
import { repeatedChunks, sliceChunks } from './lib/chunks';
import { MiB, mbPerSecond, median, msPerMb, round, timeMs } from './lib/measure';

const CHUNK_BYTES = 16 * 1024;
const SSE_BYTES = 64 * MiB;
const LONG_LINE_MIB = [8, 64, 500];
/**
 * ms/MB of every long-line size must stay within this fraction of the smallest size's. Before
 * splitLines folded its fragments into 1 Mi blocks (operators/text-accumulator.ts) the 8 MiB line
 * came out ~45 % cheaper than the 64 MiB one: its 16 KiB chunk strings fitted in V8's young
 * generation, while bigger lines were copied to the old one by the scavenger.
 */
const FLAT_TOLERANCE = 0.2;

export interface SseShapeResult {
  shape: 'small-events' | 'one-large-event';
  bytes: number;
  events: number;
  /** Medians, MB/s (1 MB = 2^20 bytes). */
  oursMBps: number;
  eventsourceParserMBps: number;
  /** ours / eventsource-parser: above 1 means we are faster. */
  speedRatio: number;
  runs: { oursMBps: number[]; eventsourceParserMBps: number[] };
}

export interface LongLineResult {
  sizeMiB: number;
  msPerMb: number;
  runsMsPerMb: number[];
  /** Relative change of ms/MB against the smallest size. */
  deviation: number;
}

export interface Result {
  node: string;
  cpu: string;
  date: string;
  runs: number;
  chunkBytes: number;
  sse: SseShapeResult[];
  longLine: {
    sizes: LongLineResult[];
    flatWithin: number;
    flat: boolean;
    /** ms/MB change between the two largest sizes, where young-generation effects no longer apply. */
    lastStepChange: number;
  };
}

/** What a parser saw: compared between the two parsers, so a fast but wrong run cannot pass. */
interface Tally {
  events: number;
  dataChars: number;
}

function oursSse(chunks: Iterable<Uint8Array>): Tally {
  const tally: Tally = { events: 0, dataChars: 0 };
  let failure: unknown;
  from(chunks)
    .pipe(decodeUtf8(), parseSse())
    .subscribe({
      next: (event) => {
        tally.events++;
        tally.dataChars += event.data.length;
      },
      // Rethrown after subscribe returns: RxJS would report a throw from here asynchronously.
      error: (err: unknown) => (failure = err),
    });
  if (failure !== undefined) throw failure;
  return tally;
}

function eventsourceParserSse(chunks: Iterable<Uint8Array>): Tally {
  const tally: Tally = { events: 0, dataChars: 0 };
  const parser = createParser({
    onEvent: (event) => {
      tally.events++;
      tally.dataChars += event.data.length;
    },
  });
  const decoder = new TextDecoder();
  for (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) parser.feed(text);
  }
  const tail = decoder.decode();
  if (tail.length > 0) parser.feed(tail);
  return tally;
}

/** ~200-byte MCP progress notifications as a Streamable HTTP server sends them: whole events, up to `total` bytes. */
function progressEvents(total: number): Uint8Array {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; ; i++) {
    const message = {
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 'req-42', progress: i, total: 400000, message: `Indexed src/module-${i}/index.ts` },
    };
    const event = `event: message\nid: ${i}\ndata: ${JSON.stringify(message)}\n\n`;
    if (size + event.length > total) break; // no open event at the end: eventsource-parser would drop it
    parts.push(event);
    size += event.length; // ASCII: characters are bytes
  }
  return new TextEncoder().encode(parts.join(''));
}

function benchSseShape(shape: SseShapeResult['shape'], chunks: () => Iterable<Uint8Array>, bytes: number, runs: number): SseShapeResult {
  const expected = oursSse(chunks());
  const reference = eventsourceParserSse(chunks());
  if (expected.events !== reference.events || expected.dataChars !== reference.dataChars) {
    throw new Error(`${shape}: parsers disagree: ours ${JSON.stringify(expected)}, eventsource-parser ${JSON.stringify(reference)}`);
  }
  // One more untimed run each: both still speed up over their first runs as V8 re-optimises.
  oursSse(chunks());
  eventsourceParserSse(chunks());
  const ours: number[] = [];
  const theirs: number[] = [];
  // Interleaved, and in alternating order, so that drift (load, heap growth) hits both alike.
  for (let run = 0; run < runs; run++) {
    const timeOurs = () => ours.push(mbPerSecond(bytes, timeMs(() => oursSse(chunks()))));
    const timeTheirs = () => theirs.push(mbPerSecond(bytes, timeMs(() => eventsourceParserSse(chunks()))));
    if (run % 2 === 0) {
      timeOurs();
      timeTheirs();
    } else {
      timeTheirs();
      timeOurs();
    }
  }
  const oursMBps = median(ours);
  const eventsourceParserMBps = median(theirs);
  return {
    shape,
    bytes,
    events: expected.events,
    oursMBps: round(oursMBps),
    eventsourceParserMBps: round(eventsourceParserMBps),
    speedRatio: round(oursMBps / eventsourceParserMBps, 2),
    runs: { oursMBps: ours.map((v) => round(v)), eventsourceParserMBps: theirs.map((v) => round(v)) },
  };
}

/** One line of `sizeMiB` MiB of ASCII plus its LF, through decodeUtf8+splitLines; returns ms/MB. */
function longLineRun(sizeMiB: number): number {
  const bytes = sizeMiB * MiB;
  let lineLength = -1;
  const ms = timeMs(() => {
    from(repeatedChunks({ totalBytes: bytes + 1, chunkSize: CHUNK_BYTES, fillByte: 0x61, suffix: Uint8Array.of(0x0a) }))
      .pipe(decodeUtf8(), splitLines())
      .subscribe((line) => (lineLength = line.length));
  });
  if (lineLength !== bytes) throw new Error(`long line of ${sizeMiB} MiB came out as ${lineLength} characters`);
  return msPerMb(bytes, ms);
}

function benchSse(runs: number): SseShapeResult[] {
  const events = progressEvents(SSE_BYTES);
  return [
    benchSseShape('small-events', () => sliceChunks(events, CHUNK_BYTES), events.length, runs),
    benchSseShape(
      'one-large-event',
      () =>
        repeatedChunks({
          totalBytes: SSE_BYTES,
          chunkSize: CHUNK_BYTES,
          fillByte: 0x78,
          prefix: new TextEncoder().encode('data: '),
          suffix: new TextEncoder().encode('\n\n'),
        }),
      SSE_BYTES,
      runs,
    ),
  ];
}

function benchLongLines(runs: number): Array<{ sizeMiB: number; runsMsPerMb: number[] }> {
  const measured: Array<{ sizeMiB: number; runsMsPerMb: number[] }> = [];
  for (const sizeMiB of LONG_LINE_MIB) {
    // Two untimed runs at the same size: JIT warm-up, and the first run at a new size also pays
    // for growing the heap.
    longLineRun(sizeMiB);
    longLineRun(sizeMiB);
    const runsMsPerMb: number[] = [];
    for (let run = 0; run < runs; run++) runsMsPerMb.push(longLineRun(sizeMiB));
    measured.push({ sizeMiB, runsMsPerMb });
  }
  return measured;
}

export async function runOperatorBench(options: { runs?: number } = {}): Promise<Result> {
  const runs = options.runs ?? 5;
  // Long lines first, on a heap the SSE phase has not grown and fragmented: the 500 MiB runs
  // were bimodal (2.7 or 3.5 ms/MB) when they came after it.
  const measured = benchLongLines(runs);
  const sse = benchSse(runs);
  const baseline = median(measured[0].runsMsPerMb);
  const sizes = measured.map(({ sizeMiB, runsMsPerMb }) => {
    const value = median(runsMsPerMb);
    return { sizeMiB, msPerMb: round(value, 3), runsMsPerMb: runsMsPerMb.map((v) => round(v, 3)), deviation: round(value / baseline - 1, 3) };
  });
  return {
    node: process.version,
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} (${os.cpus().length} cores)`,
    date: new Date().toISOString(),
    runs,
    chunkBytes: CHUNK_BYTES,
    sse,
    longLine: {
      sizes,
      flatWithin: FLAT_TOLERANCE,
      flat: sizes.every((s) => Math.abs(s.deviation) <= FLAT_TOLERANCE),
      lastStepChange: round(sizes[sizes.length - 1].msPerMb / sizes[sizes.length - 2].msPerMb - 1, 3),
    },
  };
}

const sizeAt = (result: Result, at: number): number => result.longLine.sizes[result.longLine.sizes.length + at].sizeMiB;
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

export function renderMarkdown(result: Result): string {
  const shapes = { 'small-events': 'many small events (~200 B JSON-RPC progress)', 'one-large-event': 'one 64 MiB `data:` event' };
  const lines = [
    `Operators bench: Node ${result.node}, ${result.cpu}, ${result.chunkBytes / 1024} KiB chunks, median of ${result.runs} runs (1 MB = 2^20 bytes).`,
    '',
    '| SSE workload | input | events | decodeUtf8+parseSse | eventsource-parser + TextDecoder | ours / theirs |',
    '|---|---:|---:|---:|---:|---:|',
    ...result.sse.map(
      (s) =>
        `| ${shapes[s.shape]} | ${round(s.bytes / MiB)} MiB | ${s.events} | ${s.oursMBps} MB/s | ${s.eventsourceParserMBps} MB/s | ${s.speedRatio.toFixed(2)}x |`,
    ),
    '',
    '| decodeUtf8+splitLines, one line | ms/MB | vs smallest | runs (ms/MB) |',
    '|---:|---:|---:|---|',
    ...result.longLine.sizes.map((s) => `| ${s.sizeMiB} MiB | ${s.msPerMb.toFixed(3)} | ${pct(s.deviation)} | ${s.runsMsPerMb.join(', ')} |`),
    '',
    `ms/MB flat within ±${result.longLine.flatWithin * 100}% of the smallest size: ${result.longLine.flat ? 'yes' : 'no'}; ` +
      `${sizeAt(result, -2)} to ${sizeAt(result, -1)} MiB: ${pct(result.longLine.lastStepChange)}.`,
  ];
  return lines.join('\n');
}

/** Writes `result` to bench/results/operators.json at the repository root (this file runs from dist/bench/). */
export function writeResult(result: Result, file = path.resolve(__dirname, '..', '..', 'bench', 'results', 'operators.json')): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}

if (require.main === module) {
  runOperatorBench()
    .then((result) => {
      console.log(renderMarkdown(result));
      console.log(`\nJSON written to ${path.relative(process.cwd(), writeResult(result))}`);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
