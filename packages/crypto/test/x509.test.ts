import { X509Certificate } from "node:crypto";
import type { Organisation, SignatureAlgorithm } from "@citychain/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type CertAndKey,
  certPemToDer,
  createOrgCA,
  FABRIC_ATTRS_OID,
  formatFabricDN,
  issueCertificate,
  MembershipVerifier,
  parseCertificate,
} from "../src/index.ts";
import { x509 } from "../src/x509/peculiar.ts";

const DAY_MS = 24 * 60 * 60_000;
const notRevoked = () => false;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return "no error";
}

describe("formatFabricDN", () => {
  it("reverses DER order and escapes the first slash like fabric-shim", () => {
    expect(formatFabricDN([{ C: ["US"] }, { O: ["org1.example.com"] }, { OU: ["client"] }, { CN: ["a/b/c"] }])).toBe(
      "CN=a\\/b/c,OU=client,O=org1.example.com,C=US",
    );
  });
});

for (const alg of ["ed25519", "p256"] as SignatureAlgorithm[]) {
  describe(`X.509 identities (${alg})`, () => {
    let ca: CertAndKey;
    let otherCa: CertAndKey;
    let member: CertAndKey;
    let orgs: Organisation[];

    beforeAll(async () => {
      ca = await createOrgCA({ orgId: "org1", orgName: "Org One", alg, validityDays: 365 });
      otherCa = await createOrgCA({ orgId: "org1", orgName: "Impostor", alg, validityDays: 365 });
      member = await issueCertificate({
        caCertPem: ca.certPem,
        caKeyPem: ca.keyPem,
        commonName: "alice",
        orgId: "org1",
        role: "member",
        attributes: { department: "transport", role: "admin" },
        alg,
      });
      orgs = [{ id: "org1", name: "Org One", caCerts: [ca.certPem] }];
    });

    it("creates a self-signed CA with CA constraints", () => {
      const p = parseCertificate(ca.certPem);
      expect(p.isCA).toBe(true);
      expect(p.subjectDN).toBe("CN=ca.org1,O=org1");
      expect(p.issuerDN).toBe(p.subjectDN);
      expect(p.role).toBeUndefined();
      expect(p.alg).toBe(alg);
      const x = new X509Certificate(ca.certPem);
      expect(x.verify(x.publicKey)).toBe(true);
      const ku = new x509.X509Certificate(ca.certPem).getExtension(x509.KeyUsagesExtension);
      expect(ku?.critical).toBe(true);
      expect(ku?.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
      const bc = new x509.X509Certificate(ca.certPem).getExtension(x509.BasicConstraintsExtension);
      expect(bc?.ca).toBe(true);
    });

    it("issues a member certificate with role and attributes in the Fabric extension", () => {
      const p = parseCertificate(member.certPem);
      expect(p.isCA).toBe(false);
      expect(p.subjectDN).toBe("CN=alice,OU=member,O=org1");
      expect(p.issuerDN).toBe("CN=ca.org1,O=org1");
      expect(p.commonName).toBe("alice");
      expect(p.role).toBe("member");
      // an attribute named "role" cannot override the role
      expect(p.attributes).toEqual({ role: "member", department: "transport" });
      expect(p.publicKey.length).toBe(alg === "ed25519" ? 32 : 65);
      expect(p.fingerprintHex).toMatch(/^[0-9a-f]{64}$/);
      expect(p.serialHex).toMatch(/^[0-9a-f]{32}$/);
      expect(p.notAfterMs).toBeGreaterThan(p.notBeforeMs);
      const fromDer = parseCertificate(certPemToDer(member.certPem));
      expect(fromDer.fingerprintHex).toBe(p.fingerprintHex);
      // The raw extension value is the JSON itself, as Fabric CA writes it.
      const text = Buffer.from(p.der).toString("latin1");
      expect(text).toContain('{"attrs":{"role":"member","department":"transport"}}');
      expect(FABRIC_ATTRS_OID).toBe("1.2.3.4.5.6.7.8.1");
    });

    it("gives distinct random serials", async () => {
      const again = await issueCertificate({
        caCertPem: ca.certPem,
        caKeyPem: ca.keyPem,
        commonName: "alice",
        orgId: "org1",
        role: "member",
      });
      expect(parseCertificate(again.certPem).serialHex).not.toBe(parseCertificate(member.certPem).serialHex);
    });

    it("validates a member into a Fabric-style identity", () => {
      const v = new MembershipVerifier(orgs);
      const der = certPemToDer(member.certPem);
      const id = v.validate(der, Date.now(), notRevoked);
      expect(id.id).toBe("x509::CN=alice,OU=member,O=org1::CN=ca.org1,O=org1");
      expect(id.orgId).toBe("org1");
      expect(id.role).toBe("member");
      expect(id.attributes.department).toBe("transport");
      expect(id.alg).toBe(alg);
      expect(id.publicKey).toEqual(parseCertificate(der).publicKey);
      expect(id.certDer).toEqual(der);
      // cached: same object the second time
      expect(v.validate(der, Date.now(), notRevoked)).toBe(id);
      expect(v.cacheSize).toBe(1);
    });

    it("rejects each failure with its own code", async () => {
      const v = new MembershipVerifier(orgs);
      const now = Date.now();
      const der = certPemToDer(member.certPem);
      const impostor = await issueCertificate({
        caCertPem: otherCa.certPem,
        caKeyPem: otherCa.keyPem,
        commonName: "mallory",
        orgId: "org1",
        role: "admin",
      });
      const expired = await issueCertificate({
        caCertPem: ca.certPem,
        caKeyPem: ca.keyPem,
        commonName: "old",
        orgId: "org1",
        role: "member",
        notBefore: new Date(now - 10 * DAY_MS),
        notAfter: new Date(now - DAY_MS),
      });
      const future = await issueCertificate({
        caCertPem: ca.certPem,
        caKeyPem: ca.keyPem,
        commonName: "future",
        orgId: "org1",
        role: "device",
        notBefore: new Date(now + DAY_MS),
        validityDays: 10,
      });
      const cases: [string, () => unknown, string][] = [
        [
          "unknown CA (same DN, other key)",
          () => v.validate(certPemToDer(impostor.certPem), now, notRevoked),
          "CERT_UNKNOWN_CA",
        ],
        ["expired", () => v.validate(certPemToDer(expired.certPem), now, notRevoked), "CERT_EXPIRED"],
        ["not yet valid", () => v.validate(certPemToDer(future.certPem), now, notRevoked), "CERT_NOT_YET_VALID"],
        ["revoked", () => v.validate(der, now, (fp) => fp === parseCertificate(der).fingerprintHex), "CERT_REVOKED"],
        ["garbage", () => v.validate(new Uint8Array([0x30, 0x03, 1, 2, 3]), now, notRevoked), "CERT_INVALID"],
        ["empty", () => v.validate(new Uint8Array(0), now, notRevoked), "CERT_INVALID"],
        ["CA cert as signer", () => v.validate(certPemToDer(ca.certPem), now, notRevoked), "CERT_INVALID"],
        [
          "valid member at a time after its expiry",
          () => v.validate(der, now + 400 * DAY_MS, notRevoked),
          "CERT_EXPIRED",
        ],
      ];
      for (const [name, fn, code] of cases) expect(codeOf(fn), name).toBe(code);
      // After a failure for time or revocation, the same certificate is still accepted at a valid time.
      expect(v.validate(der, now, notRevoked).role).toBe("member");
    });

    it("follows governance: removed organisations are unknown, added ones accepted", () => {
      const v = new MembershipVerifier([]);
      const der = certPemToDer(member.certPem);
      expect(codeOf(() => v.validate(der, Date.now(), notRevoked))).toBe("CERT_UNKNOWN_CA");
      v.addOrganisation(orgs[0]);
      expect(v.validate(der, Date.now(), notRevoked).orgId).toBe("org1");
      v.removeOrganisation("org1");
      expect(codeOf(() => v.validate(der, Date.now(), notRevoked))).toBe("CERT_UNKNOWN_CA");
    });

    it("refuses a non-CA certificate as an organisation root", () => {
      expect(codeOf(() => new MembershipVerifier([{ id: "x", name: "x", caCerts: [member.certPem] }]))).toBe(
        "GENESIS_INVALID",
      );
    });
  });
}

describe("parseCertificate", () => {
  it("throws CERT_INVALID with a reason on garbage", () => {
    const cases: [string, string | Uint8Array][] = [
      ["text", "hello"],
      ["bad PEM body", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"],
      ["random bytes", new Uint8Array(200).fill(7)],
      ["oversized", new Uint8Array(9000)],
    ];
    for (const [name, input] of cases) {
      expect(
        codeOf(() => parseCertificate(input)),
        name,
      ).toBe("CERT_INVALID");
    }
  });

  it("refuses an issuing key that does not match the CA certificate", async () => {
    const a = await createOrgCA({ orgId: "a", validityDays: 1 });
    const b = await createOrgCA({ orgId: "b", validityDays: 1 });
    await expect(
      issueCertificate({ caCertPem: a.certPem, caKeyPem: b.keyPem, commonName: "x", orgId: "a", role: "member" }),
    ).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });
});
