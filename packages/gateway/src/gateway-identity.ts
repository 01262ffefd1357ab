import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { issueCertificate, type LoadedIdentity, loadIdentity, saveIdentity } from "@citychain/crypto";
import type { SignatureAlgorithm } from "@citychain/protocol";
import { publicKeyPemOf } from "./device-signer.ts";

export interface GatewayIdentityOptions {
  /** The organisation's CA directory (cert.pem, key.pem), as `network init` made it. */
  caDir: string;
  orgId: string;
  /** The certificate's common name, e.g. the gateway id. */
  commonName: string;
  /** Where to write the identity (cert.pem, key.pem, ca.pem, identity.json). */
  outDir: string;
  alg?: SignatureAlgorithm;
}

/**
 * Issues a gateway its own identity: a `device` certificate of the operator
 * organisation, signed by the organisation's CA. The Telemetry contract takes
 * anchors from device identities (not from members), so a gateway needs no
 * admin or node key. Returns the loaded identity and its public key PEM (for
 * Devices:Register).
 */
export async function createGatewayIdentity(
  opts: GatewayIdentityOptions,
): Promise<{ identity: LoadedIdentity; publicKeyPem: string }> {
  const [caCertPem, caKeyPem] = await Promise.all([
    readFile(join(opts.caDir, "cert.pem"), "utf8"),
    readFile(join(opts.caDir, "key.pem"), "utf8"),
  ]);
  const issued = await issueCertificate({
    caCertPem,
    caKeyPem,
    commonName: opts.commonName,
    orgId: opts.orgId,
    role: "device",
    alg: opts.alg,
  });
  await saveIdentity(opts.outDir, {
    certPem: issued.certPem,
    keyPem: issued.keyPem,
    caPem: caCertPem,
    orgId: opts.orgId,
    role: "device",
    commonName: opts.commonName,
  });
  const identity = await loadIdentity(opts.outDir);
  return { identity, publicKeyPem: publicKeyPemOf(identity.keyPair) };
}
