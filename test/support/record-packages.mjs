// Loaded with `node --import`: reports every package a process imports (bare specifiers, as resolved), one
// `package-import <specifier>` line on stderr each, so a test can tell what a command loaded at start.
import { register } from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
  if (!/^(\\.|\\/|file:|node:|data:)/.test(specifier)) process.stderr.write('package-import ' + specifier + '\\n');
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
