import { CityChainError, ErrorCode, type SignatureAlgorithm } from "@citychain/protocol";
import {
  CERT_NOT_BEFORE_BACKDATE_MS,
  CERT_SIGNING_PARAMS,
  daysToMs,
  generateCertKeys,
  randomSerialHex,
} from "./generate.ts";
import { x509 } from "./peculiar.ts";

/** Default lifetime of an organisation's root CA. */
export const ORG_CA_VALIDITY_DAYS_DEFAULT = 3650;

export interface CreateOrgCAOptions {
  orgId: string;
  /** Human-readable name; kept for callers' records (the subject uses the id, as Fabric MSPs do). */
  orgName?: string;
  alg?: SignatureAlgorithm;
  validityDays?: number;
  /** Default: now minus CERT_NOT_BEFORE_BACKDATE_MS. */
  notBefore?: Date;
}

/** A certificate and its private key, both PEM. */
export interface CertAndKey {
  certPem: string;
  keyPem: string;
}

/**
 * Creates an organisation's self-signed root CA: subject `CN=ca.<orgId>,O=<orgId>`,
 * basicConstraints CA (critical), keyUsage keyCertSign + cRLSign (critical).
 */
export async function createOrgCA(opts: CreateOrgCAOptions): Promise<CertAndKey> {
  const alg = opts.alg ?? "ed25519";
  const validityDays = opts.validityDays ?? ORG_CA_VALIDITY_DAYS_DEFAULT;
  if (!opts.orgId) throw new CityChainError({ code: ErrorCode.CONFIG_INVALID }, "createOrgCA needs a non-empty orgId");
  const keys = await generateCertKeys(alg);
  const notBefore = opts.notBefore ?? new Date(Date.now() - CERT_NOT_BEFORE_BACKDATE_MS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    // DER order O, CN: reads `CN=ca.<orgId>,O=<orgId>` in Fabric's (reversed) notation.
    name: [{ O: [opts.orgId] }, { CN: [`ca.${opts.orgId}`] }],
    notBefore,
    notAfter: new Date(notBefore.getTime() + daysToMs(validityDays)),
    keys: keys.crypto,
    signingAlgorithm: CERT_SIGNING_PARAMS[alg],
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.crypto.publicKey),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: keys.keyPem };
}
