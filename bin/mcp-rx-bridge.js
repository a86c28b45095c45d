#!/usr/bin/env node
'use strict';
// Entry point of the package bin: the compiled CLI (npm's `prepare` builds dist/ on install).
const { main } = require('../dist/src/cli.js');
main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err) => process.stderr.write(`mcp-rx-bridge: ${(err && err.message) || String(err)}\n`, () => process.exit(1)),
);
