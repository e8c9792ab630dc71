#!/usr/bin/env node
// Lists the licence of every package Holdfast's users receive, and flags any that Apache-2.0 code
// may not depend on or ship:
//   - the runtime dependencies, transitively: package-lock.json's production tree (every entry not
//     marked dev-only), each licence read from its package.json in node_modules/;
//   - the packages bundled into dist/web/ and dist/dashboard/ (devDependencies, shipped inside the
//     built assets): found by bundling the same entry points as scripts/build-assets.mjs with
//     esbuild, in memory, and keeping the node_modules files that contribute bytes to the output.
// Writes docs/dependencies.md, and NOTICE with the bundled packages' copyright and licence texts
// (the bundles are minified without their legal comments, so the notices travel beside them).
// Exits 1 when a licence is not on the list of those compatible with Apache-2.0.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Permissive licences (SPDX ids) whose terms Apache-2.0 code may depend on and redistribute. */
const COMPATIBLE = new Set([
  'Apache-2.0',
  'MIT',
  'MIT-0',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'Unlicense',
  'Python-2.0',
  'Zlib',
]);

/** Whether an SPDX expression such as `(MIT OR CC0-1.0)` or `MIT AND ISC` allows use under Apache-2.0. */
function compatible(expression) {
  const text = expression.replace(/[()]/g, ' ').trim();
  if (/\sOR\s/.test(text)) return text.split(/\s+OR\s+/).some((part) => compatible(part));
  if (/\sAND\s/.test(text)) return text.split(/\s+AND\s+/).every((part) => compatible(part));
  return COMPATIBLE.has(text);
}

/** The licence a package.json declares, as one SPDX expression (older forms included). */
function declaredLicense(manifest) {
  if (typeof manifest.license === 'string') return manifest.license;
  if (manifest.license && typeof manifest.license.type === 'string') return manifest.license.type;
  if (Array.isArray(manifest.licenses)) return manifest.licenses.map((l) => l.type ?? l).join(' OR ');
  return 'UNKNOWN';
}

function readManifest(packageDir) {
  return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
}

/** The runtime tree: every production entry of package-lock.json. */
function runtimePackages() {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const direct = new Set(Object.keys(lock.packages[''].dependencies ?? {}));
  const rows = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const dir = join(ROOT, path);
    const installed = existsSync(join(dir, 'package.json'));
    // Other platforms' optional binaries (esbuild's) are in the lock but not installed here.
    const license = installed ? declaredLicense(readManifest(dir)) : (entry.license ?? 'UNKNOWN');
    rows.push({
      name,
      version: entry.version,
      license,
      direct: path === `node_modules/${name}` && direct.has(name),
      installed,
      optional: !!entry.optional,
    });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** The folder of the package a bundled file belongs to: the nearest package.json with a name, below node_modules/. */
function packageDirOf(file) {
  let dir = dirname(file);
  while (dir.includes(`${sep}node_modules${sep}`)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && typeof JSON.parse(readFileSync(manifest, 'utf8')).name === 'string') return dir;
    dir = dirname(dir);
  }
  return undefined;
}

