import { X509Certificate as NodeX509Certificate } from "node:crypto";
import { bytesEqual, CityChainError, ErrorCode, type SignatureAlgorithm, utf8ToBytes } from "@citychain/protocol";
import { keyPairFromPem } from "../keys.ts";
import { CERT_VALIDITY_DAYS_DEFAULT } from "../limits.ts";
import { rawPublicKeyFromKeyObject } from "../raw-keys.ts";
import type { CertAndKey } from "./ca.ts";
import {
  CERT_NOT_BEFORE_BACKDATE_MS,
  CERT_SIGNING_PARAMS,
  daysToMs,
  generateCertKeys,
  randomSerialHex,
  webCryptoKeys,
} from "./generate.ts";
import { x509 } from "./peculiar.ts";
import { FABRIC_ATTRS_OID, isRole, ROLE_ATTR, type Role } from "./roles.ts";

export interface IssueCertificateOptions {
  caCertPem: string;
  caKeyPem: string;
  commonName: string;
  orgId: string;
  role: Role;
  /** Extra attributes for contracts (`ctx.clientIdentity.getAttributeValue`). */
  attributes?: Record<string, string>;
  /** Algorithm of the new key (the CA signs with its own). */
  alg?: SignatureAlgorithm;
  /** Default: now minus CERT_NOT_BEFORE_BACKDATE_MS. */
  notBefore?: Date;
  /** Default: notBefore plus validityDays. */
  notAfter?: Date;
  validityDays?: number;
}

function invalid(message: string): CityChainError {
  return new CityChainError({ code: ErrorCode.CONFIG_INVALID }, message);
}

/**
 * Issues a certificate with a fresh key, signed by an organisation CA.
 * Subject `CN=<commonName>,OU=<role>,O=<orgId>`; role and attributes are also
 * in the Fabric CA attribute extension (OID 1.2.3.4.5.6.7.8.1) as
 * `{"attrs":{"role":..., ...attributes}}`. Serial number is random.
 */
export async function issueCertificate(opts: IssueCertificateOptions): Promise<CertAndKey> {
  if (!isRole(opts.role)) throw invalid(`unknown role "${opts.role}": use admin, member, node or device`);
  if (!opts.commonName) throw invalid("issueCertificate needs a non-empty commonName");
  if (!opts.orgId) throw invalid("issueCertificate needs a non-empty orgId");
  const caCert = new x509.X509Certificate(opts.caCertPem);
  const caKeyPair = keyPairFromPem(opts.caKeyPem);
  const caPublic = rawPublicKeyFromKeyObject(new NodeX509Certificate(opts.caCertPem).publicKey);
  if (!bytesEqual(caPublic.publicKey, caKeyPair.publicKey)) {
    throw invalid("caKeyPem is not the private key of caCertPem: pass the key file created with this CA certificate");
  }
  const notBefore = opts.notBefore ?? new Date(Date.now() - CERT_NOT_BEFORE_BACKDATE_MS);
  const notAfter =
    opts.notAfter ?? new Date(notBefore.getTime() + daysToMs(opts.validityDays ?? CERT_VALIDITY_DAYS_DEFAULT));
  if (notAfter.getTime() <= notBefore.getTime()) throw invalid("certificate notAfter must be later than notBefore");

  const { [ROLE_ATTR]: _ignoredRole, ...extra } = opts.attributes ?? {};
  // The role is written last-wins so an attribute cannot override it.
  const attrsJson = JSON.stringify({ attrs: { [ROLE_ATTR]: opts.role, ...extra } });
  const keys = await generateCertKeys(opts.alg ?? "ed25519");
  const caKeys = await webCryptoKeys(caKeyPair);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    // DER order O, OU, CN: reads `CN=<cn>,OU=<role>,O=<orgId>` in Fabric's (reversed) notation.
    subject: [{ O: [opts.orgId] }, { OU: [opts.role] }, { CN: [opts.commonName] }],
    issuer: caCert.subjectName,
    notBefore,
    notAfter,
    publicKey: keys.crypto.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: CERT_SIGNING_PARAMS[caKeyPair.alg],
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.crypto.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      // Fabric CA stores the raw JSON bytes as the extension value.
      new x509.Extension(FABRIC_ATTRS_OID, false, utf8ToBytes(attrsJson)),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: keys.keyPem };
}
