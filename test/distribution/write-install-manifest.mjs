#!/usr/bin/env node
// Usage: node test/distribution/write-install-manifest.mjs <holdfast-X.Y.Z.tgz> <directory>
//
// Writes <directory>/package.json, which depends on nothing but the packed tarball, and
// <directory>/package-lock.json, which pins that tarball's dependencies to the versions in this
// repository's package-lock.json (the production ones only). `npm ci --omit=dev` there installs
// the package as a user's project would, without the registry's metadata: every tarball it needs
// is one `npm ci` of this repository already put in npm's cache (hence `--offline` works), and the
// versions are the ones the suite ran against. The tarball is copied beside them.
// test/distribution/pack-and-run.test.ts and the Dockerfile both install this way.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const [tarball, directory] = process.argv.slice(2);
if (!tarball || !directory) {
  console.error('usage: write-install-manifest.mjs <holdfast-X.Y.Z.tgz> <directory>');
  process.exit(2);
}

const repositoryRoot = new URL('../../', import.meta.url);
const lock = JSON.parse(readFileSync(new URL('package-lock.json', repositoryRoot), 'utf8'));
const holdfast = lock.packages[''];
const file = basename(tarball);
const spec = `file:${file}`;
const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;

const packages = {
  '': { name: 'holdfast-install', dependencies: { holdfast: spec } },
  'node_modules/holdfast': {
    version: holdfast.version,
    resolved: spec,
    integrity,
    license: holdfast.license,
    dependencies: holdfast.dependencies,
    bin: holdfast.bin,
    engines: holdfast.engines,
  },
};
// The repository's tree is hoisted the same way an install of the tarball would be: every entry
// not marked dev-only is a dependency (direct or transitive) of the package itself.
for (const [path, entry] of Object.entries(lock.packages)) {
  if (path !== '' && !entry.dev) packages[path] = entry;
}

mkdirSync(directory, { recursive: true });
if (resolve(tarball) !== resolve(directory, file)) copyFileSync(tarball, join(directory, file));
writeFileSync(
  join(directory, 'package.json'),
  JSON.stringify({ name: 'holdfast-install', private: true, dependencies: { holdfast: spec } }, null, 2) + '\n',
);
writeFileSync(
  join(directory, 'package-lock.json'),
  JSON.stringify({ name: 'holdfast-install', lockfileVersion: 3, requires: true, packages }, null, 2) + '\n',
);
