#!/usr/bin/env node
// Builds the browser assets into dist/web/ with esbuild: every entry point is listed here, once.
// Output names are stable (the pages add a content hash as a query: src/api/static-assets.ts).
// The dashboard's component framework will be another entry point of this same build.
import { rmSync } from 'node:fs';
import * as esbuild from 'esbuild';

const ENTRY_POINTS = [
  { in: 'web/checkout/main.ts', out: 'checkout' },
  { in: 'web/checkout/checkout.css', out: 'checkout' },
];

const outdir = 'dist/web';
rmSync(outdir, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: ENTRY_POINTS,
  outdir,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  // Browsers of the last few years, phones included; nothing to polyfill for them.
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
const outputs = Object.keys(result.metafile.outputs).filter((file) => !file.endsWith('.map'));
console.log(`assets: ${outputs.join(', ')}`);