/** The packages whose code ends up in the built browser assets. */
async function bundledPackages() {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['web/checkout/main.ts', 'web/checkout/checkout.css', 'web/dashboard/src/main.tsx'],
    outdir: 'out',
    write: false,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'error',
  });
  const dirs = new Set();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput === 0 || !input.includes('node_modules/')) continue;
      const dir = packageDirOf(join(ROOT, input));
      if (dir) dirs.add(dir);
    }
  }
  return [...dirs]
    .map((dir) => {
      const manifest = readManifest(dir);
      return { name: manifest.name, version: manifest.version, license: declaredLicense(manifest), dir };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The package's licence file (and NOTICE, when it has one), as shipped in its folder. */
function licenceTexts(dir) {
  const files = readdirSync(dir).filter((f) => /^(licen[cs]e|copying|notice)(\.|-|$)/i.test(f));
  return files.sort().map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8').trim() }));
}

const runtime = runtimePackages();
const bundled = await bundledPackages();
const flagged = [...runtime, ...bundled].filter((p) => !compatible(p.license));
const count = (rows) =>
  Object.entries(rows.reduce((acc, p) => ({ ...acc, [p.license]: (acc[p.license] ?? 0) + 1 }), {}))
    .sort((a, b) => b[1] - a[1])
    .map(([license, n]) => `${license} ${n}`)
    .join(', ');

const markdown = [
  '# Dependencies and their licences',
  '',
  'Generated by `node scripts/list-licenses.mjs` from `package-lock.json` and `node_modules/`; run it again after changing',
  "a dependency and commit the result. Holdfast is Apache-2.0 ([LICENSE](../LICENSE)); a licence not on the script's list",
  'of permissive licences compatible with it is flagged below and makes the script exit with status 1.',
  '',
  flagged.length === 0
    ? '**Flagged: none.** Every licence below is compatible with Apache-2.0.'
    : `**Flagged (${flagged.length}):** ${flagged.map((p) => `${p.name}@${p.version} (${p.license})`).join(', ')}.`,
  '',
  '## Runtime dependencies',
  '',
  `What \`npm install\` of the package (or \`npm ci --omit=dev\`) installs beside it: ${runtime.length} packages, the`,
  `${runtime.filter((p) => p.direct).length} in \`dependencies\` (marked *direct*) and theirs, transitively. They are not copied into the`,
  `package; each comes from the registry with its own licence file. Licences: ${count(runtime)}.`,
  '',
  '| Package | Version | Licence | |',
  '|---|---|---|---|',
  ...runtime.map(
    (p) =>
      `| ${p.name} | ${p.version} | ${p.license}${compatible(p.license) ? '' : ' **(flagged)**'} | ${[
        p.direct ? 'direct' : '',
        p.optional ? (p.installed ? 'optional' : 'optional, another platform') : '',
      ]
        .filter(Boolean)
        .join(', ')} |`,
  ),
  '',
  '## Bundled into the built assets',
  '',
  'The dashboard (`dist/dashboard/`, React) and the hosted checkout script (`dist/web/`) are built by',
  "`scripts/build-assets.mjs` from `devDependencies`, so the package carries copies of these packages' code, minified",
  'without their comments. Their copyright and licence texts are therefore collected in [NOTICE](../NOTICE), which ships',
  `in the package. Licences: ${count(bundled)}. The build tools themselves (esbuild, Vite: MIT) add only small helpers.`,
  '',
  '| Package | Version | Licence |',
  '|---|---|---|',
  ...bundled.map((p) => `| ${p.name} | ${p.version} | ${p.license}${compatible(p.license) ? '' : ' **(flagged)**'} |`),
  '',
  'The API reference at `/docs` is served by `@scalar/fastify-api-reference` (MIT), a runtime dependency above that',
  'ships its own prebuilt viewer; Holdfast does not rebuild or copy it.',
  '',
].join('\n');

const notice = [
  'Holdfast',
  'Licensed under the Apache License, Version 2.0 (see LICENSE).',
  '',
  'The built browser assets in dist/dashboard/ and dist/web/ include code from the packages below,',
  'minified without their comments. Their copyright and licence notices follow, as each package ships them.',
  '',
  ...bundled.flatMap((p) => {
    const texts = licenceTexts(p.dir);
    return [
      '-'.repeat(78),
      `${p.name} ${p.version} (${p.license})`,
      '',
      ...(texts.length === 0 ? [`No licence file is shipped with this package; its package.json declares ${p.license}.`, ''] : []),
      ...texts.flatMap((t) => [t.text, '']),
    ];
  }),
].join('\n');

writeFileSync(join(ROOT, 'docs', 'dependencies.md'), markdown);
writeFileSync(join(ROOT, 'NOTICE'), notice);
console.log(
  `${runtime.length} runtime packages, ${bundled.length} bundled into the assets; flagged: ${flagged.length ? flagged.map((p) => `${p.name}@${p.version} (${p.license})`).join(', ') : 'none'}`,
);
console.log(`wrote ${relative(process.cwd(), join(ROOT, 'docs', 'dependencies.md'))} and ${relative(process.cwd(), join(ROOT, 'NOTICE'))}`);
if (flagged.length > 0) process.exitCode = 1;
