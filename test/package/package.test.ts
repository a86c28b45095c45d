import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, posix, relative } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitFor } from '../helpers/wait';
import { startMcpServer, TEXT, type TestMcpServer } from './support/mcp-server';
import { boundNames, readmeLines, specifierOf } from './support/readme';

/**
 * The package as people install it, never the source tree: `npm pack` (of the dist/ that `npm run
 * build` made), then the tarball installed into fresh projects with the README's install line.
 * - The tarball: `npm publish --dry-run` is clean and ships what users need and nothing else;
 *   @arethetypeswrong/cli finds the types of every entry in every resolution mode.
 * - A Node project: every `require` and `import` line of the README, run as written; the library
 *   against a loopback server; the CLI through the installed bin.
 * - An Angular 21 app (test/package/angular-app plus the README's service, verbatim, and the
 *   README's browser import lines): built by the Angular CLI's application builder without a
 *   CommonJS warning, served, and driven in Debian's headless Chromium against a CORS-enabled
 *   Streamable HTTP endpoint: progress arrives before the result, removing an async pipe's view
 *   aborts the call upstream.
 * Angular and its toolchain are installed from the npm registry into the temporary app, pinned to
 * 21 (the last major that supports Node 20). KEEP_PACKAGE_TEST=1 keeps the temporary folder.
 */

const ROOT = join(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
};
const README = readmeLines(join(ROOT, 'README.md'));
const timings: Record<string, number> = {};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a user's shell: none of the npm script variables of this repo's `npm test`. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(lifecycle|package)_|^npm_config_local_prefix$|^INIT_CWD$/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', NG_CLI_ANALYTICS: 'false', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}

/** Runs a command without blocking the event loop (the loopback servers live in this process). */
function run(command: string, args: string[], options: { cwd: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? userEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${command} ${args.join(' ')}\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

async function mustRun(command: string, args: string[], options: Parameters<typeof run>[2]): Promise<Run> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings[label] = Date.now() - started;
  }
}

/** The README's install line, as written, with the package name standing for the packed tarball. */
function installFromReadme(cwd: string, tarball: string): Promise<Run> {
  const line = README.install.replace(/mcp-rx-bridge$/, `'${tarball}'`);
  return mustRun('sh', ['-c', line], { cwd, env: userEnv({ npm_config_prefer_offline: 'true' }), timeoutMs: 600_000 });
}

/** Every file path named in the exports map (all conditions). */
function exportTargets(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (node && typeof node === 'object') return Object.values(node).flatMap(exportTargets);
  return [];
}

