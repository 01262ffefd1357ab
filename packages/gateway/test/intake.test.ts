import { generateKeyPair } from "@citychain/crypto";
import { bytesToHex, ErrorCode, hexToBytes, isCityChainError } from "@citychain/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BATCH_DEVICES_MAX,
  createDeviceSigner,
  decodeReading,
  encodeReading,
  type ReadingOutcome,
  StaticDeviceDirectory,
  signReading,
} from "../src/index.ts";
import { entryOf, type IntakeRig, openIntake, registeredDevice, removeDir, tempDir } from "./helpers.ts";

const codes = (outcomes: ReadingOutcome[]) => outcomes.map((o) => o.code);

describe("reading intake", () => {
  let dir: string;
  let directory: StaticDeviceDirectory;
  let rig: IntakeRig;

  beforeEach(() => {
    dir = tempDir("citychain-intake-");
    directory = new StaticDeviceDirectory();
    rig = openIntake(dir, directory);
  });

  afterEach(async () => {
    await rig.close();
    removeDir(dir);
  });

  it("accepts signed readings of Ed25519 and P-256 devices and stores them durably", async () => {
    const ed = registeredDevice(directory, "meter-ed", "ed25519");
    const p256 = registeredDevice(directory, "meter-p256", "p256");
    const inputs = [ed.sign({ kwh: 1 }), p256.sign({ kwh: 2 }), ed.sign({ kwh: 3 })];
    const out = await rig.intake.submit(inputs);
    expect(codes(out)).toEqual(["OK", "OK", "OK"]);
    out.forEach((o, i) => {
      if (!o.accepted) throw new Error(`reading ${i} refused`);
      expect(o.batch, `reading ${i}`).toBe(1);
      expect(o.index, `reading ${i}`).toBe(i);
      const stored = rig.store.getReading(hexToBytes(o.id));
      expect(stored?.bytes, `reading ${i}`).toEqual(inputs[i].reading);
      expect(stored?.index, `reading ${i}`).toBe(i);
    });
    expect(rig.store.lastSeq("meter-ed")).toBe(2);
    expect(rig.store.lastSeq("meter-p256")).toBe(1);
    expect(rig.intake.totals.accepted).toBe(3);
    expect(rig.intake.openBatch.devices).toEqual(["meter-ed", "meter-p256"]);
  });

  it("refuses unknown, revoked, badly signed, replayed and malformed readings, each with its code, and counts them", async () => {
    const good = registeredDevice(directory, "good");
    const revoked = registeredDevice(directory, "gone");
    directory.revoke("gone");
    const stranger = createDeviceSigner({ deviceId: "stranger", keyPair: generateKeyPair() });
    const impostor = createDeviceSigner({ deviceId: "good", keyPair: generateKeyPair(), firstSeq: 100 });
    const first = good.sign({ v: 1 });
    expect(codes(await rig.intake.submit([first]))).toEqual(["OK"]);
    const wrongKeyIndex = { ...good.sign({ v: 2 }), keyIndex: 3 };
    const cases: [string, Parameters<typeof rig.intake.submit>[0][number], string][] = [
      ["unknown device", stranger.sign({ v: 1 }), ErrorCode.DEVICE_UNKNOWN],
      ["revoked device", revoked.sign({ v: 1 }), ErrorCode.DEVICE_REVOKED],
      ["signed by another key", impostor.sign({ v: 1 }), ErrorCode.GATEWAY_SIGNATURE_INVALID],
      ["a key the device does not have", wrongKeyIndex, ErrorCode.GATEWAY_SIGNATURE_INVALID],
      ["replayed", first, ErrorCode.GATEWAY_READING_REPLAYED],
      [
        "not CBOR",
        { reading: new Uint8Array([0xff]), signature: new Uint8Array(64), keyIndex: 0 },
        ErrorCode.GATEWAY_READING_INVALID,
      ],
      ["unusable as sent", { problem: "readings[6].signature must be base64" }, ErrorCode.GATEWAY_READING_INVALID],
    ];
    const out = await rig.intake.submit(cases.map((c) => c[1]));
    cases.forEach(([why, , code], i) => {
      expect(out[i].code, why).toBe(code);
      expect(out[i].accepted, why).toBe(false);
      if (!out[i].accepted) expect(out[i].message.length, why).toBeGreaterThan(20);
    });
    const counted = { unknownDevice: 1, revoked: 1, badSignature: 2, replayed: 1 };
    expect(rig.intake.totals.rejected).toEqual(counted);
    expect(rig.intake.totals.invalid).toBe(2);
    expect(rig.intake.openBatch.rejected).toEqual(counted);
    // The counts are stored with the open batch, so a restart keeps them.
    expect(rig.store.getBatch(1)?.rejected).toEqual(counted);
    // A refused signature does not move the device's counter.
    expect(rig.store.lastSeq("good")).toBe(1);
  });

  it("takes a device's readings in seq order only, within a request and across requests", async () => {
    const d = registeredDevice(directory, "d");
    const [r1, r2, r3] = [d.sign({ v: 1 }), d.sign({ v: 2 }), d.sign({ v: 3 })];
    expect(codes(await rig.intake.submit([r1, r3, r2]))).toEqual(["OK", "OK", ErrorCode.GATEWAY_READING_REPLAYED]);
    expect(codes(await rig.intake.submit([r2, d.sign({ v: 4 })]))).toEqual([ErrorCode.GATEWAY_READING_REPLAYED, "OK"]);
  });

  it("lets only one of two racing requests with the same reading through", async () => {
    await rig.close();
    rig = openIntake(dir, directory, { threads: 1 });
    const d = registeredDevice(directory, "racer");
    const r = d.sign({ v: 1 });
    const [a, b] = await Promise.all([rig.intake.submit([r]), rig.intake.submit([r])]);
    expect([...codes(a), ...codes(b)].sort()).toEqual([ErrorCode.GATEWAY_READING_REPLAYED, "OK"]);
  });

  it("still refuses a replay after a restart", async () => {
    const d = registeredDevice(directory, "d");
    const r = d.sign({ v: 1 });
    expect(codes(await rig.intake.submit([r]))).toEqual(["OK"]);
    await rig.close();
    rig = openIntake(dir, directory);
    expect(codes(await rig.intake.submit([r]))).toEqual([ErrorCode.GATEWAY_READING_REPLAYED]);
    expect(codes(await rig.intake.submit([d.sign({ v: 2 })]))).toEqual(["OK"]);
  });

  it("seals a batch when it is full, and hands the batch over once its readings are written", async () => {
    await rig.close();
    rig = openIntake(dir, directory, { batchReadingsMax: 3 });
    const d = registeredDevice(directory, "d");
    const out = await rig.intake.submit(Array.from({ length: 7 }, (_, i) => d.sign({ i })));
    expect(out.map((o) => (o.accepted ? `${o.batch}/${o.index}` : o.code))).toEqual([
      "1/0",
      "1/1",
      "1/2",
      "2/0",
      "2/1",
      "2/2",
      "3/0",
    ]);
    expect(rig.sealed.map((b) => b.record.no)).toEqual([1, 2]);
    for (const b of rig.sealed) {
      await Promise.all(b.writes);
      expect(rig.store.batchLeaves(b.record.no).map(bytesToHex), `batch ${b.record.no}`).toEqual(
        b.leaves.map(bytesToHex),
      );
      expect(rig.store.getBatch(b.record.no)?.status, `batch ${b.record.no}`).toBe("sealed");
    }
    expect(rig.intake.pendingReadings).toBe(7);
  });

  it("seals a batch before it would name more devices than an anchor may", async () => {
    const inputs = Array.from({ length: BATCH_DEVICES_MAX + 1 }, (_, i) => {
      const keyPair = generateKeyPair();
      directory.set(entryOf(`dev-${i}`, keyPair));
      return signReading({ deviceId: `dev-${i}`, seq: 1, timeMs: 1, values: {} }, keyPair);
    });
    const out = await rig.intake.submit(inputs);
    expect(out.every((o) => o.accepted)).toBe(true);
    expect(rig.sealed.map((b) => b.devices.size)).toEqual([BATCH_DEVICES_MAX]);
    expect(rig.intake.openBatch.devices).toEqual([`dev-${BATCH_DEVICES_MAX}`]);
  });

  it("seals on the timer only a batch with readings; refusals meanwhile stay with the next batch", async () => {
    const d = registeredDevice(directory, "d");
    await rig.intake.submit([createDeviceSigner({ deviceId: "nobody", keyPair: generateKeyPair() }).sign({})]);
    rig.intake.seal();
    expect(rig.sealed).toEqual([]);
    await rig.intake.submit([d.sign({ v: 1 })]);
    rig.intake.seal();
    expect(rig.sealed.map((b) => [b.record.no, b.record.count, b.record.rejected.unknownDevice])).toEqual([[1, 1, 1]]);
    expect(rig.intake.openBatch.no).toBe(2);
  });

  it("gives back sealed and open batches after a restart", async () => {
    const d = registeredDevice(directory, "d");
    await rig.intake.submit([d.sign({ v: 1 }), d.sign({ v: 2 })]);
    rig.intake.seal();
    await Promise.all(rig.sealed[0].writes);
    await rig.intake.submit([d.sign({ v: 3 })]);
    await rig.close();
    rig = openIntake(dir, directory);
    expect(rig.sealed.map((b) => [b.record.no, b.leaves.length, b.record.status])).toEqual([[1, 2, "sealed"]]);
    expect(rig.intake.openBatch.no).toBe(2);
    expect(rig.intake.openBatch.count).toBe(1);
    expect(rig.intake.pendingReadings).toBe(3);
    const out = await rig.intake.submit([d.sign({ v: 4 })]);
    expect(out[0].accepted && [out[0].batch, out[0].index]).toEqual([2, 1]);
  });

  it("refuses a request with GATEWAY_BACKLOG_FULL while too many readings wait for anchoring", async () => {
    await rig.close();
    rig = openIntake(dir, directory, { pendingReadingsMax: 2 });
    const d = registeredDevice(directory, "d");
    await rig.intake.submit([d.sign({}), d.sign({})]);
    let error: unknown;
    await rig.intake.submit([d.sign({})]).catch((e) => {
      error = e;
    });
    expect(isCityChainError(error) && error.code).toBe(ErrorCode.GATEWAY_BACKLOG_FULL);
    rig.intake.settled(2);
    expect(codes(await rig.intake.submit([d.sign({})]))).toEqual(["OK"]);
  });

  it("decides the same way with signatures checked on worker threads", async () => {
    await rig.close();
    rig = openIntake(dir, directory, { threads: 2 });
    const ed = registeredDevice(directory, "ed");
    const p = registeredDevice(directory, "p", "p256");
    const bad = { ...p.sign({}), signature: new Uint8Array(64) };
    const reading = encodeReading({ deviceId: "ed", seq: 9, timeMs: 1, values: {} });
    const out = await rig.intake.submit([
      ed.sign({}),
      p.sign({}),
      bad,
      { reading, signature: new Uint8Array(64), keyIndex: 0 },
    ]);
    expect(codes(out)).toEqual(["OK", "OK", ErrorCode.GATEWAY_SIGNATURE_INVALID, ErrorCode.GATEWAY_SIGNATURE_INVALID]);
    expect(decodeReading(reading).seq).toBe(9);
  });
});
