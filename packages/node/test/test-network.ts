import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CertSigner,
  certPemToDer,
  issueCertificate,
  keyPairFromPem,
  type LoadedIdentity,
  loadIdentity,
} from "@citychain/crypto";
import type { ChainMode } from "@citychain/protocol";
import { pino } from "pino";
import { initNetwork, type NetworkLayout } from "../src/network-init.ts";
import { CityChainNode } from "../src/node.ts";

/** A one-validator network in a temp dir with its node running in-process. */
export interface TestNetwork {
  dir: string;
  layout: NetworkLayout;
  node: CityChainNode;
  url: string;
  admin: LoadedIdentity;
  member: LoadedIdentity;
  /** Issues another certificate from org1's CA (for expiry and revocation cases). */
  issueMember(name: string, opts?: { notBefore?: Date; notAfter?: Date }): Promise<CertSigner & { certPem: string }>;
  stop(): Promise<void>;
}

/**
 * Empty blocks are switched off so the height moves only when a transaction
 * commits: a test can then assert that a rejected transaction wrote nothing.
 */
export async function startTestNetwork(mode: ChainMode = "alliance"): Promise<TestNetwork> {
  const dir = mkdtempSync(join(tmpdir(), "citychain-api-"));
  const layout = await initNetwork({ dir, orgs: ["org1"], validators: 1, mode, params: { emptyBlockIntervalMs: 0 } });
  const node = await CityChainNode.start({
    home: layout.orgs[0].nodeHome,
    apiPort: 0,
    noP2P: true,
    logger: pino({ level: process.env.CITYCHAIN_TEST_LOG ?? "silent" }),
    verifyThreads: 1,
  });
  const org = layout.orgs[0];
  const [admin, member] = await Promise.all([loadIdentity(org.identities.admin), loadIdentity(org.identities.member)]);
  const caCertPem = readFileSync(join(org.caDir, "cert.pem"), "utf8");
  const caKeyPem = readFileSync(join(org.caDir, "key.pem"), "utf8");
  return {
    dir,
    layout,
    node,
    url: node.apiUrl,
    admin,
    member,
    async issueMember(name, opts = {}) {
      const issued = await issueCertificate({
        caCertPem,
        caKeyPem,
        commonName: name,
        orgId: "org1",
        role: "member",
        notBefore: opts.notBefore,
        notAfter: opts.notAfter,
      });
      return { certPem: issued.certPem, certDer: certPemToDer(issued.certPem), keyPair: keyPairFromPem(issued.keyPem) };
    },
    async stop() {
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
