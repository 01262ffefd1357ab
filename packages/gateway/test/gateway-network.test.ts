import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { generateKeyPair, type KeyPair, type LoadedIdentity, loadIdentity } from "@citychain/crypto";
import { initNetwork, type NetworkLayout } from "@citychain/node";
import { bytesToBase64, bytesToHex, bytesToUtf8, ErrorCode, isCityChainError, merkleRoot } from "@citychain/protocol";
import { CityChainClient, loadGenesis, SUPPLY_CHAIN_CONTRACT } from "@citychain/sdk";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_MAIN } from "../../cli/src/index.ts";
import { randomPortBase, startNodeProcess, stopNode, until } from "../../cli/test/helpers.ts";
import {
  ChainDeviceDirectory,
  createDeviceSigner,
  createGatewayIdentity,
  type DeviceSigner,
  decodeReading,
  Gateway,
  publicKeyPemOf,
  type ReadingProof,
  type SignedReading,
  type SignedReadingBatch,
  signedReadingBatchToJson,
  signedReadingToJson,
  signReadingBatch,
  verifyReadingProof,
} from "../src/index.ts";
import { removeDir, tempDir } from "./helpers.ts";

const ORG = "city-iot";
const GATEWAY_ID = "urn:dev:city-iot:gateway-1";
const CLI_GATEWAY_ID = "urn:dev:city-iot:gateway-2";

interface Answer {
  accepted: number;
  rejected: number;
  results: { accepted: boolean; code: string; id?: string; message?: string }[];
}

/** A JWK of a P-256 key pair's public half (the Devices contract reads JWKs too). */
function jwkOf(kp: KeyPair): string {
  const x = Buffer.from(kp.publicKey.subarray(1, 33)).toString("base64url");
  const y = Buffer.from(kp.publicKey.subarray(33)).toString("base64url");
  return JSON.stringify({ kty: "EC", crv: "P-256", x, y });
}

/**
 * The gateway against a real node process (solo validator, loopback): the
 * operator registers devices in several key forms and revokes one; readings
 * go through the gateway's HTTP API and each refusal is answered with its
 * code, counted, and lands in the on-chain anchor's `rejected`; readings of
 * a device revoked after they were accepted are taken out before anchoring;
 * a reading's proof verifies against the genesis and tampered ones fail; a
 * rotated key takes over at once; a restarted gateway still refuses
 * replays; and `citychain gateway start` runs the same as a process.
 */
