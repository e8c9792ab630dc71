#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled library (npm install builds it).
import('../dist/cli/main.js').then((cli) => cli.main(process.argv.slice(2)));
