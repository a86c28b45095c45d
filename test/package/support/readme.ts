import { readFileSync } from 'node:fs';

/**
 * The install and import lines of README.md, sorted by where the package test runs them. Every
 * line of the README that imports or requires the package must land in exactly one group, so a
 * line added to the README without a test that runs it fails the test.
 */
export interface ReadmeLines {
  /** `npm install mcp-rx-bridge`, as written. */
  install: string;
  /** `const { … } = require('mcp-rx-bridge…');` lines (```js blocks): Node, CommonJS. */
  nodeRequire: string[];
  /** `import { … } from 'mcp-rx-bridge…';` lines of ```js blocks: Node, ES modules. */
  nodeImport: string[];
  /** Import lines of ```ts blocks made only of imports: bundled for the browser (Angular app). */
  browserImport: string[];
  /** The Angular service block, whole (it becomes the test app's mcp.service.ts). */
  angularService: string;
  /** Every line of the README that loads the package, wherever it is. */
  all: string[];
}

const LOADS_PACKAGE = /(?:\brequire\(|\bfrom\s+)'mcp-rx-bridge(?:\/[\w-]+)?'/;

interface Block {
  lang: string;
  lines: string[];
}

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) blocks.push({ lang: m[1]!, lines: m[2]!.replace(/\n$/, '').split('\n') });
  return blocks;
}

export function readmeLines(path: string): ReadmeLines {
  const markdown = readFileSync(path, 'utf8');
  const blocks = codeBlocks(markdown);
  const installs = blocks.flatMap((b) => b.lines).filter((l) => /^npm install mcp-rx-bridge$/.test(l.trim()));
  if (installs.length !== 1) throw new Error(`README: expected one "npm install mcp-rx-bridge" line, found ${installs.length}`);
  const services = blocks.filter((b) => b.lang === 'ts' && b.lines.some((l) => l.includes('@Injectable')));
  if (services.length !== 1) throw new Error(`README: expected one Angular service block, found ${services.length}`);
  const lines: ReadmeLines = {
    install: installs[0]!.trim(),
    nodeRequire: [],
    nodeImport: [],
    browserImport: [],
    angularService: services[0]!.lines.join('\n') + '\n',
    all: markdown.split('\n').filter((l) => LOADS_PACKAGE.test(l)),
  };
  for (const block of blocks) {
    const loading = block.lines.filter((l) => LOADS_PACKAGE.test(l));
    if (loading.length === 0 || block === services[0]) continue;
    if (block.lang === 'js') {
      for (const line of loading) (line.includes('require(') ? lines.nodeRequire : lines.nodeImport).push(line);
    } else if (block.lang === 'ts' && block.lines.every((l) => LOADS_PACKAGE.test(l) && l.startsWith('import '))) {
      lines.browserImport.push(...loading);
    }
  }
  const covered = [...lines.nodeRequire, ...lines.nodeImport, ...lines.browserImport, ...services[0]!.lines.filter((l) => LOADS_PACKAGE.test(l))];
  const uncovered = lines.all.filter((l) => !covered.includes(l));
  if (uncovered.length > 0) throw new Error(`README lines that load the package but that no test runs:\n${uncovered.join('\n')}`);
  return lines;
}

/** The runtime names a README line binds: `{ a, type B, c as d }` or `{ a, b: c }` gives a, d / a, c. */
export function boundNames(line: string): string[] {
  const m = /^(?:import\s*\{([^}]*)\}\s*from|const\s*\{([^}]*)\}\s*=\s*require\()/.exec(line.trim());
  if (!m) throw new Error(`README line not of the form import { … } from / const { … } = require(…): ${line}`);
  return (m[1] ?? m[2]!)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !s.startsWith('type '))
    .map((s) => s.split(/\s+as\s+|\s*:\s*/).pop()!.trim());
}

/** The module specifier of a README line. */
export function specifierOf(line: string): string {
  return /'(mcp-rx-bridge(?:\/[\w-]+)?)'/.exec(line)![1]!;
}
