#!/usr/bin/env node
// Installed entry point: runs the TypeScript CLI through tsx's loader so a clone needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
