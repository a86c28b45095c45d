#!/usr/bin/env node
'use strict';
// Entry point of the package bin: the CLI bundled into one file (dist/cli.bundle.js, built by
// scripts/bundle-cli.mjs: less to load at start-up), else the compiled modules (dist/src/cli.js).
// npm's `prepare` builds both on install from git.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'cli.bundle.js');
const { main } = require(existsSync(bundle) ? bundle : '../dist/src/cli.js');
main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err) => process.stderr.write(`mcp-rx-bridge: ${(err && err.message) || String(err)}\n`, () => process.exit(1)),
);
