#!/usr/bin/env node
// The CLI as one file: esbuild bundles src/cli.ts with everything it imports (rxjs, axios, ...)
// into dist/cli.bundle.js (CommonJS, Node 20), which bin/mcp-rx-bridge.js runs when present. One
// file instead of ~400 modules is less to resolve, read and compile at start-up; whitespace and
// syntax are minified, names are kept (readable stack traces), and dist/cli.bundle.js.map maps
// back to the TypeScript and the dependencies' sources.
//
// What a bridge rarely needs is not evaluated at start-up:
//  - parts of our own code behind a `require()` inside the function that needs them (the demo
//    server, OAuth's oauth4webapi): esbuild keeps such a module's initialisation lazy;
//  - Node's https/tls (src/http/agents.ts: the https agent is made on the first https request),
//    zlib (src/http/node-http-adapter.ts: the first compressed answer), crypto and fs/promises
//    (src/auth: OAuth, DPoP, a stored record), each required where it is used;
//  - in axios (still the HTTP library): its Node adapter imports form-data (only for FormData
//    bodies, which the bridge never sends), follow-redirects (only with maxRedirects > 0: the
//    bridge follows redirects itself) and https-proxy-agent (only with a proxy) at the top of the
//    module. The LAZY shims below stand in for them and require the real package on first use, so
//    a proxy or a FormData body still works as before, it is only loaded then. The adapter itself
//    (with its own https and zlib imports) is evaluated on its first request, and crypto (for
//    form-data boundaries) loaded on first use, the same way.
// `node scripts/bundle-cli.mjs --analyze` prints what the bundle is made of.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.find((a) => a.startsWith('--outfile='));
const outfile = outArg ? outArg.slice('--outfile='.length) : join(root, 'dist', 'cli.bundle.js');

/**
 * Modules replaced by a shim that loads the real one on first use, for the importers matched by
 * `from` only (the shim's own require() of the real module is bundled, or is Node's, as usual).
 */
const LAZY = {
  // axios/lib/platform/node/classes/FormData.js: \`export default FormData\` (the form-data class).
  'form-data': {
    from: /[\\/]node_modules[\\/]axios[\\/]/,
    shim: `
      let real;
      const load = () => (real ??= require('node:module').createRequire(require.resolve('axios'))('form-data'));
      class FormData {
        constructor(...args) { return new (load())(...args); }
        static [Symbol.hasInstance](value) { return real !== undefined && value instanceof real; }
      }
      module.exports = FormData;`,
  },
  // axios/lib/adapters/http.js: \`const { http: httpFollow, https: httpsFollow } = followRedirects\`.
  'follow-redirects': {
    from: /[\\/]node_modules[\\/]axios[\\/]/,
    shim: `
      let real;
      const load = () => (real ??= require('node:module').createRequire(require.resolve('axios'))('follow-redirects'));
      const lazy = (scheme) => ({
        request: (...args) => load()[scheme].request(...args),
        get: (...args) => load()[scheme].get(...args),
      });
      module.exports = { http: lazy('http'), https: lazy('https') };`,
  },
  // axios/lib/adapters/http.js: \`new HttpsProxyAgent(...)\` for HTTPS through a proxy.
  'https-proxy-agent': {
    from: /[\\/]node_modules[\\/]axios[\\/]/,
    shim: `
      let real;
      const load = () => (real ??= require('https-proxy-agent'));
      function HttpsProxyAgent(...args) { const Real = load(); return new (Real.default ?? Real)(...args); }
      module.exports = HttpsProxyAgent;
      module.exports.default = HttpsProxyAgent;`,
  },
  // axios' HTTP/2 transport (only with --http2): http2.connect() and http2.constants, both in functions.
  http2: {
    from: /[\\/]node_modules[\\/]axios[\\/]/,
    shim: `
      const load = () => require('node:http2');
      module.exports = { connect: (...args) => load().connect(...args), get constants() { return load().constants; } };`,
  },
  // axios/lib/adapters/adapters.js: \`import httpAdapter from './http.js'\`, axios' Node adapter,
  // which the bridge uses only with a proxy or --http2 (else src/http/node-http-adapter.ts). Its
  // module imports https (so tls and crypto), zlib and the shims above at the top and builds
  // its helpers (Http2Sessions, AxiosTransformStream, form data streams) when evaluated: the
  // shim stands in for its default export, and the module (now reached by require() only, which
  // esbuild evaluates on the first call) is evaluated on the first request through it. With the
  // crypto and https changes beside it (LAZY crypto, src/http/agents.ts), a plain-http bridge
  // idles 1.4 MiB lower (48.7 -> 47.3 MiB) and answers initialize 10-16 ms sooner (medians of
  // 20 interleaved spawns, three rounds, bench/mock-server). \`false\` where axios would export it (no process), as the real module does.
  './http.js': {
    from: /[\\/]node_modules[\\/]axios[\\/]lib[\\/]adapters[\\/]adapters\.js$/,
    shim: `
      let real;
      const load = () => (real ??= require('./http.js').default);
      function httpAdapter(config) { return load()(config); }
      module.exports = typeof process !== 'undefined' && Object.prototype.toString.call(process) === '[object process]' && httpAdapter;`,
  },
  // axios/lib/platform/node/index.js: \`import crypto from 'crypto'\`, for crypto.randomFillSync()
  // in generateString (form-data boundaries) only. Node's crypto is ~15 modules (~5 ms, 0.6 MiB).
  crypto: {
    from: /[\\/]node_modules[\\/]axios[\\/]lib[\\/]platform[\\/]/,
    shim: `
      module.exports = { randomFillSync: (...args) => require('node:crypto').randomFillSync(...args) };`,
  },
  // The OAuth token store's file lock (graceful-fs, signal-exit, retry): only when a token is saved.
  'proper-lockfile': {
    from: /[\\/]src[\\/]auth[\\/]/,
    shim: `
      const load = () => require('proper-lockfile');
      for (const name of ['lock', 'unlock', 'check', 'lockSync', 'unlockSync', 'checkSync']) {
        exports[name] = (...args) => load()[name](...args);
      }`,
  },
  // --auth-command and opening a browser for OAuth sign-in: only when used.
  'node:child_process': {
    from: /[\\/]src[\\/]auth[\\/]/,
    shim: `
      const load = () => require('node:child_process');
      for (const name of ['spawn', 'exec', 'execFile']) exports[name] = (...args) => load()[name](...args);`,
  },
};

