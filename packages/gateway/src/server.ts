import { bytesToHex, CityChainError, ErrorCode, isCityChainError } from "@citychain/protocol";
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { DeviceDirectory } from "./device-directory.ts";
import type { ReadingIntake, ReadingOutcome } from "./intake.ts";
import { DEVICE_ID_CHARS_MAX, READINGS_PER_REQUEST_MAX, REQUEST_BYTES_MAX } from "./limits.ts";
import type { ProofService } from "./proof-service.ts";
import type { BatchRecord } from "./records.ts";
import type { GatewayStore } from "./store.ts";
import { readingsInBatchJson, signedReadingBatchFromJson, signedReadingFromJson } from "./wire.ts";

/** What the HTTP API serves. */
export interface GatewayServices {
  intake: ReadingIntake;
  proofs: ProofService;
  directory: DeviceDirectory;
  store: GatewayStore;
  /** The gateway's own figures for GET /v1/status. */
  status(): Record<string, unknown>;
}

const STATUS_BY_CODE: Partial<Record<string, number>> = {
  [ErrorCode.REQUEST_INVALID]: 400,
  [ErrorCode.REQUEST_TOO_LARGE]: 413,
  [ErrorCode.BATCH_TOO_LARGE]: 413,
  [ErrorCode.REQUEST_MEDIA_TYPE_UNSUPPORTED]: 415,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.DEVICE_UNKNOWN]: 404,
  [ErrorCode.GATEWAY_READING_NOT_FOUND]: 404,
  [ErrorCode.GATEWAY_READING_NOT_ANCHORED]: 409,
  [ErrorCode.GATEWAY_BACKLOG_FULL]: 503,
  [ErrorCode.GATEWAY_CHAIN_UNAVAILABLE]: 503,
};

function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

function requestInvalid(message: string): CityChainError {
  return new CityChainError({ code: ErrorCode.REQUEST_INVALID }, message);
}

function batchView(b: BatchRecord): Record<string, unknown> {
  return {
    no: b.no,
    status: b.status,
    count: b.count,
    fromMs: b.fromMs,
    toMs: b.toMs,
    devices: b.devices,
    rejected: b.rejected,
    root: b.root,
    anchor: b.anchor ? { txId: b.anchor.txId, height: b.anchor.height, seq: b.anchor.seq } : null,
  };
}

function installErrors(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request, reply) => {
    if (isCityChainError(err)) {
      const status = STATUS_BY_CODE[err.code] ?? (err.code === ErrorCode.INTERNAL ? 500 : 400);
      if (status === 503) reply.header("retry-after", "1");
      if (status >= 500) request.log.warn({ err }, "request failed");
      return reply.status(status).send(errorBody(err.code, err.message));
    }
    const fe = err as FastifyError;
    if (fe.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return reply
        .status(413)
        .send(
          errorBody(
            ErrorCode.REQUEST_TOO_LARGE,
            `the body is over ${REQUEST_BYTES_MAX} bytes: split the readings over several requests (at most ${READINGS_PER_REQUEST_MAX} each, and fewer when they are large)`,
          ),
        );
    }
    if (fe.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return reply
        .status(415)
        .send(errorBody(ErrorCode.REQUEST_MEDIA_TYPE_UNSUPPORTED, "send 'application/json' ({readings: [...]})"));
    }
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500)
      return reply.status(status).send(errorBody(ErrorCode.REQUEST_INVALID, fe.message));
    request.log.error({ err }, "unexpected error while serving a request");
    return reply
      .status(500)
      .send(errorBody(ErrorCode.INTERNAL, "the gateway failed to serve this request; it has been logged, retry later"));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(
        errorBody(
          ErrorCode.NOT_FOUND,
          `no route ${request.method} ${request.url.split("?")[0]}; see the gateway README`,
        ),
      ),
  );
}

/**
 * The gateway's HTTP API:
 * - `POST /v1/readings` `{readings?: [{reading, signature, keyIndex?}], batches?: [{deviceId, readings, signature,
 *   keyIndex?}]}`: an answer per reading, in order (per batch for the readings of device batches);
 * - `GET /v1/readings/:id` where a reading stands; `GET /v1/readings/:id/proof` its proof;
 * - `GET /v1/batches/:no`, `GET /v1/devices/:id`, `GET /v1/status`, `GET /healthz`.
 * Every error is `{error: {code, message}}`.
 */
