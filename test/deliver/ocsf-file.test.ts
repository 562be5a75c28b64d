// The OCSF file sink: JSON lines appended (and fsynced) to a file, or written to stdout.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { hostileEvent, manyEvents, testEvent } from '../../src/deliver/formats/test-events.ts';
import { DeliveryFailed } from '../../src/deliver/sink.ts';
import { createOcsfFileSink } from '../../src/deliver/sinks/ocsf-file.ts';

const run = promisify(execFile);

async function lines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  assert.ok(text.endsWith('\n'), 'the file ends with a whole line');
  return text.slice(0, -1).split('\n');
}

const uidOf = (line: string) => (JSON.parse(line) as { metadata: { uid: string } }).metadata.uid;

describe('OCSF file sink', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lanyard-ocsf-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('writes one OCSF record per line, and a later sink appends to the same file', async () => {
    const file = join(dir, 'events.jsonl');
    const first = manyEvents(2);
    const sink = createOcsfFileSink({ type: 'ocsf-file', name: 'file', path: file }, { version: '9.9.9' });
    await sink.deliver(first);
    await sink.close?.();
    assert.equal((await stat(file)).mode & 0o777, 0o600, 'created readable by its owner only');

    const second = [hostileEvent(), testEvent({ type: 'finding.opened' }), testEvent()];
    const again = createOcsfFileSink({ type: 'ocsf-file', name: 'file', path: file }, { version: '9.9.9' });
    await again.deliver(second.slice(0, 1));
    await again.deliver(second.slice(1));
    await again.close?.();

    const got = await lines(file);
    assert.equal(got.length, 5);
    assert.deepEqual(
      got.map(uidOf),
      [...first, ...second].map((e) => e.id),
    );
    const record = JSON.parse(got[3]!) as { class_uid: number; metadata: { product: { version: string } } };
    assert.equal(record.class_uid, 2004);
    assert.equal(record.metadata.product.version, '9.9.9');
    // The hostile display name's line break stayed escaped inside its JSON string.
    assert.ok(got[2]!.includes('\\n'));
  });

  test('a partial last line (a crash mid-append) is ended before new records', async () => {
    const file = join(dir, 'partial.jsonl');
    await appendFile(file, '{"class_uid":2004,"metadata":{"uid":"cut-off"');
    const sink = createOcsfFileSink({ type: 'ocsf-file', name: 'file', path: file });
    const events = manyEvents(2);
    await sink.deliver(events);
    await sink.close?.();
    const got = await lines(file);
    assert.equal(got.length, 3);
    assert.equal(got[0], '{"class_uid":2004,"metadata":{"uid":"cut-off"');
    assert.deepEqual(
      got.slice(1).map(uidOf),
      events.map((e) => e.id),
    );
  });

  test('a file moved away (rotation) is followed by a new one at the path', async () => {
    const file = join(dir, 'rotated.jsonl');
    const sink = createOcsfFileSink({ type: 'ocsf-file', name: 'file', path: file });
    const before = testEvent();
    const later = testEvent();
    await sink.deliver([before]);
    await rename(file, `${file}.1`);
    await sink.deliver([later]);
    await sink.close?.();
    assert.deepEqual((await lines(`${file}.1`)).map(uidOf), [before.id]);
    assert.deepEqual((await lines(file)).map(uidOf), [later.id]);
  });

  test('a path that cannot be written is a failure that retrying will not fix', async () => {
    const sink = createOcsfFileSink({
      type: 'ocsf-file',
      name: 'file',
      path: join(dir, 'missing', 'x.jsonl'),
    });
    await assert.rejects(sink.deliver([testEvent()]), (error: unknown) => {
      assert.ok(error instanceof DeliveryFailed);
      assert.equal(error.retryable, false);
      assert.match(error.message, /ENOENT/);
      return true;
    });
    await sink.close?.();
  });

  test('"-" writes the lines to stdout', async () => {
    const script = `
      import { createOcsfFileSink } from './src/deliver/sinks/ocsf-file.ts';
      import { testEvent } from './src/deliver/formats/test-events.ts';
      const sink = createOcsfFileSink({ type: 'ocsf-file', name: 'out', path: '-' });
      await sink.deliver([testEvent({ id: 'one' }), testEvent({ id: 'two' })]);
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..', '..'),
    });
    assert.deepEqual(stdout.trimEnd().split('\n').map(uidOf), ['one', 'two']);
  });
});
