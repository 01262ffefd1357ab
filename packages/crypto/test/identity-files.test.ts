import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { txSignBytes } from "@citychain/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CertAndKey,
  createOrgCA,
  generateKeyPair,
  issueCertificate,
  keyPairToPem,
  loadIdentity,
  MembershipVerifier,
  saveIdentity,
  signTx,
  signTxWithKey,
  verifySignature,
} from "../src/index.ts";

describe("identity files", () => {
  let root: string;
  let ca: CertAndKey;
  let issued: CertAndKey;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "citychain-identity-"));
    ca = await createOrgCA({ orgId: "org1", validityDays: 30 });
    issued = await issueCertificate({
      caCertPem: ca.certPem,
      caKeyPem: ca.keyPem,
      commonName: "node1",
      orgId: "org1",
      role: "node",
      alg: "p256",
    });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  async function saved(name: string): Promise<string> {
    const dir = join(root, name);
    await saveIdentity(dir, { ...issued, caPem: ca.certPem, orgId: "org1", role: "node", commonName: "node1" });
    return dir;
  }

  it("saves with a private key file and loads a signer", async () => {
    const dir = await saved("ok");
    expect((await stat(join(dir, "key.pem"))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(dir, "identity.json"), "utf8"))).toEqual({
      orgId: "org1",
      role: "node",
      commonName: "node1",
      alg: "p256",
    });
    const id = await loadIdentity(dir);
    expect(id.orgId).toBe("org1");
    expect(id.role).toBe("node");
    expect(id.alg).toBe("p256");
    expect(id.keyPair.publicKey).toEqual(id.cert.publicKey);

    const txId = new Uint8Array(32).fill(5);
    const sig = signTx(id, txId);
    expect(sig.alg).toBe("p256");
    expect(sig.cert).toEqual(id.certDer);
    const identity = new MembershipVerifier([{ id: "org1", name: "Org 1", caCerts: [ca.certPem] }]).validate(
      sig.cert!,
      Date.now(),
      () => false,
    );
    expect(verifySignature(sig.alg, identity.publicKey, txSignBytes(txId), sig.sig)).toBe(true);
  });

  it("signs key-only transactions for public mode", () => {
    const kp = generateKeyPair("ed25519");
    const txId = new Uint8Array(32).fill(1);
    const sig = signTxWithKey(kp, txId);
    expect(sig.cert).toBeUndefined();
    expect(sig.publicKey).toEqual(kp.publicKey);
    expect(verifySignature("ed25519", sig.publicKey!, txSignBytes(txId), sig.sig)).toBe(true);
  });

  it("says which file is missing or bad", async () => {
    const cases: [string, (dir: string) => Promise<void>, RegExp][] = [
      ["missing cert", (d) => rm(join(d, "cert.pem")), /cert\.pem \(the certificate\) is missing/],
      ["missing key", (d) => rm(join(d, "key.pem")), /key\.pem \(the private key\) is missing/],
      ["missing ca", (d) => rm(join(d, "ca.pem")), /ca\.pem .* is missing/],
      ["missing meta", (d) => rm(join(d, "identity.json")), /identity\.json .* is missing/],
      ["bad meta", (d) => writeFile(join(d, "identity.json"), "{"), /identity\.json is not JSON/],
      [
        "bad role",
        (d) => writeFile(join(d, "identity.json"), '{"orgId":"o","role":"x","commonName":"c","alg":"p256"}'),
        /"role"/,
      ],
      ["bad cert", (d) => writeFile(join(d, "cert.pem"), "nope"), /cert\.pem is bad/],
      ["bad key", (d) => writeFile(join(d, "key.pem"), "nope"), /key\.pem is bad/],
      ["other key", (d) => writeFile(join(d, "key.pem"), keyPairToPem(generateKeyPair("p256"))), /not the private key/],
      [
        "other ca",
        async (d) => writeFile(join(d, "ca.pem"), (await createOrgCA({ orgId: "org2", validityDays: 1 })).certPem),
        /not issued by ca\.pem/,
      ],
    ];
    for (const [name, damage, message] of cases) {
      const dir = await saved(name.replace(/ /g, "-"));
      await damage(dir);
      await expect(loadIdentity(dir), name).rejects.toMatchObject({
        code: "IDENTITY_LOAD_FAILED",
        message: expect.stringMatching(message),
      });
    }
  });
});