const clean = (path: string) => posix.normalize(path.replace(/^\.\//, ''));

let work: string;
let tarball: string;
let mcp: TestMcpServer;
let angularReady: Promise<AngularApp>;

beforeAll(async () => {
  for (const built of ['dist/src/index.js', 'dist/src/cli.js', 'dist/esm/src/browser.js', 'dist/esm/operators/index.js']) {
    if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first (npm test does)`);
  }
  work = mkdtempSync(join(tmpdir(), 'mcp-rx-bridge-package-'));
  // dist/ is what `npm run build` (pretest) made; packing must not rebuild it under other suites.
  const packed = await timed('npm pack', () => mustRun('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT }));
  tarball = join(work, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename);
  mcp = await startMcpServer();
  // The Angular app installs and builds while the Node checks run.
  angularReady = prepareAngular();
  angularReady.catch(() => undefined);
}, 300_000);

afterAll(async () => {
  await mcp?.close();
  if (work && !process.env['KEEP_PACKAGE_TEST']) rmSync(work, { recursive: true, force: true });
  const total = Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`);
  console.log(`package test timings: ${total.join(', ')}`);
});

describe('the tarball', () => {
  test('npm publish --dry-run is clean and ships what users need, nothing else', async () => {
    const published = await timed('npm publish --dry-run', () => mustRun('npm', ['publish', '--dry-run', '--ignore-scripts', '--json'], { cwd: ROOT }));
    // Without credentials npm says it would need a login; any other warning is the package's.
    const warnings = published.stderr.split('\n').filter((l) => /\bwarn\b/i.test(l) && !/requires you to be logged in/.test(l));
    expect(warnings).toEqual([]);
    const report = (JSON.parse(published.stdout) as Record<string, { files: Array<{ path: string }> }>)[PKG.name]!;
    const files = new Set(report.files.map((f) => f.path));

    const needed = [
      'package.json',
      'README.md',
      'CHANGELOG.md',
      clean(PKG.main),
      clean(PKG.types),
      ...Object.values(PKG.bin).map(clean),
      ...exportTargets(PKG.exports).map(clean),
      ...Object.values(PKG.typesVersions['*']!).flat().map(clean),
      'dist/esm/package.json',
    ];
    expect(needed.filter((f) => !files.has(f))).toEqual([]);

    const unwanted = [...files].filter((f) =>
      /^(test|marble-tests|bench|docs|scripts|coverage|node_modules|\.ci|dist\/bench)\/|^(tsconfig.*\.json|jest\.config\.js|package-lock\.json)$|\.tgz$|\.test\.[jt]s$/.test(f),
    );
    expect(unwanted).toEqual([]);

    // Source maps ship with the sources they point at; every sourceMappingURL names a shipped map.
    const broken: string[] = [];
    for (const file of files) {
      if (file.endsWith('.js.map')) {
        const map = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as { sources: string[] };
        for (const source of map.sources) {
          const target = posix.join(posix.dirname(file), source);
          if (!files.has(target)) broken.push(`${file} -> ${target}`);
        }
      } else if (file.endsWith('.js')) {
        const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(ROOT, file), 'utf8'))?.[1];
        if (url && !files.has(posix.join(posix.dirname(file), url))) broken.push(`${file} -> ${url}`);
      }
    }
    expect(broken).toEqual([]);
  }, 120_000);

  test('@arethetypeswrong/cli: the types of every entry resolve, in every resolution mode', async () => {
    const attw = join(ROOT, 'node_modules', '.bin', 'attw');
    const checked = await timed('attw', () => run(attw, [tarball, '--format', 'json'], { cwd: ROOT }));
    const report = JSON.parse(checked.stdout) as { analysis: { entrypoints: Record<string, unknown>; problems?: unknown[] }; problems?: unknown };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(['.', './browser', './operators', './package.json']);
    expect(report.analysis.problems ?? []).toEqual([]);
    expect(checked.code).toBe(0);
  }, 120_000);
});

