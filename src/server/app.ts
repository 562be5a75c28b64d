// The HTTP service: /healthz and /metrics, open to requests from this machine only; every other route needs
// authentication, which does not exist yet, so it is refused.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { HealthCheck } from './health.ts';
import { isLoopback } from './loopback.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `loopback`: answered without authentication to a client on this machine (probes, a local scraper). */
    access?: 'loopback';
  }
}

/** Who the request is from, once API authentication exists; undefined refuses it. */
export type Authenticate = (request: FastifyRequest) => Promise<{ subject: string } | undefined>;

/** Until API authentication lands, nobody is authenticated: only the loopback routes answer. */
export const refuseAll: Authenticate = async () => undefined;

export interface AppDeps {
  health: HealthCheck;
  metrics: { registry: Registry };
  authenticate?: Authenticate;
  logger?: FastifyBaseLogger;
}

export function buildApp({ health, metrics, authenticate = refuseAll, logger }: AppDeps): FastifyInstance {
  const app = Fastify(logger ? { loggerInstance: logger } : { logger: false });

  // One gate for every route, the 404 handler included, so a route added later is closed until it opts out.
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.access === 'loopback' && isLoopback(request.ip)) return;
    if (await authenticate(request)) return;
    return reply
      .code(401)
      .header('cache-control', 'no-store')
      .send({ error: 'authentication required', message: 'this route needs an authenticated client' });
  });

  app.get('/healthz', { config: { access: 'loopback' } }, async (_request, reply) => {
    const report = await health();
    return reply
      .code(report.status === 'ok' ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(report);
  });

  app.get('/metrics', { config: { access: 'loopback' } }, async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(text);
  });

  return app;
}
