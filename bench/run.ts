// Runs one benchmark: `npm run bench -- <name> [args]` loads bench/<name>.ts and awaits its run(args).
import { existsSync, readdirSync } from 'node:fs';

const [name, ...args] = process.argv.slice(2);
const available = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3));

const file = name && /^[a-z0-9-]+$/.test(name) ? new URL(`./${name}.ts`, import.meta.url) : null;
if (!file || !existsSync(file)) {
  console.error(`usage: npm run bench -- <name> [args]\nbenchmarks: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
const benchmark = (await import(file.href)) as { run?: (args: string[]) => Promise<void> };
if (typeof benchmark.run !== 'function') {
  console.error(`bench/${name}.ts does not export run(args)`);
  process.exit(2);
}
await benchmark.run(args);
