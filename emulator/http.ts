// The emulator's internal request/response shapes: handlers return a value, and the server (with its
// fault layer) decides how the bytes reach the socket, so faults can truncate, drip or reset any reply.

export interface EmulatorRequest {
  method: string;
  /** Full request URL as the client sent it, resolved against the emulator's own origin. */
  url: URL;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** Remote address of the caller, recorded in sign-ins. */
  ip: string;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are serialised as JSON with content-type application/json. */
  body?: unknown;
}

export type Handler = (request: EmulatorRequest) => Promise<EmulatorResponse | undefined>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, body, headers };
}
