import { generateKeyPair, type KeyPair, sign } from "@citychain/crypto";
import { bytesToHex, ErrorCode, hexToBytes, leafHash, merkleRoot } from "@citychain/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createDeviceSigner,
  DEVICE_BATCH_READINGS_MAX,
  encodeReading,
  type ReadingOutcome,
  readingBatchSignBytes,
  type SignedReadingBatch,
  StaticDeviceDirectory,
  signReadingBatch,
} from "../src/index.ts";
import { type IntakeRig, openIntake, registeredDevice, removeDir, tempDir } from "./helpers.ts";

const codes = (outcomes: ReadingOutcome[]) => outcomes.map((o) => o.code);
const values = (n: number) => Array.from({ length: n }, (_, i) => ({ i }));

describe("reading intake: signed device batches", () => {
  let dir: string;
  let directory: StaticDeviceDirectory;
  let rig: IntakeRig;

  beforeEach(() => {
    dir = tempDir("citychain-intake-batches-");
    directory = new StaticDeviceDirectory();
    rig = openIntake(dir, directory);
  });

  afterEach(async () => {
    await rig.close();
    removeDir(dir);
  });

  for (const threads of [0, 2]) {
    it(`accepts batches of Ed25519 and P-256 devices with one signature each (${threads} worker threads)`, async () => {
      await rig.close();
      rig = openIntake(dir, directory, { threads });
      const ed = registeredDevice(directory, "meter-ed", "ed25519");
      const p256 = registeredDevice(directory, "meter-p256", "p256");
      const batches = [ed.signBatch(values(3)), p256.signBatch(values(2)), ed.signBatch(values(4))];
      const out = await rig.intake.submitBatches(batches);
      expect(out.map(codes)).toEqual([Array(3).fill("OK"), Array(2).fill("OK"), Array(4).fill("OK")]);
      out.flat().forEach((o, i) => {
        if (!o.accepted) throw new Error(`reading ${i} refused`);
        expect(o.index, `reading ${i}`).toBe(i);
      });
      for (const [b, batch] of batches.entries()) {
        batch.readings.forEach((bytes, i) => {
          const o = out[b][i];
          const id = o.accepted ? o.id : "";
          expect(id, `batch ${b} reading ${i}`).toBe(bytesToHex(leafHash(bytes)));
          const stored = rig.store.getReading(hexToBytes(id));
          expect(stored?.bytes, `batch ${b} reading ${i}`).toEqual(bytes);
          expect(stored?.deviceBatch?.index, `batch ${b} reading ${i}`).toBe(i);
          // The batch's signature and key come back with the reading (stored once, with the batch).
          expect(stored?.signature, `batch ${b} reading ${i}`).toEqual(batch.signature);
          const record = rig.store.getDeviceBatch(stored?.deviceBatch?.no ?? 0);
          expect(record?.root, `batch ${b}`).toEqual(merkleRoot(batch.readings));
          expect(record?.leaves.length, `batch ${b}`).toBe(32 * batch.readings.length);
        });
      }
      expect(rig.store.lastSeq("meter-ed")).toBe(7);
      expect(rig.intake.totals.accepted).toBe(9);
    });
  }

  it("refuses every reading of a batch whose signature fails, counted as bad signatures", async () => {
    const d = registeredDevice(directory, "d");
    const impostor = createDeviceSigner({ deviceId: "d", keyPair: generateKeyPair() });
    const good = d.signBatch(values(3));
    const cases: [string, SignedReadingBatch][] = [
      ["signed by another key", impostor.signBatch(values(3))],
      [
        "a reading changed after signing",
        { ...good, readings: [good.readings[0], good.readings[2], good.readings[1]] },
      ],
      ["a reading left out", { ...good, readings: good.readings.slice(0, 2) }],
      ["the signature changed", { ...good, signature: good.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) }],
      ["a key the device does not have", { ...good, keyIndex: 2 }],
    ];
    for (const [why, batch] of cases) {
      const [out] = await rig.intake.submitBatches([batch]);
      expect(codes(out), why).toEqual(Array(batch.readings.length).fill(ErrorCode.GATEWAY_SIGNATURE_INVALID));
    }
    expect(rig.intake.totals.rejected.badSignature).toBe(3 + 3 + 2 + 3 + 3);
    expect(rig.store.lastSeq("d")).toBe(0);
    expect(codes((await rig.intake.submitBatches([good]))[0])).toEqual(["OK", "OK", "OK"]);
  });

  it("still checks each reading: device, seq order, replays, canonical bytes", async () => {
    const d = registeredDevice(directory, "d");
    const other = registeredDevice(directory, "other");
    const first = d.signBatch(values(2));
    expect(codes((await rig.intake.submitBatches([first]))[0])).toEqual(["OK", "OK"]);
    const key = d.keyPair;
    const reading = (seq: number, deviceId = "d") => ({ deviceId, seq, timeMs: 5, values: {} });
    const mixed = signReadingBatch("d", [reading(3), reading(2), reading(5), reading(5), reading(4)], key);
    const foreign = signReadingBatch("d", [reading(6), reading(1, "other")], key);
    const garbage = [signReadingBatch("d", [reading(7)], key).readings[0], Uint8Array.from([0xff, 0x00])];
    const [a, b, c] = await rig.intake.submitBatches([
      mixed,
      foreign,
      // The signature covers the undecodable bytes too: they are refused, the rest taken.
      { deviceId: "d", readings: garbage, signature: signedOver(garbage, key), keyIndex: 0 },
    ]);
    const R = ErrorCode.GATEWAY_READING_REPLAYED;
    const I = ErrorCode.GATEWAY_READING_INVALID;
    expect(codes(a)).toEqual(["OK", R, "OK", R, R]);
    expect(codes(b)).toEqual(["OK", I]);
    expect(codes(c)).toEqual(["OK", I]);
    if (!b[1].accepted) expect(b[1].message).toContain("device other");
    // A replayed batch: every reading refused and counted as replayed, no signature checked.
    expect(codes((await rig.intake.submitBatches([first]))[0])).toEqual([R, R]);
    expect(rig.intake.totals.rejected.replayed).toBe(3 + 2);
    expect(rig.intake.totals.invalid).toBe(2);
    expect(rig.store.lastSeq("d")).toBe(7);
    expect(rig.store.lastSeq("other")).toBe(0);
    expect(other.nextSeq).toBe(1);
  });

  it("refuses batches of unknown and revoked devices, and malformed batches, per reading", async () => {
    registeredDevice(directory, "gone");
    const gone = createDeviceSigner({ deviceId: "gone", keyPair: generateKeyPair() });
    directory.revoke("gone");
    const stranger = createDeviceSigner({ deviceId: "stranger", keyPair: generateKeyPair() });
    const d = registeredDevice(directory, "d");
    const tooMany = d.signBatch(values(DEVICE_BATCH_READINGS_MAX + 1));
    const out = await rig.intake.submitBatches([
      stranger.signBatch(values(2)),
      gone.signBatch(values(3)),
      { problem: "batches[2].signature must be base64", readings: 2 },
      tooMany,
      { ...d.signBatch([]), readings: [] },
    ]);
    expect(out.map(codes)).toEqual([
      Array(2).fill(ErrorCode.DEVICE_UNKNOWN),
      Array(3).fill(ErrorCode.DEVICE_REVOKED),
      Array(2).fill(ErrorCode.GATEWAY_READING_INVALID),
      Array(DEVICE_BATCH_READINGS_MAX + 1).fill(ErrorCode.GATEWAY_READING_INVALID),
      [ErrorCode.GATEWAY_READING_INVALID],
    ]);
    expect(rig.intake.totals.rejected).toMatchObject({ unknownDevice: 2, revoked: 3 });
    expect(rig.intake.openBatch.rejected).toMatchObject({ unknownDevice: 2, revoked: 3 });
  });

  it("takes single readings and batches in one request, singles first, one seq order per device", async () => {
    const d = registeredDevice(directory, "d");
    const single = d.sign({ v: 0 });
    const batch = d.signBatch(values(2));
    const late = signReadingBatch("d", [{ deviceId: "d", seq: 1, timeMs: 1, values: {} }], d.keyPair);
    const answer = await rig.intake.submitRequest({ readings: [single], batches: [batch, late] });
    expect(codes(answer.readings)).toEqual(["OK"]);
    expect(answer.batches.map(codes)).toEqual([["OK", "OK"], [ErrorCode.GATEWAY_READING_REPLAYED]]);
    expect(rig.store.lastSeq("d")).toBe(3);
  });

  it("lets only one of two racing requests with the same batch through, and remembers it after a restart", async () => {
    await rig.close();
    rig = openIntake(dir, directory, { threads: 1 });
    const d = registeredDevice(directory, "racer");
    const batch = d.signBatch(values(3));
    const [a, b] = await Promise.all([rig.intake.submitBatches([batch]), rig.intake.submitBatches([batch])]);
    const all = [...codes(a[0]), ...codes(b[0])].sort();
    expect(all).toEqual([...Array(3).fill(ErrorCode.GATEWAY_READING_REPLAYED), "OK", "OK", "OK"]);
    await rig.close();
    rig = openIntake(dir, directory);
    expect(codes((await rig.intake.submitBatches([batch]))[0])).toEqual(
      Array(3).fill(ErrorCode.GATEWAY_READING_REPLAYED),
    );
  });

  it("splits a device batch over two anchor batches when the first fills, and finds every reading", async () => {
    await rig.close();
    rig = openIntake(dir, directory, { batchReadingsMax: 4 });
    const d = registeredDevice(directory, "d");
    const [out] = await rig.intake.submitBatches([d.signBatch(values(6))]);
    expect(out.map((o) => (o.accepted ? `${o.batch}/${o.index}` : o.code))).toEqual([
      "1/0",
      "1/1",
      "1/2",
      "1/3",
      "2/0",
      "2/1",
    ]);
    await Promise.all(rig.sealed[0].writes);
    for (const o of out) {
      if (!o.accepted) continue;
      expect(rig.store.getReading(hexToBytes(o.id))?.index, o.id).toBe(o.index);
    }
    expect(rig.store.batchLeaves(1).map(bytesToHex)).toEqual(out.slice(0, 4).map((o) => (o.accepted ? o.id : "")));
  });

  it("counts a non-canonical reading in a batch as invalid", async () => {
    const d = registeredDevice(directory, "d");
    const canonical = encodeReading({ deviceId: "d", seq: 1, timeMs: 1, values: { a: 1.5 } });
    const asSingle = Uint8Array.from([...canonical.subarray(0, 24), 0xfa, 0x3f, 0xc0, 0, 0, ...canonical.subarray(27)]);
    const readings = [asSingle];
    const [out] = await rig.intake.submitBatches([
      { deviceId: "d", readings, signature: signedOver(readings, d.keyPair), keyIndex: 0 },
    ]);
    expect(codes(out)).toEqual([ErrorCode.GATEWAY_READING_INVALID]);
    if (!out[0].accepted) expect(out[0].message).toContain("canonical");
  });
});

/** A batch signature over any bytes (a device can sign anything). */
function signedOver(readings: Uint8Array[], keyPair: KeyPair): Uint8Array {
  return sign(keyPair, readingBatchSignBytes(merkleRoot(readings)));
}
