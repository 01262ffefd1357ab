import { X509Certificate as NodeX509Certificate } from "node:crypto";
import {
  bytesToHex,
  bytesToUtf8,
  CERT_BYTES_MAX,
  CityChainError,
  ErrorCode,
  type SignatureAlgorithm,
  sha256,
} from "@citychain/protocol";
import { rawPublicKeyFromKeyObject } from "../raw-keys.ts";
import { dnField, formatFabricDN, type JsonDN } from "./dn.ts";
import { x509 } from "./peculiar.ts";
import { certPemToDer } from "./pem.ts";
import { FABRIC_ATTRS_OID, isRole, ROLE_ATTR, type Role } from "./roles.ts";

/** What CityChain needs from a certificate, as plain data. */
export interface ParsedCertificate {
  der: Uint8Array;
  /** Subject DN in Fabric ClientIdentity notation, e.g. `CN=alice,OU=member,O=org1`. */
  subjectDN: string;
  issuerDN: string;
  /** Subject CN, empty if absent. */
  commonName: string;
  /** Lower-case hex, without leading-zero padding changes. */
  serialHex: string;
  notBeforeMs: number;
  notAfterMs: number;
  alg: SignatureAlgorithm;
  /** Raw public key (32 bytes ed25519, 65 bytes p256). */
  publicKey: Uint8Array;
  /** From the Fabric attribute extension, else the subject OU; undefined for CA certificates. */
  role: Role | undefined;
  /** All attributes of the Fabric extension, including `role` (as fabric-shim exposes them). */
  attributes: Record<string, string>;
  /** SHA-256 of the DER, lower-case hex: the certificate's identity for revocation and caches. */
  fingerprintHex: string;
  isCA: boolean;
}

function certInvalid(message: string): CityChainError {
  return new CityChainError({ code: ErrorCode.CERT_INVALID }, message);
}

/**
 * Reads extension values straight from the already-parsed ASN.1. The
 * library's `extensions` getter re-encodes and re-parses every extension
 * through its factory, which more than doubles the cost of a parse.
 */
class FastX509Certificate extends x509.X509Certificate {
  extensionValue(oid: string): Uint8Array | undefined {
    const ext = this.asn.tbsCertificate.extensions?.find((e) => e.extnID === oid);
    if (!ext) return undefined;
    const v = ext.extnValue;
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
}

function parseAttributes(value: Uint8Array): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytesToUtf8(value));
  } catch {
    throw certInvalid(`certificate attribute extension ${FABRIC_ATTRS_OID} is not JSON`);
  }
  const attrs = (parsed as { attrs?: unknown } | null)?.attrs;
  if (typeof attrs !== "object" || attrs === null || Array.isArray(attrs)) {
    throw certInvalid(`certificate attribute extension ${FABRIC_ATTRS_OID} must be {"attrs":{...}}`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v !== "string") throw certInvalid(`certificate attribute "${k}" must be a string`);
    out[k] = v;
  }
  return out;
}

/** A parsed certificate plus node's X509Certificate, for signature checks (internal). */
export interface ParsedCertificateWithX509 {
  parsed: ParsedCertificate;
  x509: NodeX509Certificate;
}

/** Parses and keeps node's X509Certificate for chain checks. */
export function parseCertificateWithX509(pemOrDer: string | Uint8Array): ParsedCertificateWithX509 {
  const der = typeof pemOrDer === "string" ? certPemToDer(pemOrDer) : pemOrDer;
  if (!(der instanceof Uint8Array) || der.length === 0) throw certInvalid("certificate is empty");
  if (der.length > CERT_BYTES_MAX) {
    throw certInvalid(`certificate is ${der.length} bytes, more than CERT_BYTES_MAX (${CERT_BYTES_MAX})`);
  }
  let nodeCert: NodeX509Certificate;
  let cert: FastX509Certificate;
  try {
    nodeCert = new NodeX509Certificate(der);
    cert = new FastX509Certificate(der);
  } catch (e) {
    throw certInvalid(`not a DER X.509 certificate: ${(e as Error).message}`);
  }
  let key: { alg: SignatureAlgorithm; publicKey: Uint8Array };
  try {
    key = rawPublicKeyFromKeyObject(nodeCert.publicKey);
  } catch (e) {
    throw certInvalid(`certificate key is not usable: ${(e as Error).message}`);
  }
  const ext = cert.extensionValue(FABRIC_ATTRS_OID);
  const attributes = ext ? parseAttributes(ext) : {};
  const subject = cert.subjectName.toJSON() as JsonDN;
  const ou = dnField(subject, "OU");
  const roleAttr = attributes[ROLE_ATTR];
  const role = isRole(roleAttr) ? roleAttr : isRole(ou) ? ou : undefined;
  const parsed: ParsedCertificate = {
    der: new Uint8Array(der),
    subjectDN: formatFabricDN(subject),
    issuerDN: formatFabricDN(cert.issuerName.toJSON() as JsonDN),
    commonName: dnField(subject, "CN") ?? "",
    serialHex: cert.serialNumber.toLowerCase(),
    notBeforeMs: cert.notBefore.getTime(),
    notAfterMs: cert.notAfter.getTime(),
    alg: key.alg,
    publicKey: key.publicKey,
    role,
    attributes,
    fingerprintHex: bytesToHex(sha256(der)),
    isCA: nodeCert.ca,
  };
  return { parsed, x509: nodeCert };
}

/**
 * Parses a certificate (PEM text or DER bytes). Throws CERT_INVALID with the
 * reason for anything that is not a well-formed Ed25519 or P-256 certificate.
 * Does not check the issuer or validity period: MembershipVerifier does.
 */
export function parseCertificate(pemOrDer: string | Uint8Array): ParsedCertificate {
  return parseCertificateWithX509(pemOrDer).parsed;
}
