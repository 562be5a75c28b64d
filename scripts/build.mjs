// Builds the CLI for running without a TypeScript loader: src/cli/main.ts bundled by esbuild into dist/,
// most npm packages left external, each lazily imported module (a command's work, the store, the emulator of
// `lanyard demo`) split into its own chunk so a command loads only what it runs. Migrations are copied beside
// the chunks, where the store looks for them.
// Options, for the tests' build of the current sources (test/support/built-cli.ts): `--outdir <dir>` builds
// there instead of dist/ (emptied first; it must be inside this project, whose node_modules hold the external
// packages), `--metafile <file>` writes esbuild's list of the files it read (paths relative to the cwd).
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: options } = parseArgs({
  options: { outdir: { type: 'string' }, metafile: { type: 'string' } },
});
const dist = options.outdir ? resolve(options.outdir) : `${root}dist`;
const manifest = JSON.parse(await readFile(`${root}package.json`, 'utf8'));
// Bundled in: packages of many small modules, whose loading one by one was most of a command's start-up
// (drizzle-orm: ~0.8 s of module resolution before the first query). The rest stays external, loaded from
// node_modules as installed (PGlite finds its WebAssembly and data files beside its own modules).
const BUNDLED = new Set(['drizzle-orm', 'commander']);
const external = Object.keys(manifest.dependencies).filter((name) => !BUNDLED.has(name));

await rm(dist, { recursive: true, force: true });
const result = await build({
  entryPoints: { cli: `${root}src/cli/main.ts` },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  external: [...external, ...external.map((name) => `${name}/*`)],
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  define: { LANYARD_VERSION: JSON.stringify(manifest.version) },
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: Boolean(options.metafile),
});
// The store resolves `./migrations` next to the module that holds it: a chunk.
await cp(`${root}src/store/migrations`, `${dist}/chunks/migrations`, { recursive: true });
if (options.metafile) await writeFile(options.metafile, JSON.stringify(result.metafile));
