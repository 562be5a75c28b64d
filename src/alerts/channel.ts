// What an alert channel is (email, Slack, Teams, a local inbox file, the console) and what they share: the
// facts every medium shows, secrets kept out of messages, and posting to a webhook.
import type { Alert } from '../core/alerts.ts';
import { InvalidInput } from '../core/errors.ts';
import { inert, inertShort } from '../core/inert-text.ts';

/** What one channel did with the alerts it was given; every key given is in exactly one list. */
export interface SendResult {
  /** Delivered (the server or webhook accepted them): recorded, never sent through this channel again. */
  accepted: string[];
  /** Not delivered: sent again on the next run. Reasons name no secret (no webhook URL, no password). */
  failed: Array<{ key: string; reason: string }>;
  /** Nothing to deliver through this channel (an email alert with no recipient): not recorded either. */
  skipped: string[];
}

export interface SendOptions {
  /** Sent as the daily digest cut at this time (its messages say so). */
  digestCutoff?: Date;
}

export interface AlertChannel {
  /** Unique among the configured channels: the ledger records what was sent per channel name. */
  readonly name: string;
  /** Resolves with what was accepted and what failed; rejects only on a programming error. */
  send(alerts: readonly Alert[], options?: SendOptions): Promise<SendResult>;
  /** Releases connections, when the channel holds any. */
  close?(): Promise<void>;
}

export const emptyResult = (): SendResult => ({ accepted: [], failed: [], skipped: [] });

/** One labelled value of an alert, raw (tenant-controlled values included): each medium escapes them. */
export interface Fact {
  label: string;
  value: string;
}

function identityNoun(kind: Alert['identity']['kind']): string {
  return kind === 'application'
    ? 'application'
    : kind === 'servicePrincipal'
      ? 'service principal'
      : 'object';
}

function daysLeftText(days: number | null): string {
  if (days === null) return '';
  if (days < 0) return ' (expired)';
  return days === 0 ? ' (within a day)' : ` (in ${days} day${days === 1 ? '' : 's'})`;
}

/** The facts every medium shows for an alert, values neutralised for terminals (still raw for markup). */
export function alertFacts(alert: Alert): Fact[] {
  const facts: Fact[] = [
    {
      label: identityNoun(alert.identity.kind).replace(/^./, (c) => c.toUpperCase()),
      value: `${alert.identity.displayName}${alert.identity.appId ? ` (appId ${alert.identity.appId})` : ''}`,
    },
  ];
  const credential = alert.credential;
  if (credential) {
    const kind = credential.type ?? 'credential';
    facts.push({
      label: 'Credential',
      value: credential.displayName
        ? `${kind} "${credential.displayName}" (${credential.keyId})`
        : `${kind} ${credential.keyId}`,
    });
    if (credential.endDateTime) {
      facts.push({
        label: 'Expires',
        value: `${credential.endDateTime.slice(0, 10)}${daysLeftText(credential.daysLeft)}`,
      });
    }
  }
  if (alert.finding) facts.push({ label: 'Check', value: alert.finding.checkId });
  facts.push({ label: 'Severity', value: alert.severity });
  facts.push({ label: 'Integration', value: alert.integration.name });
  facts.push({
    label: 'Emailed to',
    value: alert.recipients.length
      ? alert.recipients.join(', ')
      : 'nobody (no owner with an address, no fallback address)',
  });
  return facts.map((fact) => ({ label: fact.label, value: inert(fact.value) }));
}

/** Removes every occurrence of the secrets (and their URL-encoded and base64 forms) from a text. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of new Set([
      secret,
      encodeURIComponent(secret),
      Buffer.from(secret).toString('base64'),
    ])) {
      out = out.split(form).join('[redacted]');
    }
  }
  return out;
}

/** The value of the environment variable a config names; the error names the variable, never a value. */
export function secretFromEnv(
  variable: string,
  env: Readonly<Record<string, string | undefined>>,
  what: string,
): string {
  const value = env[variable];
  if (!value) {
    throw new InvalidInput(`the environment variable ${variable} holding the ${what} is not set`, {
      fix: `set ${variable} in the environment of the Lanyard process (the config holds the variable's name, never the ${what})`,
    });
  }
  return value;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A webhook URL as given (from the environment): https, or http to this machine only (local receivers,
 * tests). The error says which channel, never the URL: its path is the secret.
 */
export function checkWebhookUrl(value: string, channel: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInput(`the ${channel} webhook URL is not a URL`, {
      fix: `put the whole webhook URL (https://…) into the variable the ${channel} channel names`,
    });
  }
  const local = url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !local) {
    throw new InvalidInput(`the ${channel} webhook URL must use https`, {
      fix: 'use the https URL the service gave when the webhook was created',
    });
  }
  if (url.username || url.password) {
    throw new InvalidInput(`the ${channel} webhook URL must not carry a user name or password`);
  }
  return url;
}

/**
 * The parts of a webhook URL that are its secret, longest first: the whole of it, its path and query, and
 * each path segment or query value long enough to be a token (Slack's T…/B…/token, a Workflows `sig`).
 */
export function webhookSecrets(url: URL): string[] {
  const path = `${url.pathname}${url.search}`;
  const parts = [
    url.href,
    path,
    path.replace(/^\//, ''),
    url.pathname.replace(/^\//, ''),
    ...url.pathname.split('/').filter((segment) => segment.length >= 8),
    ...[...url.searchParams.values()].filter((value) => value.length >= 8),
  ];
  return [...new Set(parts.filter((part) => part.length >= 4))].sort((a, b) => b.length - a.length);
}

export type PostOutcome = { ok: true; body: string } | { ok: false; reason: string; throttled: boolean };

/**
 * POSTs JSON to a webhook: no redirects followed (a redirect could carry the alert elsewhere), a timeout,
 * and a reason without the URL when it fails.
 */
export async function postJson(
  url: URL,
  payload: unknown,
  options: { channel: string; timeoutMs: number },
): Promise<PostOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(payload),
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    // The cause names the host and port at most; only its code is kept, to be sure.
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code =
      error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
        ? `no answer within ${options.timeoutMs} ms`
        : typeof cause?.code === 'string'
          ? cause.code
          : 'network error';
    return { ok: false, reason: `could not reach the ${options.channel} webhook: ${code}`, throttled: false };
  }
  const body = await response.text().catch(() => '');
  const said = body.trim() ? `: ${inertShort(redact(body.trim(), webhookSecrets(url)), 120)}` : '';
  if (response.status >= 200 && response.status < 300) return { ok: true, body };
  return {
    ok: false,
    reason: `the ${options.channel} webhook answered HTTP ${response.status}${said}`,
    throttled: response.status === 429,
  };
}

/** Groups in order, at most `size` each. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Sends batches one after another; a throttled answer stops the run (the rest would be refused too) and
 * leaves the remaining alerts for the next run.
 */
export async function sendBatches(
  batches: readonly Alert[][],
  post: (batch: readonly Alert[]) => Promise<PostOutcome>,
): Promise<SendResult> {
  const result = emptyResult();
  let stopped: string | null = null;
  for (const batch of batches) {
    if (stopped !== null) {
      for (const alert of batch) result.failed.push({ key: alert.key, reason: stopped });
      continue;
    }
    const outcome = await post(batch);
    if (outcome.ok) {
      result.accepted.push(...batch.map((alert) => alert.key));
      continue;
    }
    for (const alert of batch) result.failed.push({ key: alert.key, reason: outcome.reason });
    if (outcome.throttled) stopped = `not attempted after throttling (${outcome.reason})`;
  }
  return result;
}
