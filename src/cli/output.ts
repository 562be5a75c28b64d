// Writes command output with backpressure, and treats a reader that went away (`| head -1`) as the end of
// the output rather than an error: the command stops producing and exits quietly.
import type { Writable } from 'node:stream';

export interface Output {
  /** Resolves false once the reader is gone: stop writing. */
  write(text: string): Promise<boolean>;
}

const gone = new WeakSet<Writable>();
const watched = new WeakSet<Writable>();

/** A broken pipe on stdout ends the output; anything else is still an error worth seeing. */
export function watchBrokenPipe(stream: Writable = process.stdout): void {
  if (watched.has(stream)) return;
  watched.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      gone.add(stream);
      return;
    }
    throw error;
  });
}

export function streamOutput(stream: Writable = process.stdout): Output {
  return {
    async write(text) {
      if (gone.has(stream) || stream.destroyed) return false;
      if (stream.write(text)) return true;
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('close', done);
          stream.off('error', done);
          resolve();
        };
        stream.once('drain', done);
        stream.once('close', done);
        stream.once('error', done);
      });
      return !gone.has(stream) && !stream.destroyed;
    },
  };
}
