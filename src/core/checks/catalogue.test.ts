import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { CHECKS } from './catalogue.ts';
import { SEVERITIES } from './check.ts';

const folder = new URL('.', import.meta.url);
/** Files of the folder that are not checks: the framework, the catalogue and their helpers. */
const NOT_CHECKS = new Set(['check.ts', 'catalogue.ts', 'evaluate.ts', 'controls.ts', 'test-subject.ts']);

test('every check id is unique snake_case and every check says why and what to do', () => {
  const ids = CHECKS.map((check) => check.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate ids');
  for (const check of CHECKS) {
    assert.match(check.id, /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/, check.id);
    assert.ok(SEVERITIES.includes(check.severity), `${check.id} severity`);
    for (const field of ['title', 'rationale', 'remediation'] as const)
      assert.ok(check[field].trim().length > 10, `${check.id} ${field}`);
  }
});

test('every check file of the folder is in the catalogue and has its test beside it', async () => {
  const files = readdirSync(folder).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !NOT_CHECKS.has(f),
  );
  const exported = await Promise.all(files.map(async (f) => (await import(new URL(f, folder).href)).default));
  for (const [index, file] of files.entries()) {
    assert.ok(CHECKS.includes(exported[index]), `${file} is not in catalogue.ts`);
    assert.ok(
      existsSync(new URL(file.replace(/\.ts$/, '.test.ts'), folder)),
      `${file} has no test beside it`,
    );
  }
  assert.equal(files.length, CHECKS.length, 'the catalogue lists a check that has no file here');
});
