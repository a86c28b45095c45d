/**
 * scanJsonRpc (operators/json-scanner.ts) against what the bridge does today to validate a
 * message and learn its id: decode the bytes to a string, then JSON.parse it.
 *
 *  - 64 MiB messages: a result whose text is ASCII without escapes, a mixed text (ASCII words,
 *    accents, CJK, emoji, JSON escapes `\n \" \\ \u00e9`), and a structure-heavy one (many small
 *    objects, the scanner's worst case); each as one array and as 16 KiB segments (as SSE events
 *    hold them). MB/s by wall time and by CPU time, medians of RUNS.
 *  - The size threshold: the time per message from 128 B to 4 MiB, to find where the scanner
 *    starts to beat decode + JSON.parse.
 *
 * Run: `npx tsc -p tsconfig.json && node --expose-gc dist/bench/json-scanner.bench.js`
 * (`ONLY=threshold` for the second part alone, `RUNS=n` to change the repetitions).
 */
import { scanJsonRpc } from '../operators/json-scanner';
import { MiB, mbPerSecond, median, round, timeMs } from './lib/measure';

const RUNS = Number(process.env.RUNS ?? 7);
const BIG = 64 * MiB;
const SEGMENT = 16 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A deterministic PRNG (mulberry32), so that every run scans the same bytes. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces of string content as they appear in JSON (escapes written out). */
const MIXED_PIECES = ['the quick brown fox ', 'jumps over ', 'café ', 'naïve ', 'Zürich ', '日本語のテキスト', '中文字符', '😀', '🎉 ', '\\n', '\\"', '\\\\', '\\u00e9', '\\t', 'résumé ', 'ok '];

/** JSON string content of about `bytes` bytes: a 64 KiB block repeated (whole pieces, so it stays valid). */
function content(bytes: number, pieces: readonly string[], seed: number): Uint8Array {
  const next = random(seed);
  let block = '';
  while (block.length < 64 * 1024) block += pieces[Math.floor(next() * pieces.length)];
  const unit = encoder.encode(block);
  const out = new Uint8Array(Math.floor(bytes / unit.length) * unit.length || unit.length);
  for (let at = 0; at < out.length; at += unit.length) out.set(unit.subarray(0, Math.min(unit.length, out.length - at)), at);
  return out;
}

function resultMessage(text: Uint8Array): Uint8Array {
  const prefix = encoder.encode('{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"');
  const suffix = encoder.encode('"}],"isError":false}}');
  const out = new Uint8Array(prefix.length + text.length + suffix.length);
  out.set(prefix);
  out.set(text, prefix.length);
  out.set(suffix, prefix.length + text.length);
  return out;
}

/** A tools/list-like result: many small objects with short strings and numbers. */
function structuredMessage(bytes: number): Uint8Array {
  const next = random(7);
  const tools: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const tool = JSON.stringify({
      name: `tool_${i}`,
      description: 'Searches the index — résumé',
      inputSchema: { type: 'object', properties: { q: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: Math.floor(next() * 1000) } }, required: ['q'] },
      annotations: { readOnlyHint: next() < 0.5, score: next() },
    });
    tools.push(tool);
    size += tool.length + 1;
  }
  return encoder.encode(`{"jsonrpc":"2.0","id":2,"result":{"tools":[${tools.join(',')}]}}`);
}

