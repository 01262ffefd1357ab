import { describe, expect, it } from "vitest";
import { factory, IOT, iotAdmin, iotGateway } from "./helpers/fixtures.ts";
import { ed25519Key, p256Key } from "./helpers/keys.ts";
import { TestLedger } from "./helpers/ledger.ts";

const DID_DOC = (key: ReturnType<typeof ed25519Key>) =>
  JSON.stringify({
    "@context": ["https://www.w3.org/ns/did/v1"],
    id: key.didKey,
    verificationMethod: [
      {
        id: `${key.didKey}#${key.multibase}`,
        type: "Ed25519VerificationKey2020",
        controller: key.didKey,
        publicKeyMultibase: key.multibase,
      },
      {
        id: `${key.didKey}#x`,
        type: "X25519KeyAgreementKey2020",
        controller: key.didKey,
        publicKeyMultibase: "z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc",
      },
    ],
  });

describe("Devices: identities of IoT devices", () => {
  const key = ed25519Key(1);
  const forms: Array<[string, string, string]> = [
    ["PEM (Ed25519)", key.pem, "pem"],
    ["JWK (Ed25519)", key.jwk, "jwk"],
    ["multibase", key.multibase, "multibase"],
    ["did:key", key.didKey, "did:key"],
    ["DID document", DID_DOC(key), "did-document"],
  ];

  it.each(forms)(
    "registers a device whose key is given as %s, normalised to the same JWK",
    async (_name, given, format) => {
      const ledger = new TestLedger();
      const result = await ledger.submit(iotAdmin, "Devices:Register", [
        "urn:dev:logger-1",
        given,
        '{"model":"LT-16"}',
      ]);
      expect(result.message).toBe("");
      const device = result.value as {
        operator: string;
        key: { format: string; keys: Array<{ alg: string; publicKeyHex: string }> };
      };
      expect(device.operator).toBe(IOT);
      expect(device.key.format).toBe(format);
      expect(device.key.keys).toHaveLength(1);
      expect(device.key.keys[0].alg).toBe("Ed25519");
      expect(device.key.keys[0].publicKeyHex).toBe(Buffer.from(key.raw).toString("hex"));
    },
  );

  it("accepts P-256 keys as PEM and JWK (checked to lie on the curve) and rejects a point off it", async () => {
    const ledger = new TestLedger();
    const p256 = p256Key();
    expect((await ledger.submit(iotAdmin, "Devices:Register", ["dev-p1", p256.pem])).status).toBe(200);
    expect((await ledger.submit(iotAdmin, "Devices:Register", ["dev-p2", p256.jwk])).status).toBe(200);
    const bad = JSON.parse(p256.jwk) as { y: string };
    bad.y = `${bad.y.slice(0, -2)}AA`;
    const rejected = await ledger.submit(iotAdmin, "Devices:Register", ["dev-p3", JSON.stringify(bad)]);
    expect(rejected.code).toBe("DEVICE_KEY_INVALID");
    expect(rejected.message).toMatch(/not on the curve/);
  });

  it("rejects unreadable keys with DEVICE_KEY_INVALID naming the part", async () => {
    const ledger = new TestLedger();
    const cases: Array<[string, RegExp]> = [
      ["not a key", /expected a PEM/],
      ["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", /neither Ed25519 nor/],
      [
        '{"id":"did:example:1","verificationMethod":[{"id":"#k","publicKeyBase58":"abc"}]}',
        /verificationMethod\[0\]: needs publicKeyMultibase/,
      ],
      ['{"kty":"RSA","n":"x","e":"AQAB"}', /unsupported JWK kty RSA/],
    ];
    for (const [given, message] of cases) {
      const result = await ledger.submit(iotAdmin, "Devices:Register", ["dev-x", given]);
      expect(result.code, given).toBe("DEVICE_KEY_INVALID");
      expect(result.message, given).toMatch(message);
    }
  });

  it("lets only the operator's admin register, rotate and revoke; ids are unique", async () => {
    const ledger = new TestLedger();
    expect((await ledger.submit(factory, "Devices:Register", ["dev-1", key.jwk])).code).toBe("APP_FORBIDDEN");
    expect((await ledger.submit(iotAdmin, "Devices:Register", ["dev-1", key.jwk])).status).toBe(200);
    expect((await ledger.submit(iotAdmin, "Devices:Register", ["dev-1", key.jwk])).code).toBe("APP_ALREADY_EXISTS");
    const other = { ...iotAdmin, mspId: "OtherMSP" };
    expect((await ledger.submit(other, "Devices:RotateKey", ["dev-1", ed25519Key(2).jwk])).code).toBe("APP_FORBIDDEN");
    const rotated = await ledger.submit(iotAdmin, "Devices:RotateKey", ["dev-1", ed25519Key(2).pem]);
    const record = rotated.value as { key: { format: string }; rotations: Array<{ previousKeys: string[] }> };
    expect(record.key.format).toBe("pem");
    expect(record.rotations[0].previousKeys).toEqual([Buffer.from(key.raw).toString("hex")]);
    const revoked = await ledger.submit(iotAdmin, "Devices:Revoke", ["dev-1", "lost in transit"]);
    expect(revoked.events.map((e) => e.name)).toEqual(["DeviceRevoked"]);
    expect((await ledger.submit(iotAdmin, "Devices:RotateKey", ["dev-1", key.jwk])).code).toBe("DEVICE_REVOKED");
    expect((await ledger.submit(iotAdmin, "Devices:Revoke", ["dev-1", "again"])).code).toBe("APP_STATE_CONFLICT");
    const got = await ledger.evaluate(factory, "Devices:Get", ["dev-1"]);
    expect((got.value as { status: string }).status).toBe("revoked");
    expect((await ledger.evaluate(factory, "Devices:Get", ["dev-2"])).code).toBe("DEVICE_UNKNOWN");
  });
});

