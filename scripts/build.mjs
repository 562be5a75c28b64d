// Builds the CLI for running without a TypeScript loader: src/cli/main.ts bundled by esbuild into dist/,
// every npm package left external, each lazily imported module (a command's work, the store, the emulator of
// `lanyard demo`) split into its own chunk so a command loads only what it runs. Migrations are copied beside
// the chunks, where the store looks for them.
import { cp, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;
const { version } = JSON.parse(await readFile(`${root}package.json`, 'utf8'));

await rm(dist, { recursive: true, force: true });
await build({
  entryPoints: { cli: `${root}src/cli/main.ts` },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  packages: 'external',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  define: { LANYARD_VERSION: JSON.stringify(version) },
  sourcemap: 'linked',
  logLevel: 'warning',
});
// The store resolves `./migrations` next to the module that holds it: a chunk.
await cp(`${root}src/store/migrations`, `${dist}/chunks/migrations`, { recursive: true });
