// Graph-shaped OData error bodies, shared by the server (unknown paths, injected faults) and login (401s).
import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from './http.ts';

/** Graph's `yyyy-MM-ddTHH:mm:ss` innerError date (no fraction, no zone). */
function graphDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** `{"error":{"code","message","innerError":{date, request-id, client-request-id}}}` as Graph sends it. */
export function odataError(
  status: number,
  code: string,
  message: string,
  options: { request?: EmulatorRequest; now?: number; headers?: Record<string, string> } = {},
): EmulatorResponse {
  const requestId = randomUUID();
  const clientRequestId = options.request?.headers['client-request-id'] ?? requestId;
  return {
    status,
    headers: { 'request-id': requestId, 'client-request-id': clientRequestId, ...options.headers },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: graphDate(options.now ?? Date.now()),
          'request-id': requestId,
          'client-request-id': clientRequestId,
        },
      },
    },
  };
}
