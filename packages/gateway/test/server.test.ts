import { ErrorCode } from "@citychain/protocol";
import { CityChainClient } from "@citychain/sdk";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createGatewayServer,
  ProofService,
  READINGS_PER_REQUEST_MAX,
  REQUEST_BYTES_MAX,
  StaticDeviceDirectory,
  signedReadingBatchToJson,
  signedReadingToJson,
} from "../src/index.ts";
import { type IntakeRig, openIntake, registeredDevice, removeDir, tempDir } from "./helpers.ts";

/**
 * The HTTP API over a real store and intake (devices given in code): input
 * bounds and per-reading answers. Proofs of anchored readings need a chain
 * and are covered by the network test.
 */
describe("gateway HTTP API", () => {
  let dir: string;
  let rig: IntakeRig;
  let app: FastifyInstance;
  const directory = new StaticDeviceDirectory();
  const device = registeredDevice(directory, "urn:dev:meter-1");

  beforeAll(async () => {
    dir = tempDir("citychain-gw-api-");
    rig = openIntake(dir, directory);
    // No node listens there: these tests must never need the chain.
    const client = new CityChainClient({ url: "http://127.0.0.1:9" });
    app = createGatewayServer(
      {
        intake: rig.intake,
        proofs: new ProofService(rig.store, client, "gw-1"),
        directory,
        store: rig.store,
        status: () => ({ gatewayId: "gw-1", totals: rig.intake.totals }),
      },
      pino({ level: "silent" }),
    );
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await rig.close();
    removeDir(dir);
  });

  const post = (payload: unknown, contentType = "application/json") =>
    app.inject({
      method: "POST",
      url: "/v1/readings",
      headers: { "content-type": contentType },
      payload: typeof payload === "string" ? payload : JSON.stringify(payload),
    });

  it("answers each reading of a request in order", async () => {
    const res = await post({
      readings: [
        signedReadingToJson(device.sign({ kwh: 1 })),
        { reading: "@@", signature: "x" },
        signedReadingToJson(device.sign({ kwh: 2 })),
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { accepted: number; rejected: number; results: { code: string; id?: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected).toBe(1);
    expect(body.results.map((r) => r.code)).toEqual(["OK", ErrorCode.GATEWAY_READING_INVALID, "OK"]);
    const status = await app.inject({ method: "GET", url: `/v1/readings/${body.results[0].id}` });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({
      status: "pending",
      batch: 1,
      index: 0,
      reading: { deviceId: "urn:dev:meter-1", seq: 1 },
    });
  });

  it("answers single readings and each device batch's readings, in order", async () => {
    const meter2 = registeredDevice(directory, "urn:dev:meter-2");
    const batch = signedReadingBatchToJson(meter2.signBatch([{ kwh: 1 }, { kwh: 2 }, { kwh: 3 }]));
    const res = await post({
      readings: [signedReadingToJson(device.sign({ kwh: 9 }))],
      batches: [
        batch,
        { ...batch, readings: [batch.readings[0], "@@"] },
        { ...signedReadingBatchToJson(meter2.signBatch([{ kwh: 4 }])), deviceId: "urn:dev:meter-1" },
        batch,
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      accepted: number;
      rejected: number;
      results: { code: string }[];
      batches: { accepted: number; rejected: number; results: { code: string; id?: string; message?: string }[] }[];
    };
    expect(body.results.map((r) => r.code)).toEqual(["OK"]);
    expect(body.batches.map((b) => b.results.map((r) => r.code))).toEqual([
      ["OK", "OK", "OK"],
      [ErrorCode.GATEWAY_READING_INVALID, ErrorCode.GATEWAY_READING_INVALID],
      [ErrorCode.GATEWAY_READING_INVALID],
      [ErrorCode.GATEWAY_READING_REPLAYED, ErrorCode.GATEWAY_READING_REPLAYED, ErrorCode.GATEWAY_READING_REPLAYED],
    ]);
    expect(body.batches.map((b) => [b.accepted, b.rejected])).toEqual([
      [3, 0],
      [0, 2],
      [0, 1],
      [0, 3],
    ]);
    expect([body.accepted, body.rejected]).toEqual([4, 6]);
    expect(body.batches[1].results[0].message).toContain("batches[1].readings[1]");
    expect(body.batches[2].results[0].message).toContain("urn:dev:meter-2");
    const status = await app.inject({ method: "GET", url: `/v1/readings/${body.batches[0].results[2].id}` });
    expect(status.json()).toMatchObject({ status: "pending", reading: { deviceId: "urn:dev:meter-2", seq: 3 } });
  });

  it("explains per batch what is wrong with a malformed one", async () => {
    const good = signedReadingBatchToJson(device.signBatch([{ kwh: 1 }, { kwh: 2 }]));
    const res = await post({
      batches: [
        "text",
        { ...good, deviceId: "" },
        { ...good, deviceId: "a\u0001b" },
        { ...good, readings: [] },
        { ...good, readings: "AAAA" },
        { ...good, signature: "AAAA" },
        { ...good, keyIndex: 99 },
        { ...good, readings: [good.readings[0], 7] },
      ],
    });
    const batches = (res.json() as { batches: { results: { code: string; message: string }[] }[] }).batches;
    const expected = [
      "must be {deviceId",
      "deviceId must be",
      "deviceId must be",
      "readings must list",
      "readings must list",
      "signature must be",
      "keyIndex",
      "readings[1] must be",
    ];
    batches.forEach((b, i) => {
      const expectedCount = [1, 2, 2, 1, 1, 2, 2, 2][i];
      expect(b.results.length, `batch ${i}`).toBe(expectedCount);
      for (const r of b.results) {
        expect(r.code, `batch ${i}`).toBe(ErrorCode.GATEWAY_READING_INVALID);
        expect(r.message, `batch ${i}`).toContain(expected[i]);
      }
    });
  });

  it("refuses requests outside the bounds with a code and a message saying what to do", async () => {
    const one = signedReadingToJson(device.sign({}));
    const cases: [string, () => ReturnType<typeof post>, number, string][] = [
      ["not JSON", () => post("{readings:"), 400, ErrorCode.REQUEST_INVALID],
      ["no readings list", () => post({ reading: one }), 400, ErrorCode.REQUEST_INVALID],
      ["empty list", () => post({ readings: [] }), 400, ErrorCode.REQUEST_INVALID],
      ["empty lists", () => post({ readings: [], batches: [] }), 400, ErrorCode.REQUEST_INVALID],
      ["batches not a list", () => post({ batches: {} }), 400, ErrorCode.REQUEST_INVALID],
      [
        "too many readings counting those in batches",
        () =>
          post({
            readings: [one],
            batches: Array.from({ length: READINGS_PER_REQUEST_MAX / 1000 }, () => ({
              readings: Array(1000).fill(one.reading),
            })),
          }),
        413,
        ErrorCode.BATCH_TOO_LARGE,
      ],
      [
        "too many readings",
        () => post({ readings: Array.from({ length: READINGS_PER_REQUEST_MAX + 1 }, () => one) }),
        413,
        ErrorCode.BATCH_TOO_LARGE,
      ],
      [
        "body too large",
        () => post({ readings: [one], pad: "x".repeat(REQUEST_BYTES_MAX) }),
        413,
        ErrorCode.REQUEST_TOO_LARGE,
      ],
      ["not JSON media type", () => post("readings", "text/plain"), 415, ErrorCode.REQUEST_MEDIA_TYPE_UNSUPPORTED],
    ];
    for (const [why, send, status, code] of cases) {
      const res = await send();
      expect(res.statusCode, why).toBe(status);
      const body = res.json() as { error: { code: string; message: string } };
      expect(body.error.code, why).toBe(code);
      expect(body.error.message.length, why).toBeGreaterThan(10);
    }
  });

  it("explains per reading what is wrong with an element", async () => {
    const good = signedReadingToJson(device.sign({}));
    const res = await post({
      readings: [
        "text",
        { reading: good.reading },
        { ...good, signature: "AAAA" },
        { ...good, keyIndex: 8 },
        { ...good, keyIndex: -1 },
        { ...good, reading: "A".repeat(2000) },
      ],
    });
    const results = (res.json() as { results: { code: string; message: string }[] }).results;
    const expected = [
      "must be {reading",
      "signature must be",
      "signature must be",
      "keyIndex",
      "keyIndex",
      "reading must be",
    ];
    results.forEach((r, i) => {
      expect(r.code, `element ${i}`).toBe(ErrorCode.GATEWAY_READING_INVALID);
      expect(r.message, `element ${i}`).toContain(expected[i]);
    });
  });

  it("answers for readings, batches and devices it does not have", async () => {
    const cases: [string, number, string][] = [
      [`/v1/readings/${"0".repeat(64)}`, 404, ErrorCode.GATEWAY_READING_NOT_FOUND],
      [`/v1/readings/${"0".repeat(64)}/proof`, 404, ErrorCode.GATEWAY_READING_NOT_FOUND],
      ["/v1/readings/xyz/proof", 400, ErrorCode.REQUEST_INVALID],
      ["/v1/batches/0", 400, ErrorCode.REQUEST_INVALID],
      ["/v1/batches/99", 404, ErrorCode.NOT_FOUND],
      ["/v1/devices/nobody", 404, ErrorCode.DEVICE_UNKNOWN],
      ["/v1/nothing", 404, ErrorCode.NOT_FOUND],
    ];
    for (const [url, status, code] of cases) {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(status);
      expect((res.json() as { error: { code: string } }).error.code, url).toBe(code);
    }
  });

  it("tells a client to come back for the proof of a reading not anchored yet", async () => {
    const res = await post({ readings: [signedReadingToJson(device.sign({}))] });
    const id = (res.json() as { results: { id: string }[] }).results[0].id;
    const proof = await app.inject({ method: "GET", url: `/v1/readings/${id}/proof` });
    expect(proof.statusCode).toBe(409);
    expect((proof.json() as { error: { code: string } }).error.code).toBe(ErrorCode.GATEWAY_READING_NOT_ANCHORED);
    const batch = await app.inject({ method: "GET", url: "/v1/batches/1" });
    expect(batch.json()).toMatchObject({ no: 1, status: "open", devices: ["urn:dev:meter-1", "urn:dev:meter-2"] });
    const dev = await app.inject({ method: "GET", url: "/v1/devices/urn:dev:meter-1" });
    expect(dev.json()).toMatchObject({ id: "urn:dev:meter-1", status: "active", keys: [{ alg: "ed25519" }] });
  });
});