function segments(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

type Method = { name: string; run: (bytes: Uint8Array, parts: Uint8Array[]) => unknown };
const METHODS: Method[] = [
  { name: 'scanJsonRpc (one array)', run: (bytes) => check(scanJsonRpc(bytes)) },
  { name: 'scanJsonRpc (16 KiB segments)', run: (_bytes, parts) => check(scanJsonRpc(parts)) },
  { name: 'Buffer.toString + JSON.parse', run: (bytes) => JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')) },
  { name: 'TextDecoder + JSON.parse', run: (bytes) => JSON.parse(decoder.decode(bytes)) },
];

function check(result: ReturnType<typeof scanJsonRpc>): unknown {
  if (!result.ok) throw new Error(result.message);
  return result;
}

/**
 * Wall time and CPU time (user + system, all threads) of one run. The CPU figure is steadier on a
 * shared machine (other processes only lengthen the wall time); it also bills JSON.parse for the
 * GC threads its garbage keeps busy, which is a cost the bridge pays too.
 */
function timeRun(run: () => void): { wall: number; cpu: number } {
  const cpuStart = process.cpuUsage();
  const wall = timeMs(run);
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

function throughput(label: string, bytes: Uint8Array): void {
  const parts = segments(bytes, SEGMENT);
  console.log(`\n${label}: ${round(bytes.length / MiB)} MiB`);
  console.log('| method | MB/s wall (median) | min..max | MB/s CPU time (median) |');
  console.log('|---|---:|---|---:|');
  for (const method of METHODS) {
    method.run(bytes, parts); // warm-up
    const times = Array.from({ length: RUNS }, () => timeRun(() => method.run(bytes, parts)));
    const wall = times.map((t) => mbPerSecond(bytes.length, t.wall));
    const cpu = times.map((t) => mbPerSecond(bytes.length, t.cpu));
    console.log(`| ${method.name} | ${round(median(wall), 0)} | ${round(Math.min(...wall), 0)}..${round(Math.max(...wall), 0)} | ${round(median(cpu), 0)} |`);
  }
}

/** Microseconds of CPU time per message, repeated for at least ~150 ms (CPU time: see timeRun). */
function perMessage(run: () => unknown): number {
  let count = 0;
  const start = process.cpuUsage();
  let elapsed = 0;
  do {
    for (let i = 0; i < 16; i++) run();
    count += 16;
    const used = process.cpuUsage(start);
    elapsed = used.user + used.system;
  } while (elapsed < 150_000);
  return elapsed / count;
}

function threshold(label: string, make: (bytes: number) => Uint8Array): void {
  console.log(`\nThreshold, ${label}: µs of CPU time per message (median of 5)`);
  console.log('| size | scanJsonRpc | TextDecoder + JSON.parse | Buffer.toString + JSON.parse | scanner / decode+parse |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const size of [128, 512, 2048, 8192, 32768, 131072, 524288, 4 * MiB]) {
    const bytes = make(size);
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const times = [
      () => check(scanJsonRpc(bytes)),
      () => JSON.parse(decoder.decode(bytes)),
      () => JSON.parse(buffer.toString('utf8')),
    ].map((run) => median([perMessage(run), perMessage(run), perMessage(run), perMessage(run), perMessage(run)]));
    const [scan, decodeParse, bufferParse] = times as [number, number, number];
    console.log(`| ${bytes.length} B | ${round(scan, 2)} | ${round(decodeParse, 2)} | ${round(bufferParse, 2)} | ${round(scan / decodeParse, 2)} |`);
  }
}

function small(text: Uint8Array, bytes: number): Uint8Array {
  return resultMessage(text.subarray(0, lastWholePiece(text, bytes)));
}
/** A cut of mixed content that falls on a piece boundary (`content` blocks start with whole pieces). */
function lastWholePiece(text: Uint8Array, bytes: number): number {
  let at = Math.min(bytes, text.length);
  // Back to a plain ASCII letter or space not inside an escape or a multi-byte sequence.
  while (at > 0 && !(text[at - 1]! === 0x20 && text[at - 2] !== 0x5c)) at--;
  return at;
}

function main(): void {
  console.log(`node ${process.version}, ${RUNS} runs per case`);
  const ascii = resultMessage(content(BIG, ['the quick brown fox jumps over the lazy dog '], 1));
  const mixed = resultMessage(content(BIG, MIXED_PIECES, 2));
  const structured = structuredMessage(BIG);
  for (const [name, bytes] of [['ascii', ascii], ['mixed', mixed], ['structured', structured]] as const) {
    if (!scanJsonRpc(bytes).ok) throw new Error(`${name}: the scanner rejects the payload`);
    JSON.parse(decoder.decode(bytes));
  }
  if (process.env.ONLY !== 'threshold') {
    throughput('ASCII text result, no escapes', ascii);
    throughput('Mixed text result (ASCII, accents, CJK, emoji, escapes)', mixed);
    throughput('Structure-heavy result (tools/list-like objects)', structured);
  }
  const mixedText = content(8 * MiB, MIXED_PIECES, 3);
  threshold('mixed text result', (bytes) => small(mixedText, bytes));
  threshold('structure-heavy result', (bytes) => structuredMessage(bytes));
}

main();
