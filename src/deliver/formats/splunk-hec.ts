// Splunk HTTP Event Collector envelopes (POST /services/collector/event): one JSON object per event, the
// batch sent as those objects one after another, separated by newlines.
import type { LanyardEvent } from '../../core/events.ts';

export interface HecEnvelope {
  /** Epoch seconds with millisecond decimals: when Lanyard observed the event. */
  time: number;
  host: string;
  source: 'lanyard';
  sourcetype: 'lanyard:event';
  index?: string;
  event: LanyardEvent;
}

export interface HecOptions {
  host: string;
  /** The index to write to; when absent, the token's default index. */
  index?: string;
}

export function toHecEnvelope(event: LanyardEvent, options: HecOptions): HecEnvelope {
  const ms = Date.parse(event.time);
  const envelope: HecEnvelope = {
    time: Number.isNaN(ms) ? Date.now() / 1000 : ms / 1000,
    host: options.host,
    source: 'lanyard',
    sourcetype: 'lanyard:event',
    event,
  };
  if (options.index) envelope.index = options.index;
  return envelope;
}

/** The body of one HEC request: each envelope as JSON, newline-separated. */
export function hecBody(events: readonly LanyardEvent[], options: HecOptions): string {
  return events.map((e) => JSON.stringify(toHecEnvelope(e, options))).join('\n');
}