describe("Telemetry: gateways anchor Merkle roots of readings", () => {
  const batch = (fromMs: number, toMs: number, devices: string[], root = "ab".repeat(32)) =>
    JSON.stringify({
      root,
      count: 1200,
      fromMs,
      toMs,
      devices,
      rejected: { unknownDevice: 3, revoked: 1, badSignature: 2, replayed: 5 },
    });

  async function setUp() {
    const ledger = new TestLedger();
    for (const id of ["gw-1", "sensor-1", "sensor-2"])
      await ledger.submit(iotAdmin, "Devices:Register", [id, ed25519Key(id.length).jwk]);
    return ledger;
  }

  it("numbers anchors per gateway, records the rejected counts, and refuses an overlapping (replayed) span", async () => {
    const ledger = await setUp();
    const t = ledger.timeMs;
    const first = await ledger.submit(iotGateway, "Telemetry:Anchor", [
      "gw-1",
      batch(t - 10_000, t - 5_000, ["sensor-1", "sensor-2"]),
    ]);
    expect(first.message).toBe("");
    expect(first.value).toMatchObject({ seq: 1, count: 1200, rejected: { badSignature: 2 } });
    expect(first.events[0]).toMatchObject({ name: "TelemetryAnchored", payload: { seq: 1, root: "ab".repeat(32) } });
    const second = await ledger.submit(iotGateway, "Telemetry:Anchor", [
      "gw-1",
      batch(t - 5_000, t, ["sensor-1"], "cd".repeat(32)),
    ]);
    expect((second.value as { seq: number }).seq).toBe(2);
    const before = ledger.snapshot();
    const replay = await ledger.submit(iotGateway, "Telemetry:Anchor", [
      "gw-1",
      batch(t - 10_000, t - 5_000, ["sensor-1"]),
    ]);
    expect(replay.code).toBe("TELEMETRY_ANCHOR_REPLAYED");
    expect(replay.message).toMatch(/fromMs .* before the end .* of anchor 2 of gateway gw-1/);
    expect(ledger.snapshot()).toBe(before);
    expect(((await ledger.evaluate(iotGateway, "Telemetry:Get", ["gw-1", "1"])).value as { root: string }).root).toBe(
      "ab".repeat(32),
    );
  });

  it("refuses anchors naming unknown or revoked devices, malformed batches, and other organisations' gateways", async () => {
    const ledger = await setUp();
    const t = ledger.timeMs;
    const unknown = await ledger.submit(iotGateway, "Telemetry:Anchor", [
      "gw-1",
      batch(t - 2000, t - 1000, ["sensor-1", "sensor-9"]),
    ]);
    expect(unknown.code).toBe("DEVICE_UNKNOWN");
    expect(unknown.message).toMatch(/batchJson devices\[1\]: device sensor-9 is not registered/);
    await ledger.submit(iotAdmin, "Devices:Revoke", ["sensor-2", "tampered"]);
    const revoked = await ledger.submit(iotGateway, "Telemetry:Anchor", [
      "gw-1",
      batch(t - 2000, t - 1000, ["sensor-2"]),
    ]);
    expect(revoked.code).toBe("DEVICE_REVOKED");
    expect(revoked.message).toMatch(/devices\[0\]: device sensor-2 was revoked/);
    const badRoot = await ledger.submit(iotGateway, "Telemetry:Anchor", [
      "gw-1",
      batch(t - 2000, t - 1000, ["sensor-1"], "xyz"),
    ]);
    expect(badRoot.code).toBe("TELEMETRY_ANCHOR_INVALID");
    expect(badRoot.message).toMatch(/batchJson root/);
    const future = await ledger.submit(iotGateway, "Telemetry:Anchor", ["gw-1", batch(t, t + 3_600_000, ["sensor-1"])]);
    expect(future.code).toBe("TELEMETRY_ANCHOR_INVALID");
    const stranger = await ledger.submit({ ...iotGateway, mspId: "OtherMSP" }, "Telemetry:Anchor", [
      "gw-1",
      batch(t - 2000, t - 1000, ["sensor-1"]),
    ]);
    expect(stranger.code).toBe("APP_FORBIDDEN");
  });
});
