// Scan progress for people: a live bar on a terminal, plain lines in logs and pipes, nothing when quiet.
import { SingleBar } from 'cli-progress';
import type { CollectProgress } from '../services/scan-service.ts';

export interface ProgressReporter {
  update(progress: CollectProgress): void;
  stop(): void;
}

export function createProgressReporter(options: {
  quiet: boolean;
  stream?: NodeJS.WriteStream;
  now?: () => number;
}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  if (options.quiet) return { update() {}, stop() {} };
  const started = now();
  if (!stream.isTTY) {
    let lastLine = 0;
    return {
      update(p) {
        // A line every 2 s is enough for a log and keeps CI output short.
        if (now() - lastLine < 2000) return;
        lastLine = now();
        stream.write(
          `scan: ${p.objects} objects, ${p.pages} pages, ${p.requests} requests, ${p.resourceUnits} RU, ${((now() - started) / 1000).toFixed(0)} s\n`,
        );
      },
      stop() {},
    };
  }
  const bar = new SingleBar(
    {
      stream,
      format:
        'scanning [{bar}] {percentage}% | {value}/{total} objects | {pages} pages | {requests} requests | {ru} RU | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    undefined,
  );
  let barStarted = false;
  return {
    update(p) {
      const total = Math.max(p.expectedObjects ?? p.objects, p.objects, 1);
      const payload = { pages: p.pages, requests: p.requests, ru: p.resourceUnits };
      if (!barStarted) {
        bar.start(total, p.objects, payload);
        barStarted = true;
      } else {
        bar.setTotal(total);
        bar.update(p.objects, payload);
      }
    },
    stop() {
      if (barStarted) bar.stop();
    },
  };
}
