import { ErrorCode, isCityChainError } from "@citychain/protocol";
import type { FastifyError, FastifyInstance } from "fastify";
import { errorBody, httpStatusOf } from "./http-errors.ts";

/** Fastify's own error codes mapped to ours, so every error has one shape. */
const FASTIFY_CODES: Record<string, { code: string; status: number; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: ErrorCode.REQUEST_TOO_LARGE, status: 413 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: ErrorCode.REQUEST_MEDIA_TYPE_UNSUPPORTED,
    status: 415,
    message: "send 'application/json' (base64 transactions) or 'application/cbor' (one encoded SignedTx)",
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: ErrorCode.REQUEST_INVALID, status: 400, message: "the JSON body is empty" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: ErrorCode.REQUEST_INVALID, status: 400 },
};

function isFastifyError(e: unknown): e is FastifyError {
  return e instanceof Error && typeof (e as FastifyError).code === "string";
}

/**
 * Turns every failure into `{error: {code, message}}` with a fitting status:
 * our coded errors, Fastify's parse and validation errors, unknown routes.
 * Anything else is a bug: it is logged in full and the client gets a generic
 * message, so internals never leak.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request, reply) => {
    if (isCityChainError(err)) {
      const status = httpStatusOf(err.code);
      if (status >= 500) request.log.error({ err }, "request failed");
      if (err.code === ErrorCode.MEMPOOL_FULL) reply.header("retry-after", "1");
      return reply.status(status).send(errorBody(err.code, err.message));
    }
    if (isFastifyError(err)) {
      const known = FASTIFY_CODES[err.code];
      if (known) return reply.status(known.status).send(errorBody(known.code, known.message ?? err.message));
      if (err.validation) return reply.status(400).send(errorBody(ErrorCode.REQUEST_INVALID, err.message));
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500)
        return reply.status(status).send(errorBody(ErrorCode.REQUEST_INVALID, err.message));
    }
    request.log.error({ err }, "unexpected error while serving a request");
    return reply
      .status(500)
      .send(errorBody(ErrorCode.INTERNAL, "the node failed to serve this request; it has been logged, retry later"));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(
        errorBody(
          ErrorCode.NOT_FOUND,
          `no route ${request.method} ${request.url.split("?")[0]}; see /openapi.json for the API`,
        ),
      ),
  );
}
