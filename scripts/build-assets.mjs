#!/usr/bin/env node
// Builds the browser assets into dist/web/ with esbuild: every entry point is listed here, once.
// Output names are stable (the pages add a content hash as a query: src/api/static-assets.ts).
// Then the operator's dashboard (web/dashboard/, a React single-page app) into dist/dashboard/ with
// Vite: hashed file names, served by src/api/dashboard-routes.ts under /dashboard/.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';

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

const dashboardRoot = fileURLToPath(new URL('../web/dashboard/', import.meta.url));
await viteBuild({
  // Everything is said here: no vite.config file is looked for.
  configFile: false,
  root: dashboardRoot,
  base: '/dashboard/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/dashboard/', import.meta.url)),
    emptyOutDir: true,
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    // The page's Content-Security-Policy allows no inline script: the preload helper is not inlined.
    modulePreload: { polyfill: false },
    // Everything small stays a file too (no data: scripts or fonts in the bundle).
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
});
console.log('dashboard: dist/dashboard/');
