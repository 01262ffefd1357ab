import { X509Certificate as NodeX509Certificate } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bytesEqual, CityChainError, ErrorCode, type SignatureAlgorithm } from "@citychain/protocol";
import { type KeyPair, keyPairFromPem } from "./keys.ts";
import { type ParsedCertificate, parseCertificate } from "./x509/parse.ts";
import { isRole, type Role } from "./x509/roles.ts";

/** File names inside an identity directory. */
export const IDENTITY_FILES = {
  cert: "cert.pem",
  key: "key.pem",
  ca: "ca.pem",
  meta: "identity.json",
} as const;

/** Contents of identity.json: a human-readable summary of the certificate. */
export interface IdentityMeta {
  orgId: string;
  role: Role;
  commonName: string;
  alg: SignatureAlgorithm;
}

export interface SaveIdentityInput {
  certPem: string;
  keyPem: string;
  /** The issuing organisation's CA certificate. */
  caPem: string;
  orgId: string;
  role: Role;
  commonName: string;
  /** Default: the certificate key's algorithm. */
  alg?: SignatureAlgorithm;
}

/** An identity ready to sign: the key is parsed once here, not per signature. */
export interface LoadedIdentity extends IdentityMeta {
  dir: string;
  certPem: string;
  certDer: Uint8Array;
  caPem: string;
  cert: ParsedCertificate;
  keyPair: KeyPair;
}

function loadFailed(dir: string, message: string): CityChainError {
  return new CityChainError({ code: ErrorCode.IDENTITY_LOAD_FAILED }, `identity ${dir}: ${message}`);
}

/** Writes an identity directory; key.pem is readable by the owner only (0600). */
export async function saveIdentity(dir: string, input: SaveIdentityInput): Promise<void> {
  const cert = parseCertificate(input.certPem);
  const meta: IdentityMeta = {
    orgId: input.orgId,
    role: input.role,
    commonName: input.commonName,
    alg: input.alg ?? cert.alg,
  };
  await mkdir(dir, { recursive: true });
  const keyFile = join(dir, IDENTITY_FILES.key);
  await writeFile(keyFile, input.keyPem, { mode: 0o600 });
  // `mode` applies only when the file is created; an overwritten key must be private too.
  await chmod(keyFile, 0o600);
  await writeFile(join(dir, IDENTITY_FILES.cert), input.certPem);
  await writeFile(join(dir, IDENTITY_FILES.ca), input.caPem);
  await writeFile(join(dir, IDENTITY_FILES.meta), `${JSON.stringify(meta, null, 2)}\n`);
}

async function readText(dir: string, name: string, what: string): Promise<string> {
  try {
    return await readFile(join(dir, name), "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw loadFailed(dir, `${name} (${what}) is missing`);
    throw loadFailed(dir, `cannot read ${name} (${what}): ${(e as Error).message}`);
  }
}

function parseMeta(dir: string, text: string): IdentityMeta {
  let m: Partial<IdentityMeta>;
  try {
    m = JSON.parse(text) as Partial<IdentityMeta>;
  } catch {
    throw loadFailed(dir, `${IDENTITY_FILES.meta} is not JSON`);
  }
  if (typeof m !== "object" || m === null) throw loadFailed(dir, `${IDENTITY_FILES.meta} must be an object`);
  if (typeof m.orgId !== "string" || m.orgId === "") throw loadFailed(dir, `${IDENTITY_FILES.meta}: "orgId" missing`);
  if (!isRole(m.role)) throw loadFailed(dir, `${IDENTITY_FILES.meta}: "role" must be admin, member, node or device`);
  if (typeof m.commonName !== "string") throw loadFailed(dir, `${IDENTITY_FILES.meta}: "commonName" missing`);
  if (m.alg !== "ed25519" && m.alg !== "p256")
    throw loadFailed(dir, `${IDENTITY_FILES.meta}: "alg" must be ed25519 or p256`);
  return { orgId: m.orgId, role: m.role, commonName: m.commonName, alg: m.alg };
}

/**
 * Reads an identity directory and checks it is coherent: the key belongs to
 * the certificate and ca.pem issued the certificate. Throws
 * IDENTITY_LOAD_FAILED naming the missing or bad file.
 */
export async function loadIdentity(dir: string): Promise<LoadedIdentity> {
  const [certPem, keyPem, caPem, metaText] = await Promise.all([
    readText(dir, IDENTITY_FILES.cert, "the certificate"),
    readText(dir, IDENTITY_FILES.key, "the private key"),
    readText(dir, IDENTITY_FILES.ca, "the issuing CA certificate"),
    readText(dir, IDENTITY_FILES.meta, "the identity summary"),
  ]);
  const meta = parseMeta(dir, metaText);
  let cert: ParsedCertificate;
  try {
    cert = parseCertificate(certPem);
  } catch (e) {
    throw loadFailed(dir, `${IDENTITY_FILES.cert} is bad: ${(e as Error).message}`);
  }
  let keyPair: KeyPair;
  try {
    keyPair = keyPairFromPem(keyPem);
  } catch (e) {
    throw loadFailed(dir, `${IDENTITY_FILES.key} is bad: ${(e as Error).message}`);
  }
  if (keyPair.alg !== cert.alg || !bytesEqual(keyPair.publicKey, cert.publicKey)) {
    throw loadFailed(dir, `${IDENTITY_FILES.key} is not the private key of ${IDENTITY_FILES.cert}`);
  }
  let issued: boolean;
  try {
    const caCert = new NodeX509Certificate(caPem);
    const leaf = new NodeX509Certificate(cert.der);
    issued = leaf.checkIssued(caCert) && leaf.verify(caCert.publicKey);
  } catch (e) {
    throw loadFailed(dir, `${IDENTITY_FILES.ca} is bad: ${(e as Error).message}`);
  }
  if (!issued) throw loadFailed(dir, `${IDENTITY_FILES.cert} was not issued by ${IDENTITY_FILES.ca}`);
  return { ...meta, alg: cert.alg, dir, certPem, certDer: cert.der, caPem, cert, keyPair };
}