describe("IoT gateway on a process network", () => {
  let dir: string;
  let layout: NetworkLayout;
  let node: ChildProcess | undefined;
  let apiUrl: string;
  let admin: CityChainClient;
  let gatewayIdentity: LoadedIdentity;
  let gateway: Gateway;
  let gatewayUrl: string;
  let meter: DeviceSigner;
  let fridge: DeviceSigner;
  let camera: DeviceSigner;
  let old: DeviceSigner;
  const accepted: { signed: SignedReading; id: string }[] = [];
  const logger = pino({ level: "silent" });

  const post = async (url: string, readings: SignedReading[]): Promise<Answer> => {
    const res = await fetch(`${url}/v1/readings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ readings: readings.map(signedReadingToJson) }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Answer;
  };
  const getJson = async <T>(url: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(url);
    return { status: res.status, body: (await res.json()) as T };
  };
  const register = async (id: string, key: string): Promise<number> =>
    (await admin.submitTransaction(SUPPLY_CHAIN_CONTRACT, "Devices:Register", id, key)).height;
  /** Waits (bounded) until the gateway has applied the chain's device changes up to `height`. */
  const watched = (g: Gateway, height: number) =>
    until(
      async () => (g.watcher.appliedHeight >= height ? true : undefined),
      `gateway to see height ${height}`,
      30_000,
    );
  const startGateway = async (): Promise<void> => {
    gateway = await Gateway.start({
      home: join(dir, "gateway-1"),
      apiUrl,
      identity: gatewayIdentity,
      gatewayId: GATEWAY_ID,
      anchorIntervalMs: 0,
      verifyThreads: 1,
      logger,
    });
    gatewayUrl = await gateway.listen(0);
  };

  beforeAll(async () => {
    dir = tempDir("citychain-gateway-net-");
    const base = randomPortBase();
    layout = await initNetwork({
      dir: join(dir, "network"),
      orgs: [ORG, "utility"],
      validators: 1,
      apiPortBase: base,
      p2pPortBase: base + 20,
    });
    apiUrl = `http://127.0.0.1:${base}`;
    node = await startNodeProcess(layout.orgs[0].nodeHome, apiUrl);
    admin = new CityChainClient({ url: apiUrl, identity: await loadIdentity(layout.orgs[0].identities.admin) });
    const gw = await createGatewayIdentity({
      caDir: layout.orgs[0].caDir,
      orgId: ORG,
      commonName: GATEWAY_ID,
      outDir: join(dir, "gateway-1-identity"),
    });
    gatewayIdentity = gw.identity;
    await register(GATEWAY_ID, gw.publicKeyPem);

    const edKey = generateKeyPair("ed25519");
    const p256Key = generateKeyPair("p256");
    const camEd = generateKeyPair("ed25519");
    const camP256 = generateKeyPair("p256");
    const oldKey = generateKeyPair("ed25519");
    meter = createDeviceSigner({ deviceId: "urn:dev:city-iot:meter-1", keyPair: edKey });
    fridge = createDeviceSigner({ deviceId: "urn:dev:city-iot:fridge-2", keyPair: p256Key });
    // The camera's DID document lists two keys; it signs with the second (P-256).
    camera = createDeviceSigner({ deviceId: "urn:dev:city-iot:camera-3", keyPair: camP256, keyIndex: 1 });
    old = createDeviceSigner({ deviceId: "urn:dev:city-iot:old-4", keyPair: oldKey });
    await register(meter.deviceId, publicKeyPemOf(edKey));
    await register(fridge.deviceId, jwkOf(p256Key));
    await register(
      camera.deviceId,
      JSON.stringify({
        id: "did:example:camera-3",
        verificationMethod: [
          { id: "#k0", type: "JsonWebKey2020", publicKeyPem: publicKeyPemOf(camEd) },
          { id: "#k1", type: "JsonWebKey2020", publicKeyJwk: JSON.parse(jwkOf(camP256)) },
        ],
      }),
    );
    await register(old.deviceId, publicKeyPemOf(oldKey));
    await startGateway();
  });

  afterAll(async () => {
    await gateway?.stop().catch(() => {});
    if (node) await stopNode(node, "SIGKILL");
    removeDir(dir);
  });

  it("refuses to start as a member, or for a gateway id the chain does not know", async () => {
    const attempts: [string, () => Promise<Gateway>, string][] = [
      [
        "member identity",
        async () =>
          Gateway.start({
            home: join(dir, "refused"),
            apiUrl,
            identity: await loadIdentity(layout.orgs[0].identities.member),
            gatewayId: GATEWAY_ID,
            logger,
          }),
        ErrorCode.CERT_ROLE_FORBIDDEN,
      ],
      [
        "unregistered id",
        () =>
          Gateway.start({
            home: join(dir, "refused"),
            apiUrl,
            identity: gatewayIdentity,
            gatewayId: "urn:dev:nobody",
            logger,
          }),
        ErrorCode.GATEWAY_NOT_REGISTERED,
      ],
    ];
    for (const [why, start, code] of attempts) {
      let error: unknown;
      await start().then(
        (g) => g.stop(),
        (e) => {
          error = e;
        },
      );
      expect(isCityChainError(error) && error.code, why).toBe(code);
    }
  });

  it("accepts good readings, refuses and counts the others, and anchors the batch with its rejections", async () => {
    const good = [
      meter.sign({ kwh: 1.5 }),
      fridge.sign({ celsius: 4.2 }),
      camera.sign({ people: 3 }),
      meter.sign({ kwh: 1.7 }),
    ];
    const early = old.sign({ on: true });
    const first = await post(gatewayUrl, [...good, early]);
    expect(first.results.map((r) => r.code)).toEqual(["OK", "OK", "OK", "OK", "OK"]);
    for (const [i, signed] of good.entries()) accepted.push({ signed, id: first.results[i].id as string });
    const earlyId = first.results[4].id as string;

    // The operator revokes the old device; the gateway hears it from the chain's stream.
    const revokedAt = (
      await admin.submitTransaction(SUPPLY_CHAIN_CONTRACT, "Devices:Revoke", old.deviceId, "decommissioned")
    ).height;
    await watched(gateway, revokedAt);

    const stranger = createDeviceSigner({ deviceId: "urn:dev:city-iot:stranger", keyPair: generateKeyPair() });
    const forged = createDeviceSigner({ deviceId: meter.deviceId, keyPair: generateKeyPair(), firstSeq: 50 });
    const more = meter.sign({ kwh: 2 });
    const second = await post(gatewayUrl, [
      stranger.sign({ kwh: 9 }),
      old.sign({ on: false }),
      forged.sign({ kwh: 0 }),
      good[0],
      more,
    ]);
    expect(second.results.map((r) => r.code)).toEqual([
      ErrorCode.DEVICE_UNKNOWN,
      ErrorCode.DEVICE_REVOKED,
      ErrorCode.GATEWAY_SIGNATURE_INVALID,
      ErrorCode.GATEWAY_READING_REPLAYED,
      "OK",
    ]);
    accepted.push({ signed: more, id: second.results[4].id as string });
    expect(gateway.intake.totals.rejected).toEqual({ unknownDevice: 1, revoked: 1, badSignature: 1, replayed: 1 });

    await gateway.anchorNow();

    // The revoked device's early reading was taken out (the contract refuses anchors naming revoked devices).
    const early2 = await getJson<{ status: string }>(`${gatewayUrl}/v1/readings/${earlyId}`);
    expect(early2.body.status).toBe("dropped");
    const earlyProof = await getJson<{ error: { code: string } }>(`${gatewayUrl}/v1/readings/${earlyId}/proof`);
    expect(earlyProof.status).toBe(409);
    expect(earlyProof.body.error.code).toBe(ErrorCode.GATEWAY_READING_NOT_ANCHORED);

    const onChain = JSON.parse(
      bytesToUtf8(await admin.evaluateTransaction(SUPPLY_CHAIN_CONTRACT, "Telemetry:Get", GATEWAY_ID, "1")),
    ) as { count: number; devices: string[]; rejected: Record<string, number>; root: string };
    expect(onChain.count).toBe(5);
    expect([...onChain.devices].sort()).toEqual([camera.deviceId, fridge.deviceId, meter.deviceId].sort());
    expect(onChain.rejected).toEqual({ unknownDevice: 1, revoked: 2, badSignature: 1, replayed: 1 });
    const batch = await getJson<{ status: string; root: string; anchor: { seq: number } }>(
      `${gatewayUrl}/v1/batches/1`,
    );
    expect(batch.body).toMatchObject({ status: "anchored", root: onChain.root, anchor: { seq: 1 } });
  });

  it("proves an anchored reading against the genesis, and a tampered proof fails the check it breaks", async () => {
    const genesis = await loadGenesis(layout.genesisFile);
    for (const { signed, id } of accepted) {
      const res = await getJson<ReadingProof>(`${gatewayUrl}/v1/readings/${id}/proof`);
      expect(res.status, id).toBe(200);
      const verified = verifyReadingProof(res.body, genesis);
      expect(verified.id, id).toBe(id);
      expect(verified.gatewayId).toBe(GATEWAY_ID);
      expect(bytesToBase64(signed.reading)).toBe(res.body.reading);
    }
    const proof = (await getJson<ReadingProof>(`${gatewayUrl}/v1/readings/${accepted[2].id}/proof`)).body;
    if (proof.version !== 1) throw new Error(`a single reading's proof has version 1, not ${proof.version}`);
    expect(proof.keyIndex).toBe(1);
    expect(proof.deviceKey.alg).toBe("p256");
    const other = (await getJson<ReadingProof>(`${gatewayUrl}/v1/readings/${accepted[0].id}/proof`)).body;
    const flip = (b64: string, at: number) => {
      const bytes = Buffer.from(b64, "base64");
      bytes[at] ^= 1;
      return bytes.toString("base64");
    };
    const flipHex = (hex: string) => `${hex.slice(0, -1)}${hex.endsWith("0") ? "1" : "0"}`;
    const otherGenesis = (
      await initNetwork({ dir: join(dir, "elsewhere"), orgs: ["elsewhere"], validators: 1, chainId: "citychain-local" })
    ).genesis;
    const cases: [string, ReadingProof, string][] = [
      ["a changed reading value", { ...proof, reading: flip(proof.reading, proof.reading.length > 8 ? 10 : 1) }, ""],
      ["a changed signature", { ...proof, signature: flip(proof.signature, 5) }, "'signature'"],
      ["another key index", { ...proof, keyIndex: 0 }, "'deviceKey'"],
      ["another device's key registration", { ...proof, deviceKey: other.deviceKey }, "'deviceKey'"],
      [
        "a changed Merkle path",
        { ...proof, merkle: { ...proof.merkle, path: proof.merkle.path.map(flipHex) } },
        "'merkle'",
      ],
      [
        "another leaf index",
        { ...proof, merkle: { ...proof.merkle, index: (proof.merkle.index + 1) % proof.merkle.size } },
        "'merkle'",
      ],
      ["another root", { ...proof, root: flipHex(proof.root) }, "'merkle'"],
      [
        "a changed anchor transaction",
        { ...proof, anchor: { ...proof.anchor, proof: flip(proof.anchor.proof, 40) } },
        "",
      ],
      ["another gateway", { ...proof, gatewayId: CLI_GATEWAY_ID }, "'anchor'"],
    ];
    for (const [why, tampered, check] of cases) {
      let error: unknown;
      try {
        verifyReadingProof(tampered, genesis);
      } catch (e) {
        error = e;
      }
      expect(isCityChainError(error) && error.code, why).toBe(ErrorCode.PROOF_INVALID);
      if (check) expect((error as Error).message, why).toContain(check);
    }
    // The same proof against another chain's validators (same chain id) fails.
    expect(() => verifyReadingProof(proof, otherGenesis)).toThrow(/proof check/);
  });

  it("takes signed device batches, and proves their readings; a tampered batch proof fails the check it breaks", async () => {
    const edBatch = meter.signBatch([{ kwh: 4.1 }, { kwh: 4.2 }, { kwh: 4.3 }]);
    // The camera signs with its second key (P-256); its batch carries a replayed reading, refused on its own.
    const seq = camera.nextSeq;
    const camBatch: SignedReadingBatch = signReadingBatch(
      camera.deviceId,
      [seq, 1, seq + 1].map((s) => ({
        deviceId: camera.deviceId,
        seq: s,
        timeMs: 1_767_225_600_000,
        values: { people: s },
      })),
      camera.keyPair,
      1,
    );
    const res = await fetch(`${gatewayUrl}/v1/readings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ batches: [edBatch, camBatch].map(signedReadingBatchToJson) }),
    });
    const answer = (await res.json()) as { batches: Answer[] };
    expect(answer.batches.map((b) => b.results.map((r) => r.code))).toEqual([
      ["OK", "OK", "OK"],
      ["OK", ErrorCode.GATEWAY_READING_REPLAYED, "OK"],
    ]);
    await gateway.anchorNow();
    const genesis = await loadGenesis(layout.genesisFile);
    const proofs: ReadingProof[] = [];
    for (const [b, batch] of [edBatch, camBatch].entries()) {
      for (const [i, r] of answer.batches[b].results.entries()) {
        if (!r.accepted) continue;
        const proof = (await getJson<ReadingProof>(`${gatewayUrl}/v1/readings/${r.id}/proof`)).body;
        expect(proof.version, `batch ${b} reading ${i}`).toBe(2);
        const verified = verifyReadingProof(proof, genesis);
        expect(verified.id, `batch ${b} reading ${i}`).toBe(r.id);
        expect(verified.deviceBatch, `batch ${b} reading ${i}`).toEqual({
          root: bytesToHex(merkleRoot(batch.readings)),
          size: batch.readings.length,
        });
        proofs.push(proof);
      }
    }
    const proof = proofs[4];
    const other = proofs[0];
    if (proof.version !== 2 || other.version !== 2) throw new Error("device batch proofs have version 2");
    expect(proof.deviceBatch.index).toBe(2);
    expect(proof.deviceKey.alg).toBe("p256");
    const flip = (b64: string, at: number) => {
      const bytes = Buffer.from(b64, "base64");
      bytes[at] ^= 1;
      return bytes.toString("base64");
    };
    const flipHex = (hex: string) => `${hex.slice(0, -1)}${hex.endsWith("0") ? "1" : "0"}`;
    const batchPart = proof.deviceBatch;
    const cases: [string, ReadingProof, string][] = [
      ["a changed reading value", { ...proof, reading: flip(proof.reading, proof.reading.length > 8 ? 10 : 1) }, ""],
      [
        "a changed path in the device batch",
        { ...proof, deviceBatch: { ...batchPart, path: batchPart.path.map(flipHex) } },
        "'deviceBatch'",
      ],
      ["another leaf of the device batch", { ...proof, deviceBatch: { ...batchPart, index: 0 } }, "'deviceBatch'"],
      ["another device batch size", { ...proof, deviceBatch: { ...batchPart, size: 4 } }, "'deviceBatch'"],
      [
        "a changed device batch root",
        { ...proof, deviceBatch: { ...batchPart, root: flipHex(batchPart.root) } },
        "'deviceBatch'",
      ],
      ["another device batch's root and path", { ...proof, deviceBatch: { ...other.deviceBatch } }, "'deviceBatch'"],
      [
        "a changed batch signature",
        { ...proof, deviceBatch: { ...batchPart, signature: flip(batchPart.signature, 5) } },
        "'signature'",
      ],
      [
        "another batch's signature",
        { ...proof, deviceBatch: { ...batchPart, signature: other.deviceBatch.signature } },
        "'signature'",
      ],
      [
        "the batch signature passed off as the reading's own",
        { ...proof, version: 1, signature: batchPart.signature } as unknown as ReadingProof,
        "'signature'",
      ],
      [
        "a changed path in the anchor batch",
        { ...proof, merkle: { ...proof.merkle, path: proof.merkle.path.map(flipHex) } },
        "'merkle'",
      ],
      ["no device batch part", { ...proof, deviceBatch: undefined } as unknown as ReadingProof, "'format'"],
    ];
    for (const [why, tampered, check] of cases) {
      let error: unknown;
      try {
        verifyReadingProof(tampered, genesis);
      } catch (e) {
        error = e;
      }
      expect(isCityChainError(error) && error.code, why).toBe(ErrorCode.PROOF_INVALID);
      if (check) expect((error as Error).message, why).toContain(check);
    }
    camera = createDeviceSigner({ deviceId: camera.deviceId, keyPair: camera.keyPair, keyIndex: 1, firstSeq: seq + 2 });
  });

  it("uses a rotated key as soon as the chain has it", async () => {
    const newKey = generateKeyPair("ed25519");
    const rotatedAt = (
      await admin.submitTransaction(SUPPLY_CHAIN_CONTRACT, "Devices:RotateKey", meter.deviceId, publicKeyPemOf(newKey))
    ).height;
    await watched(gateway, rotatedAt);
    const stale = meter.sign({ kwh: 3 });
    const rotated = createDeviceSigner({ deviceId: meter.deviceId, keyPair: newKey, firstSeq: meter.nextSeq });
    const fresh = rotated.sign({ kwh: 3 });
    const answer = await post(gatewayUrl, [stale, fresh]);
    expect(answer.results.map((r) => r.code)).toEqual([ErrorCode.GATEWAY_SIGNATURE_INVALID, "OK"]);
    await gateway.anchorNow();
    const proof = (await getJson<ReadingProof>(`${gatewayUrl}/v1/readings/${answer.results[1].id}/proof`)).body;
    const verified = verifyReadingProof(proof, await loadGenesis(layout.genesisFile));
    expect(verified.reading.seq).toBe(decodeReading(fresh.reading).seq);
    const keyTx = await admin.getTx(verified.keyTxId);
    expect(keyTx.tx.fn).toBe("Devices:RotateKey");
    meter = rotated;
  });

  it("still refuses replays after a restart, and anchors where it left off", async () => {
    await gateway.stop();
    await startGateway();
    const replay = await post(gatewayUrl, [accepted[1].signed, fridge.sign({ celsius: 5 })]);
    expect(replay.results.map((r) => r.code)).toEqual([ErrorCode.GATEWAY_READING_REPLAYED, "OK"]);
    await gateway.anchorNow();
    const anchors = await Promise.all(
      ["1", "2", "3", "4"].map(async (seq) =>
        JSON.parse(
          bytesToUtf8(await admin.evaluateTransaction(SUPPLY_CHAIN_CONTRACT, "Telemetry:Get", GATEWAY_ID, seq)),
        ),
      ),
    );
    // Anchors: the first batch, the device batches (one reading of which was a replay), the rotation, this one.
    expect(anchors.map((a: { count: number }) => a.count)).toEqual([5, 5, 1, 1]);
    expect(anchors[1].rejected).toEqual({ unknownDevice: 0, revoked: 0, badSignature: 0, replayed: 1 });
    expect(anchors[3].rejected).toEqual({ unknownDevice: 0, revoked: 0, badSignature: 0, replayed: 1 });
  });

  it("trusts a cached device record for its TTL at most when no stream event refreshes it", async () => {
    let nowMs = 0;
    const directory = new ChainDeviceDirectory(new CityChainClient({ url: apiUrl, identity: gatewayIdentity }), {
      ttlMs: 1_000,
      now: () => nowMs,
    });
    const kp = generateKeyPair("ed25519");
    const id = "urn:dev:city-iot:ttl-5";
    const late = "urn:dev:city-iot:late-6";
    await register(id, publicKeyPemOf(kp));
    const status = async (device: string) => (await directory.lookup([device])).get(device)?.status ?? "unknown";
    expect(await status(id)).toBe("active");
    expect(await status(late)).toBe("unknown");
    await admin.submitTransaction(SUPPLY_CHAIN_CONTRACT, "Devices:Revoke", id, "lost");
    await register(late, publicKeyPemOf(kp));
    nowMs = 999;
    expect(await status(id)).toBe("active");
    expect(await status(late)).toBe("unknown");
    nowMs = 1_000;
    expect(await status(id)).toBe("revoked");
    expect(await status(late)).toBe("active");
  });

  it("runs as `citychain gateway start` and anchors on its timer", async () => {
    const identityDir = join(dir, "gateway-2-identity");
    const gw2 = await createGatewayIdentity({
      caDir: layout.orgs[0].caDir,
      orgId: ORG,
      commonName: CLI_GATEWAY_ID,
      outDir: identityDir,
    });
    await register(CLI_GATEWAY_ID, gw2.publicKeyPem);
    const port = Number(new URL(apiUrl).port) + 40;
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        CLI_MAIN,
        "gateway",
        "start",
        "--home",
        join(dir, "gateway-2"),
        "--api",
        apiUrl,
        "--identity",
        identityDir,
        "--port",
        String(port),
        "--anchor-interval-ms",
        "200",
        "--verify-threads",
        "1",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      await until(
        async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined),
        `gateway process (${stderr})`,
        60_000,
      );
      const answer = await post(url, [fridge.sign({ celsius: 6 })]);
      expect(answer.results[0].code).toBe("OK");
      const id = answer.results[0].id as string;
      const proof = await until(async () => {
        const res = await fetch(`${url}/v1/readings/${id}/proof`);
        return res.ok ? ((await res.json()) as ReadingProof) : undefined;
      }, "the reading to be anchored");
      expect(verifyReadingProof(proof, await loadGenesis(layout.genesisFile)).gatewayId).toBe(CLI_GATEWAY_ID);
    } finally {
      await stopNode(child, "SIGTERM");
    }
  });
});
