import type { X509Certificate as NodeX509Certificate } from "node:crypto";
import { bytesToHex, CityChainError, ErrorCode, type Organisation, sha256 } from "@citychain/protocol";
import { IDENTITY_CACHE_ENTRIES_MAX } from "../limits.ts";
import { LruCache } from "../lru.ts";
import { type Identity, identityOf } from "./identity.ts";
import { type ParsedCertificate, parseCertificateWithX509 } from "./parse.ts";

interface OrgCA {
  orgId: string;
  cert: ParsedCertificate;
  x509: NodeX509Certificate;
}

/** What the chain check established for one certificate. */
interface CachedChain {
  identity: Identity;
  /** The issuing CA's own validity: its members are valid only inside it. */
  caNotBeforeMs: number;
  caNotAfterMs: number;
}

function fail(code: ErrorCode, message: string): CityChainError {
  return new CityChainError({ code }, message);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Decides whether a certificate belongs to a member organisation, like a
 * Fabric MSP: issued directly by one of the organisation root CAs of the
 * genesis (or added later by governance), inside its validity period, not
 * revoked.
 *
 * Parsing and the chain signature check are the expensive part and depend
 * only on the certificate bytes and the CA set, so their result is cached per
 * DER fingerprint (bounded LRU, cleared when the CA set changes). Time and
 * revocation depend on the call and are checked every time.
 */
export class MembershipVerifier {
  /** CAs by subject DN (Fabric notation); several orgs could in theory reuse a DN. */
  private readonly casByDN = new Map<string, OrgCA[]>();
  private readonly orgs = new Map<string, Organisation>();
  private readonly cache = new LruCache<string, CachedChain>(IDENTITY_CACHE_ENTRIES_MAX);

  /** Throws GENESIS_INVALID if an organisation's CA certificate is unusable. */
  constructor(orgs: readonly Organisation[]) {
    for (const org of orgs) this.addOrganisation(org);
  }

  /** Organisation ids currently trusted. */
  get orgIds(): string[] {
    return [...this.orgs.keys()];
  }

  /** Number of cached certificate results (for metrics). */
  get cacheSize(): number {
    return this.cache.size;
  }

  /** Trusts an organisation's root CAs (replacing an organisation with the same id). */
  addOrganisation(org: Organisation): void {
    const cas: OrgCA[] = org.caCerts.map((pem, i) => {
      const where = `organisation "${org.id}" caCerts[${i}]`;
      let ca: OrgCA;
      try {
        const { parsed, x509 } = parseCertificateWithX509(pem);
        ca = { orgId: org.id, cert: parsed, x509 };
      } catch (e) {
        throw fail(ErrorCode.GENESIS_INVALID, `${where} is not a usable certificate: ${(e as Error).message}`);
      }
      if (!ca.cert.isCA)
        throw fail(ErrorCode.GENESIS_INVALID, `${where} is not a CA certificate (basicConstraints CA:false)`);
      return ca;
    });
    if (cas.length === 0) throw fail(ErrorCode.GENESIS_INVALID, `organisation "${org.id}" has no CA certificates`);
    this.removeOrganisation(org.id);
    this.orgs.set(org.id, org);
    for (const ca of cas) {
      const list = this.casByDN.get(ca.cert.subjectDN) ?? [];
      list.push(ca);
      this.casByDN.set(ca.cert.subjectDN, list);
    }
  }

  /** Stops trusting an organisation; its members' certificates fail with CERT_UNKNOWN_CA from now on. */
  removeOrganisation(orgId: string): void {
    if (!this.orgs.delete(orgId)) return;
    for (const [dn, list] of this.casByDN) {
      const kept = list.filter((ca) => ca.orgId !== orgId);
      if (kept.length === 0) this.casByDN.delete(dn);
      else this.casByDN.set(dn, kept);
    }
    // Cached identities may have been issued by the removed CAs.
    this.cache.clear();
  }

  /**
   * Validates a signer's certificate at `atTimeMs` (block time, never the
   * local clock, so every node decides the same). Returns the identity or
   * throws CERT_INVALID, CERT_UNKNOWN_CA, CERT_EXPIRED, CERT_NOT_YET_VALID or
   * CERT_REVOKED.
   */
  validate(certDer: Uint8Array, atTimeMs: number, isRevoked: (fingerprintHex: string) => boolean): Identity {
    if (!(certDer instanceof Uint8Array)) throw fail(ErrorCode.CERT_INVALID, "certificate must be DER bytes");
    const fingerprintHex = bytesToHex(sha256(certDer));
    let chain = this.cache.get(fingerprintHex);
    if (!chain) {
      chain = this.checkChain(certDer);
      this.cache.set(fingerprintHex, chain);
    }
    return checkAt(chain, fingerprintHex, atTimeMs, isRevoked);
  }

  /**
   * Re-checks an identity this verifier returned before, at another time
   * (a transaction admitted to the mempool, now executed at block time):
   * validity and revocation only, unless the cached chain result is gone (the
   * CA set changed, or the entry was evicted), in which case it validates
   * from scratch. Same answers as validate(), without hashing the certificate again.
   */
  revalidate(identity: Identity, atTimeMs: number, isRevoked: (fingerprintHex: string) => boolean): Identity {
    const chain = this.cache.get(identity.fingerprintHex);
    if (!chain) return this.validate(identity.certDer, atTimeMs, isRevoked);
    return checkAt(chain, identity.fingerprintHex, atTimeMs, isRevoked);
  }

  /** Parse + issuer lookup + signature check: everything that depends only on the bytes and the CA set. */
  private checkChain(certDer: Uint8Array): CachedChain {
    const { parsed, x509 } = parseCertificateWithX509(certDer);
    if (parsed.isCA) {
      throw fail(
        ErrorCode.CERT_INVALID,
        `certificate ${parsed.subjectDN} is a CA certificate; sign with a member certificate`,
      );
    }
    if (!parsed.role) {
      throw fail(
        ErrorCode.CERT_INVALID,
        `certificate ${parsed.subjectDN} carries no role (admin, member, node or device) in its attributes or OU`,
      );
    }
    for (const ca of this.casByDN.get(parsed.issuerDN) ?? []) {
      if (!x509.checkIssued(ca.x509) || !x509.verify(ca.x509.publicKey)) continue;
      // Cached and shared between callers, so frozen.
      const identity = identityOf(parsed, ca.orgId, parsed.role);
      Object.freeze(identity.attributes);
      Object.freeze(identity);
      return { identity, caNotBeforeMs: ca.cert.notBeforeMs, caNotAfterMs: ca.cert.notAfterMs };
    }
    throw fail(
      ErrorCode.CERT_UNKNOWN_CA,
      `certificate ${parsed.subjectDN} was issued by "${parsed.issuerDN}", which is not the CA of any member organisation (${this.orgIds.join(", ") || "none"}) or did not sign it`,
    );
  }
}

/** Validity period (certificate and issuing CA) and revocation at one moment. */
function checkAt(
  chain: CachedChain,
  fingerprintHex: string,
  atTimeMs: number,
  isRevoked: (fingerprintHex: string) => boolean,
): Identity {
  const { identity } = chain;
  if (atTimeMs < identity.notBeforeMs) {
    throw fail(
      ErrorCode.CERT_NOT_YET_VALID,
      `certificate ${identity.id} is valid from ${iso(identity.notBeforeMs)}, later than ${iso(atTimeMs)}; wait or use another certificate`,
    );
  }
  if (atTimeMs > identity.notAfterMs) {
    throw fail(
      ErrorCode.CERT_EXPIRED,
      `certificate ${identity.id} expired at ${iso(identity.notAfterMs)} (checked at ${iso(atTimeMs)}); ask org "${identity.orgId}" for a new one`,
    );
  }
  if (atTimeMs < chain.caNotBeforeMs || atTimeMs > chain.caNotAfterMs) {
    throw fail(
      atTimeMs < chain.caNotBeforeMs ? ErrorCode.CERT_NOT_YET_VALID : ErrorCode.CERT_EXPIRED,
      `the CA of org "${identity.orgId}" that issued ${identity.id} is valid only from ${iso(chain.caNotBeforeMs)} to ${iso(chain.caNotAfterMs)} (checked at ${iso(atTimeMs)}); the org must renew its CA`,
    );
  }
  if (isRevoked(fingerprintHex)) {
    throw fail(
      ErrorCode.CERT_REVOKED,
      `certificate ${identity.id} (sha256 ${fingerprintHex}) was revoked; ask org "${identity.orgId}" for a new one`,
    );
  }
  return identity;
}
