import { ErrorCode } from "@citychain/protocol";

const hex = { type: "string", pattern: "^[0-9a-f]*$" };
const b64 = { type: "string", contentEncoding: "base64" };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ "application/json": { schema } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/Error${s}` }]));
const signed = [{ citychainCert: [], citychainTime: [], citychainSignature: [] }, {}];

const errorResponse = (description: string) => ({ description, content: json(ref("Error")) });

/** Hand-written OpenAPI 3.1 description of the node API, served at /openapi.json. */
export function openApiDocument(version: string): object {
  return {
    openapi: "3.1.0",
    info: {
      title: "CityChain node API",
      version,
      description:
        "Submit transactions, query contracts, read blocks and proofs, stream events. In 'alliance' and 'private' mode every read needs a member-signed request: headers x-citychain-cert (base64 DER), x-citychain-time (ms), x-citychain-signature (base64 signature over the UTF-8 lines citychain/api/v1, METHOD, path with query, time, sha256 hex of the body, joined by newlines).",
    },
    components: {
      securitySchemes: {
        citychainCert: { type: "apiKey", in: "header", name: "x-citychain-cert" },
        citychainTime: { type: "apiKey", in: "header", name: "x-citychain-time" },
        citychainSignature: { type: "apiKey", in: "header", name: "x-citychain-signature" },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: { code: { type: "string", enum: Object.values(ErrorCode) }, message: { type: "string" } },
            },
          },
        },
        SubmitResult: {
          type: "object",
          required: ["accepted", "code", "message"],
          properties: {
            id: hex,
            accepted: { type: "boolean" },
            code: { type: "string" },
            message: { type: "string" },
            height: { type: "integer" },
            index: { type: "integer" },
            returnValue: b64,
            returnText: { type: "string" },
          },
        },
        Header: {
          type: "object",
          properties: {
            chainId: { type: "string" },
            height: { type: "integer" },
            timeMs: { type: "integer" },
            prevHash: hex,
            txRoot: hex,
            resultsRoot: hex,
            appHash: hex,
            validatorsHash: hex,
            proposer: hex,
          },
        },
        Commit: {
          type: "object",
          properties: {
            height: { type: "integer" },
            round: { type: "integer" },
            blockHash: hex,
            sigs: { type: "array", items: { type: "object", properties: { validator: hex, sig: b64 } } },
          },
        },
        Block: {
          type: "object",
          properties: {
            height: { type: "integer" },
            hash: hex,
            header: ref("Header"),
            txs: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  id: hex,
                  contract: { type: "string" },
                  fn: { type: "string" },
                  code: { type: "string" },
                  signers: { type: "array", items: { type: "object" } },
                },
              },
            },
            commit: ref("Commit"),
          },
        },
      },
      responses: {
        Error400: errorResponse("bad input (REQUEST_INVALID, TX_DECODE_FAILED, TX_EXPIRED, TX_SIGNATURE_INVALID, ...)"),
        Error401: errorResponse("AUTH_REQUIRED or AUTH_INVALID: sign the request as a member"),
        Error403: errorResponse("CERT_* or ACCESS_DENIED: the certificate may not do this"),
        Error404: errorResponse("NOT_FOUND, TX_NOT_FOUND, BLOCK_NOT_FOUND, CONTRACT_NOT_FOUND"),
        Error409: errorResponse("TX_DUPLICATE"),
        Error413: errorResponse("TX_TOO_LARGE, BATCH_TOO_LARGE, REQUEST_TOO_LARGE"),
        Error503: errorResponse("MEMPOOL_FULL: retry after the next blocks"),
      },
    },
    paths: {
      "/v1/txs": {
        post: {
          summary: "Submit transactions (base64 JSON, a batch, or one raw CBOR SignedTx)",
          parameters: [
            { name: "wait", in: "query", schema: { type: "boolean" }, description: "wait for commit" },
            { name: "timeoutMs", in: "query", schema: { type: "integer", maximum: 60000 } },
          ],
          requestBody: {
            content: {
              ...json({
                oneOf: [
                  { type: "object", required: ["tx"], properties: { tx: b64 } },
                  { type: "object", required: ["txs"], properties: { txs: { type: "array", items: b64 } } },
                ],
              }),
              "application/cbor": { schema: { type: "string", format: "binary" } },
            },
          },
          responses: {
            "200": {
              description: "outcomes, one per transaction",
              content: json({ type: "object", properties: { results: { type: "array", items: ref("SubmitResult") } } }),
            },
            "202": { description: "accepted, not yet committed" },
            ...errors(400, 403, 409, 413, 503),
          },
        },
      },
      "/v1/txs/endorse": {
        post: {
          summary:
            "Have this member node simulate a transaction with transient data (private data collections), sign the read-write set, push the private values to the collection's member nodes, and submit the endorsed transaction (or return the endorsement with submit: false)",
          security: signed,
          requestBody: {
            content: json({
              type: "object",
              required: ["tx"],
              properties: {
                tx: b64,
                transient: { type: "object", additionalProperties: b64 },
                submit: { type: "boolean", default: true },
                timeoutMs: { type: "integer", maximum: 60000 },
              },
            }),
          },
          responses: {
            "200": {
              description:
                "endorsement (txId, rwset, endorsement, endorsedTx, returnValue) and, when submitted, result",
            },
            "202": { description: "endorsed and accepted, not yet committed" },
            ...errors(400, 401, 403, 404, 409),
          },
        },
      },
      "/v1/contracts/{contract}/collections/{collection}/hash": {
        get: {
          summary: "The SHA-256 of a private value as committed on chain (check a value you are shown)",
          security: signed,
          parameters: [
            { name: "contract", in: "path", required: true, schema: { type: "string" } },
            { name: "collection", in: "path", required: true, schema: { type: "string" } },
            { name: "key", in: "query", required: true, schema: { type: "string" } },
          ],
          responses: { "200": { description: "hash (hex) and height" }, ...errors(400, 401, 404) },
        },
      },
      "/v1/txs/{id}": {
        get: {
          summary: "A committed transaction, its result and its proof (JSON and canonical CBOR)",
          security: signed,
          parameters: [{ name: "id", in: "path", required: true, schema: hex }],
          responses: { "200": { description: "transaction, result and proof" }, ...errors(400, 401, 403, 404) },
        },
      },
      "/v1/query": {
        post: {
          summary: "Evaluate a contract function against committed state (nothing is written)",
          security: signed,
          requestBody: {
            content: json({
              type: "object",
              required: ["contract", "fn"],
              properties: {
                contract: { type: "string" },
                fn: { type: "string" },
                args: { type: "array", items: { type: "string" } },
                transient: {
                  type: "object",
                  additionalProperties: b64,
                  description: "transient data (private collections)",
                },
              },
            }),
          },
          responses: {
            "200": {
              description: "result",
              content: json({ type: "object", properties: { result: b64, resultText: { type: "string" } } }),
            },
            ...errors(400, 401, 403, 404),
          },
        },
      },
      "/v1/blocks/{heightOrHash}": {
        get: {
          summary: "A committed block by height, hash or 'latest'",
          security: signed,
          parameters: [
            { name: "heightOrHash", in: "path", required: true, schema: { type: "string" } },
            { name: "format", in: "query", schema: { type: "string", enum: ["json", "cbor"] } },
          ],
          responses: {
            "200": {
              description: "block",
              content: { ...json(ref("Block")), "application/cbor": { schema: { type: "string", format: "binary" } } },
            },
            ...errors(400, 401, 403, 404),
          },
        },
      },
      "/v1/validator-sets": {
        get: {
          summary:
            "The next height's validator set and every change the chain decided, each with the canonical-CBOR proof of its transaction (check them in order from the genesis set: SDK followValidatorSets)",
          security: signed,
          responses: { "200": { description: "current set and changes" }, ...errors(401, 403) },
        },
      },
      "/v1/status": {
        get: {
          summary: "Node and chain status",
          security: signed,
          responses: { "200": { description: "status" }, ...errors(401, 403) },
        },
      },
      "/v1/stream": {
        get: {
          summary:
            "WebSocket: {type:'block'} and {type:'event'} messages from fromHeight on, then live; closed with STREAM_TOO_SLOW when the client falls behind",
          security: signed,
          parameters: [
            { name: "fromHeight", in: "query", schema: { type: "integer" } },
            { name: "contract", in: "query", schema: { type: "string" } },
            { name: "event", in: "query", schema: { type: "string" } },
          ],
          responses: { "101": { description: "switching to WebSocket" }, ...errors(400, 401, 403) },
        },
      },
      "/healthz": { get: { summary: "Liveness", responses: { "200": { description: "ok" } } } },
      "/metrics": {
        get: { summary: "Prometheus metrics", responses: { "200": { description: "text exposition format" } } },
      },
      "/openapi.json": { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } } },
    },
  };
}