export function createGatewayServer(services: GatewayServices, logger: Logger): FastifyInstance {
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: REQUEST_BYTES_MAX });
  installErrors(app);
  // JSON only: a text body is refused with 415, not parsed as something else.
  app.removeContentTypeParser("text/plain");

  app.get("/healthz", async () => ({ ok: true }));

  app.get("/v1/status", async () => services.status());

  app.post("/v1/readings", async (request) => {
    const body = request.body as { readings?: unknown; batches?: unknown } | null;
    const usage =
      "send a JSON body {readings: [{reading, signature, keyIndex?}, ...]} and/or {batches: [{deviceId, readings: [...], signature, keyIndex?}, ...]}";
    if (typeof body !== "object" || body === null) throw requestInvalid(usage);
    const { readings = [], batches } = body;
    if (!Array.isArray(readings) || (batches !== undefined && !Array.isArray(batches))) throw requestInvalid(usage);
    const batchList = (batches ?? []) as unknown[];
    let count = readings.length;
    for (const b of batchList) count += readingsInBatchJson(b);
    if (count === 0) throw requestInvalid("readings and batches are empty; send at least one reading");
    if (count > READINGS_PER_REQUEST_MAX) {
      throw new CityChainError(
        { code: ErrorCode.BATCH_TOO_LARGE },
        `${count} readings in one request; at most ${READINGS_PER_REQUEST_MAX} (single and in batches together): split them over several requests`,
      );
    }
    const answer = await services.intake.submitRequest({
      readings: readings.map(signedReadingFromJson),
      batches: batchList.map(signedReadingBatchFromJson),
    });
    let accepted = 0;
    let rejected = 0;
    const tally = (results: ReadingOutcome[]) => {
      let n = 0;
      for (const r of results) if (r.accepted) n++;
      accepted += n;
      rejected += results.length - n;
      return { accepted: n, rejected: results.length - n, results };
    };
    const single = tally(answer.readings);
    const perBatch = answer.batches.map(tally);
    return {
      accepted,
      rejected,
      results: single.results,
      ...(batches === undefined ? {} : { batches: perBatch }),
    };
  });

  app.get<{ Params: { id: string } }>("/v1/readings/:id", async (request) => services.proofs.status(request.params.id));

  app.get<{ Params: { id: string } }>("/v1/readings/:id/proof", async (request) =>
    services.proofs.proof(request.params.id),
  );

  app.get<{ Params: { no: string } }>("/v1/batches/:no", async (request) => {
    const no = Number(request.params.no);
    if (!/^\d{1,15}$/.test(request.params.no) || no < 1)
      throw requestInvalid("a batch number is a whole number from 1");
    // The open batch is stored without its device list: the live record has it.
    const open = services.intake.openBatch;
    const batch = open.no === no && open.count > 0 ? open : services.store.getBatch(no);
    if (!batch) throw new CityChainError({ code: ErrorCode.NOT_FOUND }, `this gateway has no batch ${no}`);
    return batchView(batch);
  });

  app.get<{ Params: { id: string } }>("/v1/devices/:id", async (request) => {
    const { id } = request.params;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    if (id.length > DEVICE_ID_CHARS_MAX || /[\u0000-\u001f\u007f]/.test(id))
      throw requestInvalid(`a device id has 1 to ${DEVICE_ID_CHARS_MAX} characters and no control characters`);
    const entry = (await services.directory.lookup([id])).get(id) ?? null;
    if (entry === null) {
      throw new CityChainError(
        { code: ErrorCode.DEVICE_UNKNOWN },
        `device ${id} is not registered on chain (as far as this gateway knows now)`,
      );
    }
    return {
      id: entry.id,
      operator: entry.operator,
      status: entry.status,
      keys: entry.keys.map((k) => ({ alg: k.alg, publicKey: bytesToHex(k.publicKey) })),
      keyTxId: entry.keyTxId,
    };
  });

  return app;
}