const lazyPlugin = {
  name: 'lazy-optional',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(LAZY).map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => {
      if (args.namespace === 'lazy-optional' || !LAZY[args.path].from.test(args.importer)) return undefined;
      // The real module is resolved from where the importer would resolve it (it may be nested).
      return { path: args.path, namespace: 'lazy-optional', pluginData: { resolveDir: args.resolveDir } };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-optional' }, (args) => ({ contents: LAZY[args.path].shim, loader: 'js', resolveDir: args.pluginData.resolveDir }));
  },
};

/**
 * Two statements of axios that reach for Node's fetch globals when the module is evaluated, which
 * loads Node's bundled undici (about 12 MiB of RSS and 90 ms on the machine of the bench) although
 * the bridge never uses fetch: the FormData constructor looked up at load (now on the first
 * isFormData() call with a value), and the default export of the fetch adapter (a fetch adapter
 * built at load; nothing in the bundle imports that default: adapters.js calls getFetch() when
 * the 'fetch' adapter is chosen). Each edit must match exactly, or the build fails.
 */
const AXIOS_EDITS = {
  'lib/utils.js': [
    [
      "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;",
      "let FormDataCtor; // looked up on first use (scripts/bundle-cli.mjs)",
    ],
    [
      'if (FormDataCtor && thing instanceof FormDataCtor) return true;',
      "if (FormDataCtor === undefined) FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : null;\n  if (FormDataCtor && thing instanceof FormDataCtor) return true;",
    ],
  ],
  'lib/adapters/fetch.js': [['const adapter = getFetch();\n\nexport default adapter;', 'export default undefined; // not built at load (scripts/bundle-cli.mjs)']],
};

const axiosEditsPlugin = {
  name: 'axios-edits',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]axios[\\/]lib[\\/](utils|adapters[\\/]fetch)\.js$/ }, async (args) => {
      const key = Object.keys(AXIOS_EDITS).find((k) => args.path.replace(/\\/g, '/').endsWith(`/axios/${k}`));
      if (key === undefined) return undefined;
      let text = await readFile(args.path, 'utf8');
      for (const [from, to] of AXIOS_EDITS[key]) {
        if (text.split(from).length !== 2) throw new Error(`bundle-cli: axios/${key} changed: expected once: ${from}`);
        text = text.replace(from, to);
      }
      return { contents: text, loader: 'js' };
    });
  },
};

/**
 * rxjs' "node" export is its CommonJS build, whose index loads every operator; its ES2015 build
 * (the same code, "sideEffects": false) lets esbuild keep only what the bridge uses.
 */
const rxjsEsmPlugin = {
  name: 'rxjs-esm',
  setup(b) {
    b.onResolve({ filter: /^rxjs(\/operators)?$/ }, (args) => ({
      path: join(root, 'node_modules', 'rxjs', 'dist', 'esm', args.path === 'rxjs' ? 'index.js' : 'operators/index.js'),
    }));
  },
};

const analyze = process.argv.includes('--analyze');
const result = await build({
  entryPoints: [join(root, 'src', 'cli.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: false,
  // Identifiers are not minified, so functions keep their source names without esbuild's
  // keepNames (which wraps every function expression in a __name() call, per-request closures
  // included). A name esbuild changes to avoid a clash between modules gets a numeric suffix.
  keepNames: false,
  // dist/cli.bundle.js.map, for `node --enable-source-maps` runs from the work tree: not linked
  // from the bundle nor packed (it points into node_modules/, which a package does not ship; the
  // kept names make stack traces readable without it, and dist/src/cli.js has maps of its own).
  sourcemap: 'external',
  sourcesContent: false,
  legalComments: 'eof',
  tsconfig: join(root, 'tsconfig.json'),
  metafile: true,
  logLevel: 'warning',
  // require.resolve('axios') in the shims is meant to run at run time (where axios' own deps are).
  logOverride: { 'require-resolve-not-external': 'silent' },
  // Loaded only on first use (see LAZY and src/auth/oauth-lib.ts), from the installed packages as
  // dist/src does: not in the file that every start reads and keeps in memory.
  external: ['oauth4webapi', 'proper-lockfile', 'form-data', 'follow-redirects'],
  plugins: [lazyPlugin, axiosEditsPlugin, rxjsEsmPlugin],
  banner: { js: '// mcp-rx-bridge CLI, bundled by scripts/bundle-cli.mjs from src/cli.ts (see cli.bundle.js.map)' },
});
if (analyze) {
  writeFileSync(join(root, 'dist', 'cli.bundle.meta.json'), JSON.stringify(result.metafile));
  const { analyzeMetafile } = await import('esbuild');
  process.stdout.write(await analyzeMetafile(result.metafile, { verbose: false }));
}
const bytes = Object.entries(result.metafile.outputs).find(([name]) => name.endsWith('.js'))[1].bytes;
process.stdout.write(`bundle-cli: ${outfile.startsWith(root) ? outfile.slice(root.length + 1) : outfile} written (${(bytes / 1024).toFixed(0)} KiB)\n`);