describe('a Node project (npm install of the tarball)', () => {
  let app: string;

  beforeAll(async () => {
    app = join(work, 'node-app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'node-app', version: '1.0.0', private: true }, null, 2));
    await timed('node app: npm install', () => installFromReadme(app, tarball));
  }, 600_000);

  test("the README's require() and import lines, run as written, load every entry", async () => {
    // Each line in a module of its own, exporting the names it binds; one script loads them all.
    const modules: Array<{ file: string; line: string; names: string[] }> = [];
    [...README.nodeRequire, ...README.nodeImport].forEach((line, i) => {
      const names = boundNames(line);
      const cjs = line.includes('require(');
      const file = `readme-${i}.${cjs ? 'cjs' : 'mjs'}`;
      writeFileSync(join(app, file), `${line}\n${cjs ? 'module.exports =' : 'export default'} { ${names.join(', ')} };\n`);
      modules.push({ file, line, names });
    });
    writeFileSync(
      join(app, 'load-all.mjs'),
      `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const modules = ${JSON.stringify(modules)};
const out = [];
for (const m of modules) {
  const loaded = m.file.endsWith('.cjs') ? require('./' + m.file) : (await import('./' + m.file)).default;
  out.push({ line: m.line, types: Object.fromEntries(m.names.map((n) => [n, typeof loaded[n]])) });
  globalThis[m.file] = loaded;
}
// One copy whichever way it is loaded: require and import give the same functions.
const same = (a, b, name) => globalThis[a][name] === globalThis[b][name];
const files = modules.map((m) => m.file);
const pairs = [];
for (const a of modules) for (const b of modules) {
  if (a.file < b.file) for (const name of a.names.filter((n) => b.names.includes(n))) pairs.push({ a: a.line, b: b.line, name, same: same(a.file, b.file, name) });
}
console.log(JSON.stringify({ out, pairs, files }));
`,
    );
    const result = await mustRun(process.execPath, ['load-all.mjs'], { cwd: app });
    const { out, pairs } = JSON.parse(result.stdout) as { out: Array<{ line: string; types: Record<string, string> }>; pairs: Array<{ same: boolean }> };
    expect(out.map((o) => o.line)).toEqual([...README.nodeRequire, ...README.nodeImport]);
    for (const o of out) expect({ line: o.line, types: o.types }).toEqual({ line: o.line, types: Object.fromEntries(Object.keys(o.types).map((n) => [n, 'function'])) });
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.filter((p) => !p.same)).toEqual([]);
    // Every entry, both ways (the README lines cover '.' and './operators'; './browser' here).
    const entries = await mustRun(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
const result = {};
for (const entry of ['mcp-rx-bridge', 'mcp-rx-bridge/browser', 'mcp-rx-bridge/operators']) {
  const viaRequire = require(entry);
  const viaImport = await import(entry);
  result[entry] = { require: typeof viaRequire.parseSse, import: typeof viaImport.parseSse, client: typeof viaImport.createMcpHttpClient, same: viaRequire.parseSse === viaImport.parseSse };
}
result.version = require('mcp-rx-bridge/package.json').version;
console.log(JSON.stringify(result));`,
      ],
      { cwd: app },
    );
    expect(JSON.parse(entries.stdout)).toEqual({
      'mcp-rx-bridge': { require: 'function', import: 'function', client: 'function', same: true },
      'mcp-rx-bridge/browser': { require: 'function', import: 'function', client: 'function', same: true },
      'mcp-rx-bridge/operators': { require: 'function', import: 'function', client: 'undefined', same: true },
      version: PKG.version,
    });
  }, 60_000);

  test('the library in Node streams a tool call from a loopback server (progress, then the result)', async () => {
    writeFileSync(
      join(app, 'library.mjs'),
      `import { createMcpHttpClient } from 'mcp-rx-bridge';
import { lastValueFrom, toArray } from 'rxjs';
const client = createMcpHttpClient({ url: process.argv[2] });
await lastValueFrom(client.request({ method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'node-app', version: '1.0.0' } } }));
await lastValueFrom(client.notify({ method: 'notifications/initialized' }), { defaultValue: undefined });
const messages = await lastValueFrom(client.request({ method: 'tools/call', params: { name: 'quick', arguments: {}, _meta: { progressToken: 'quick' } } }).pipe(toArray()));
await client.close();
console.log(JSON.stringify(messages));
`,
    );
    const result = await mustRun(process.execPath, ['library.mjs', mcp.url], { cwd: app, timeoutMs: 30_000 });
    const messages = JSON.parse(result.stdout) as Array<{ id?: unknown; method?: string; result?: unknown }>;
    expect(messages).toEqual([
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'quick', progress: 1, message: TEXT } },
      { jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: `quick: ${TEXT}` }] } },
    ]);
  }, 60_000);

  test('the CLI through the installed bin: --version, and a request over stdio', async () => {
    const version = await mustRun('npx', ['--no-install', 'mcp-rx-bridge', '--version'], { cwd: app });
    expect(version.stdout.trim()).toBe(PKG.version);

    const input = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'host', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'quick', arguments: {}, _meta: { progressToken: 'quick' } } },
    ]
      .map((m) => JSON.stringify(m) + '\n')
      .join('');
    const bridged = await mustRun('npx', ['--no-install', 'mcp-rx-bridge', '--url', mcp.url, '--quiet'], { cwd: app, input, timeoutMs: 30_000 });
    const lines = bridged.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id?: number; method?: string });
    expect(lines.map((l) => l.id ?? l.method)).toEqual([1, 'notifications/progress', 2]);
    expect(lines[2]).toEqual({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: `quick: ${TEXT}` }] } });
    expect(bridged.stderr).toBe('');
  }, 60_000);
});

interface AngularApp {
  dir: string;
  buildOutput: string;
  browserDir: string;
}

/** Copies the fixture, adds the README's service and import lines, installs, builds with `ng build`. */
async function prepareAngular(): Promise<AngularApp> {
  const dir = join(work, 'angular-app');
  cpSync(join(__dirname, 'angular-app'), dir, { recursive: true });
  writeFileSync(join(dir, 'src', 'app', 'mcp.service.ts'), README.angularService);
  const readmeDir = join(dir, 'src', 'app', 'readme');
  mkdirSync(readmeDir);
  const entries = README.browserImport.map((line, i) => {
    writeFileSync(join(readmeDir, `import-${i}.ts`), `${line}\n\nexport const names: Record<string, unknown> = { ${boundNames(line).join(', ')} };\n`);
    return `  { line: ${JSON.stringify(line)}, specifier: ${JSON.stringify(specifierOf(line))}, names: names${i} },`;
  });
  writeFileSync(
    join(readmeDir, 'index.ts'),
    README.browserImport.map((_, i) => `import { names as names${i} } from './import-${i}';\n`).join('') +
      `\n/** The README's browser import lines, each bundled in a module of its own. */\nexport const readmeImports = [\n${entries.join('\n')}\n];\n`,
  );
  await timed('angular app: npm install', () => installFromReadme(dir, tarball));
  const ng = join(dir, 'node_modules', '.bin', 'ng');
  const built = await timed('angular app: ng build', () => mustRun(ng, ['build'], { cwd: dir, env: userEnv({ CI: 'true' }), timeoutMs: 600_000 }));
  return { dir, buildOutput: built.stdout + built.stderr, browserDir: join(dir, 'dist', 'app', 'browser') };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** A static server over the build output (unknown paths get index.html, as an SPA host does). */
async function serveStatic(root: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    if (relative(root, file).startsWith('..') || !existsSync(file) || !extname(file)) file = join(root, 'index.html');
    res.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe('an Angular 21 app (Angular CLI application builder, headless Chromium)', () => {
  let app: AngularApp;
  let site: { url: string; server: Server };
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const text = (selector: string) => page.locator(selector).textContent().then((t) => (t ?? '').trim());

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) await mustRun(join(ROOT, 'scripts', 'ensure-chromium.sh'), [], { cwd: ROOT, timeoutMs: 600_000 });
    app = await angularReady;
    site = await serveStatic(app.browserDir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    await page.goto(`${site.url}?mcp=${encodeURIComponent(mcp.url)}`);
    // Rendered once the app initializer (the README service's initialize()) has completed.
    await page.locator('#status').waitFor({ timeout: 30_000 });
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    site?.server.close();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  test('the Angular CLI builds it with no CommonJS warning (the ES module build is what it bundles)', () => {
    expect(app.buildOutput).not.toMatch(/CommonJS|AMD dependenc|not ESM|optimization bailout/i);
    expect(app.buildOutput).not.toMatch(/\bWARNING\b|▲/);
    expect(readdirSync(app.browserDir).some((f) => /^main-\w+\.js$/.test(f))).toBe(true);
    // Nothing of the Node build came along: its transport is axios' http adapter on node:http.
    const bundle = readdirSync(app.browserDir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(app.browserDir, f), 'utf8'))
      .join('\n');
    expect(bundle).not.toMatch(/node:http|require\("http"\)/);
  });

  test("the browser entries' declarations type-check on their own: no Node types needed, even with skipLibCheck off", async () => {
    writeFileSync(
      join(app.dir, 'src', 'browser-types.ts'),
      "import { createMcpHttpClient, parseSse, type McpHttpClient } from 'mcp-rx-bridge/browser';\n" +
        "import { splitLines } from 'mcp-rx-bridge/operators';\n" +
        "export const all: [(o: { url: string }) => McpHttpClient, unknown, unknown] = [createMcpHttpClient, parseSse, splitLines];\n",
    );
    // The app's own compiler settings (types: [], bundler resolution), with library checking on.
    writeFileSync(
      join(app.dir, 'tsconfig.lib-check.json'),
      JSON.stringify({ extends: './tsconfig.json', compilerOptions: { skipLibCheck: false, noEmit: true }, files: ['src/browser-types.ts'] }),
    );
    const tsc = join(app.dir, 'node_modules', '.bin', 'tsc');
    const checked = await run(tsc, ['-p', 'tsconfig.lib-check.json'], { cwd: app.dir });
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  }, 60_000);

  test("the README service's handshake ran before the app rendered", async () => {
    expect(await text('#status')).toBe('ready');
    expect(mcp.methods.slice(mcp.methods.indexOf('initialize'))).toEqual(expect.arrayContaining(['initialize', 'notifications/initialized']));
  });

  test("the README's browser import lines bundle, and 'mcp-rx-bridge' is the browser build there", async () => {
    const seen = await page.evaluate(() =>
      (window as unknown as { readmeImports: Array<{ line: string; specifier: string; names: Record<string, unknown> }> }).readmeImports.map((i) => ({
        line: i.line,
        types: Object.fromEntries(Object.entries(i.names).map(([k, v]) => [k, typeof v])),
      })),
    );
    expect(seen.map((s) => s.line)).toEqual(README.browserImport);
    for (const s of seen) expect(Object.values(s.types).every((t) => t === 'function')).toBe(true);
    // The same function object from 'mcp-rx-bridge' and 'mcp-rx-bridge/browser' (one module).
    const same = await page.evaluate(() => {
      const imports = (window as unknown as { readmeImports: Array<{ specifier: string; names: Record<string, unknown> }> }).readmeImports;
      const byEntry = (s: string) => imports.find((i) => i.specifier === s)?.names['createMcpHttpClient'];
      return byEntry('mcp-rx-bridge') !== undefined && byEntry('mcp-rx-bridge') === byEntry('mcp-rx-bridge/browser');
    });
    expect(same).toBe(true);
  });

  test('progress notifications arrive before the result is sent, then the result, then completion', async () => {
    await page.click('#slow');
    await page.locator('#messages li').first().waitFor({ timeout: 15_000 });
    const slow = mcp.calls.find((c) => c.name === 'slow')!;
    // The server holds the result back: what the page shows came incrementally.
    expect(slow.resultSent).toBe(false);
    expect(await text('#completed')).toBe('no');
    mcp.release();
    await page.locator('#completed', { hasText: 'yes' }).waitFor({ timeout: 15_000 });
    const shown = (await page.locator('#messages li').allTextContents()).map((t) => JSON.parse(t) as unknown);
    expect(shown).toEqual([
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'slow', progress: 1, message: TEXT } },
      { jsonrpc: '2.0', id: slow.id, result: { content: [{ type: 'text', text: `slow: ${TEXT}` }] } },
    ]);
  });

  test("removing the async pipe's view unsubscribes, which aborts the call upstream and sends notifications/cancelled", async () => {
    await page.click('#show');
    await waitFor(() => (mcp.calls.find((c) => c.name === 'forever')?.progressSent ?? 0) >= 2, "two progress events of 'forever'", 15_000);
    expect(await text('#result')).toBe('waiting');
    const forever = mcp.calls.find((c) => c.name === 'forever')!;
    expect(forever.closed).toBe(false);
    await page.click('#hide');
    await waitFor(() => forever.closed, 'the server to see the stream aborted', 15_000);
    await waitFor(() => mcp.cancelled.length > 0, 'notifications/cancelled', 15_000);
    expect(mcp.cancelled).toEqual([{ requestId: forever.id, reason: 'unsubscribed' }]);
  });
});
