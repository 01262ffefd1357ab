import "./request-types.ts";
import { fastifyWebsocket } from "@fastify/websocket";
import { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, fastify, LogController } from "fastify";
import type { CityChainNode } from "../node.ts";
import { authenticate, readsNeedMembership } from "./auth.ts";
import { installErrorHandling } from "./error-handler.ts";
import { requestInvalid } from "./http-errors.ts";
import { API_BODY_BYTES_MAX, STREAM_CLIENT_FRAME_BYTES_MAX } from "./limits.ts";
import { openApiDocument } from "./openapi.ts";
import { PUBLIC_APP_ROUTES, registerAppRoutes } from "./routes-apps.ts";
import { registerBlockRoutes } from "./routes-blocks.ts";
import { registerPrivateRoutes } from "./routes-private.ts";
import { registerQueryRoutes } from "./routes-query.ts";
import { registerTxRoutes } from "./routes-txs.ts";
import { registerValidatorRoutes } from "./routes-validators.ts";
import { registerStreamRoute } from "./stream.ts";

/**
 * Routes anyone may call in every mode: submitting is guarded by the
 * transaction's own signatures, the rest tell nothing about the chain's data.
 */
const OPEN_ROUTES = new Set([
  "POST /v1/txs",
  "GET /healthz",
  "GET /openapi.json",
  "GET /metrics",
  ...PUBLIC_APP_ROUTES,
]);

function routeKey(request: FastifyRequest): string | undefined {
  const url = request.routeOptions.url;
  return url === undefined ? undefined : `${request.method} ${url}`;
}

function keepRawBody(request: FastifyRequest, body: Buffer): Uint8Array {
  const raw = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  request.rawBody = raw;
  return raw;
}

/**
 * The node's HTTP and WebSocket API (routes in /openapi.json). Logs through
 * the node's pino logger, counts requests in the node's metrics, and answers
 * every error as `{error: {code, message}}`.
 */
export async function createApiServer(node: CityChainNode): Promise<FastifyInstance> {
  const app = fastify({
    // Typed as Fastify's base logger so the instance has the default FastifyInstance type.
    loggerInstance: node.logger as FastifyBaseLogger,
    // Per-request lines are logged at debug level in onResponse; info stays quiet under load.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: API_BODY_BYTES_MAX,
  });
  installErrorHandling(app);

  // Signed requests cover the body's hash, so keep the bytes exactly as received.
  // Only JSON and CBOR are spoken; anything else is 415 REQUEST_MEDIA_TYPE_UNSUPPORTED.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const raw = keepRawBody(request, body as Buffer);
    if (raw.length === 0) return done(requestInvalid("the JSON body is empty"), undefined);
    try {
      done(null, JSON.parse(Buffer.from(raw).toString("utf8")));
    } catch (e) {
      done(requestInvalid(`the body is not valid JSON: ${(e as Error).message}`), undefined);
    }
  });
  app.addContentTypeParser("application/cbor", { parseAs: "buffer" }, (request, body, done) => {
    done(null, keepRawBody(request, body as Buffer));
  });

  app.addHook("preHandler", async (request) => {
    if (!readsNeedMembership(node.genesis.mode)) return;
    const key = routeKey(request);
    if (key === undefined || OPEN_ROUTES.has(key)) return;
    request.caller = authenticate(node, request);
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    node.metrics.apiRequests.inc({ route, status: String(reply.statusCode) });
    request.log.debug(
      { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      "api request",
    );
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: STREAM_CLIENT_FRAME_BYTES_MAX } });

  app.get("/healthz", async () => ({ ok: true }));
  app.get("/v1/status", async () => node.status());
  app.get("/openapi.json", async () => openApiDocument(node.status().version));
  app.get("/metrics", async (_request, reply) => {
    const text = await node.metrics.registry.metrics();
    return reply.type(node.metrics.registry.contentType).send(text);
  });
  registerTxRoutes(app, node);
  registerPrivateRoutes(app, node);
  registerQueryRoutes(app, node);
  registerBlockRoutes(app, node);
  registerValidatorRoutes(app, node);
  registerAppRoutes(app, node);
  registerStreamRoute(app, node);
  return app;
}
