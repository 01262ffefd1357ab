import type { SignatureAlgorithm } from "@citychain/protocol";
import type { ParsedCertificate } from "./parse.ts";
import type { Role } from "./roles.ts";

/**
 * A validated member identity, the counterpart of Fabric's ClientIdentity:
 * what contracts see as `ctx.clientIdentity`.
 */
export interface Identity {
  /** Fabric's unique id: `x509::<subject DN>::<issuer DN>`. */
  id: string;
  /** The organisation (MSP) whose CA issued the certificate. */
  orgId: string;
  role: Role;
  attributes: Record<string, string>;
  alg: SignatureAlgorithm;
  publicKey: Uint8Array;
  fingerprintHex: string;
  serialHex: string;
  notBeforeMs: number;
  notAfterMs: number;
  certDer: Uint8Array;
}

/** Fabric ClientIdentity.getID() format. */
export function fabricIdOf(subjectDN: string, issuerDN: string): string {
  return `x509::${subjectDN}::${issuerDN}`;
}

/** The Identity of a certificate already checked to be issued by orgId's CA. */
export function identityOf(cert: ParsedCertificate, orgId: string, role: Role): Identity {
  return {
    id: fabricIdOf(cert.subjectDN, cert.issuerDN),
    orgId,
    role,
    attributes: cert.attributes,
    alg: cert.alg,
    publicKey: cert.publicKey,
    fingerprintHex: cert.fingerprintHex,
    serialHex: cert.serialHex,
    notBeforeMs: cert.notBeforeMs,
    notAfterMs: cert.notAfterMs,
    certDer: cert.der,
  };
}
