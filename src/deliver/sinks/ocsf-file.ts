// OCSF records as JSON lines, appended to a file or written to stdout ("-"). A batch is appended and the file
// fsynced before deliver() returns, so a crash after that loses none of it; a crash during it can leave a
// partial last line, which the next open ends with a newline so the following records stay parseable. A file
// moved away (log rotation) is noticed and a new one created at the path.
import { constants } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LanyardEvent } from '../../core/events.ts';
import { toOcsf } from '../formats/ocsf.ts';
import { DeliveryFailed, type EventSink } from '../sink.ts';
import { type SinkDeps, serialized } from './transport.ts';

export interface OcsfFileSinkConfig {
  type: 'ocsf-file';
  name: string;
  /** The file to append to (created 0600 if missing), or "-" for stdout. */
  path: string;
}

/** The JSON lines a batch becomes. */
export function ocsfLines(events: readonly LanyardEvent[], version: string): string {
  let text = '';
  for (const event of events) text += `${JSON.stringify(toOcsf(event, { version }))}\n`;
  return text;
}

// Retrying cannot help a file Lanyard may not write or whose directory is gone; it can help a full disk.
const PERMANENT = new Set(['EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOTDIR', 'ENOENT', 'ELOOP']);

function fileFailure(error: unknown, file: string): DeliveryFailed {
  const code = (error as { code?: unknown }).code;
  const text = typeof code === 'string' ? code : 'error';
  return new DeliveryFailed(`could not append to ${file} (${text})`, {
    retryable: !PERMANENT.has(text),
    code: 'LANYARD_UPSTREAM_FAILED',
    cause: error,
  });
}

async function fsyncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Some platforms and file systems cannot fsync a directory; the file's own fsync still holds.
  } finally {
    await handle?.close();
  }
}

export function createOcsfFileSink(config: OcsfFileSinkConfig, deps: SinkDeps = {}): EventSink {
  const version = deps.version ?? 'dev';
  const one = serialized();

  if (config.path === '-') {
    return {
      name: config.name,
      deliver: (events) =>
        one(async () => {
          if (events.length === 0) return;
          const text = ocsfLines(events, version);
          await new Promise<void>((resolve, reject) =>
            process.stdout.write(text, (error) => (error ? reject(fileFailure(error, 'stdout')) : resolve())),
          );
        }),
    };
  }

  const file = path.resolve(config.path);
  let handle: FileHandle | undefined;
  let inode: number | undefined;

  async function reopen(): Promise<{ handle: FileHandle; prefix: string }> {
    await handle?.close().catch(() => undefined);
    handle = undefined;
    const existed = await stat(file).then(
      () => true,
      () => false,
    );
    const h = await open(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
    const info = await h.stat();
    let prefix = '';
    if (info.size > 0) {
      // A crash mid-append can leave a partial line: end it, so the next record starts on a line of its own.
      const last = Buffer.alloc(1);
      await h.read(last, 0, 1, info.size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    if (!existed) await fsyncDirectory(path.dirname(file));
    handle = h;
    inode = info.ino;
    return { handle: h, prefix };
  }

  async function current(): Promise<{ handle: FileHandle; prefix: string }> {
    if (handle) {
      const now = await stat(file).catch(() => undefined);
      if (now && now.ino === inode) return { handle, prefix: '' };
    }
    return reopen();
  }

  return {
    name: config.name,
    deliver: (events) =>
      one(async () => {
        if (events.length === 0) return;
        const text = ocsfLines(events, version);
        try {
          const { handle: h, prefix } = await current();
          await h.appendFile(prefix + text, 'utf8');
          await h.sync();
        } catch (error) {
          // Whatever state the file is in, the next batch starts from a fresh open (and its partial-line check).
          await handle?.close().catch(() => undefined);
          handle = undefined;
          throw fileFailure(error, file);
        }
      }),
    close: () =>
      one(async () => {
        await handle?.close();
        handle = undefined;
      }),
  };
}
