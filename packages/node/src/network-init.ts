import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createOrgCA, issueCertificate, type Role, saveIdentity } from "@citychain/crypto";
import { type ChainMode, CityChainError, DEFAULT_PARAMS, ErrorCode, type Genesis } from "@citychain/protocol";
import { DATA_DIR, GENESIS_FILE, IDENTITY_DIR, NODE_CONFIG_FILE, type NodeConfig } from "./config.ts";

export interface NetworkInitOptions {
  dir: string;
  orgs: string[];
  chainId?: string;
  mode?: ChainMode;
  /** How many organisations' nodes validate (the first ones). 1 gives a solo chain. */
  validators?: number;
  /** First API port; node i listens on apiPortBase + i. */
  apiPortBase?: number;
  /** First p2p port; node i listens on p2pPortBase + i and dials all the others. */
  p2pPortBase?: number;
  genesisTimeMs?: number;
  params?: Partial<Genesis["params"]>;
  validityDays?: number;
}

export interface NetworkLayout {
  dir: string;
  genesisFile: string;
  genesis: Genesis;
  orgs: {
    id: string;
    caDir: string;
    identities: Record<"admin" | "member" | "node", string>;
    nodeHome: string;
  }[];
}

const ORG_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Creates a whole network in one step: a CA per organisation, an admin, a
 * member and a node identity per organisation, the genesis, and a home
 * directory per node (what Fabric needs cryptogen and configtxgen for).
 * Layout: DIR/genesis.json, DIR/orgs/<org>/{ca,admin,member,node}/,
 * DIR/nodes/<org>-node/{config.json,genesis.json,identity/,data/}.
 */
export async function initNetwork(opts: NetworkInitOptions): Promise<NetworkLayout> {
  const dir = resolve(opts.dir);
  if (opts.orgs.length === 0)
    throw new CityChainError({ code: ErrorCode.CONFIG_INVALID }, "name at least one organisation");
  for (const org of opts.orgs) {
    if (!ORG_PATTERN.test(org)) {
      throw new CityChainError(
        { code: ErrorCode.CONFIG_INVALID },
        `organisation id '${org}' must be lower-case letters, digits and '-', starting with a letter (at most 32)`,
      );
    }
  }
  if (new Set(opts.orgs).size !== opts.orgs.length) {
    throw new CityChainError({ code: ErrorCode.CONFIG_INVALID }, "organisation ids must be distinct");
  }
  const validatorCount = Math.min(opts.validators ?? 1, opts.orgs.length);
  const mode = opts.mode ?? "alliance";
  if (mode === "private" && opts.orgs.length !== 1) {
    throw new CityChainError({ code: ErrorCode.CONFIG_INVALID }, "'private' mode runs with exactly one organisation");
  }
  const validityDays = opts.validityDays ?? 3650;
  const apiPortBase = opts.apiPortBase ?? 7051;
  const p2pPortBase = opts.p2pPortBase ?? apiPortBase + 1000;
  mkdirSync(dir, { recursive: true });
  const layout: NetworkLayout["orgs"] = [];
  const orgEntries: Genesis["orgs"] = [];
  const validators: Genesis["validators"] = [];
  const nodeCerts: { org: string; certPem: string; caPem: string; keyPem: string }[] = [];
  for (const [i, org] of opts.orgs.entries()) {
    const orgDir = join(dir, "orgs", org);
    const ca = await createOrgCA({ orgId: org, orgName: org, validityDays });
    const caDir = join(orgDir, "ca");
    mkdirSync(caDir, { recursive: true });
    writeFileSync(join(caDir, "cert.pem"), ca.certPem);
    writeFileSync(join(caDir, "key.pem"), ca.keyPem, { mode: 0o600 });
    const identities = {} as Record<"admin" | "member" | "node", string>;
    for (const role of ["admin", "member", "node"] as const satisfies readonly Role[]) {
      const commonName = role === "node" ? `${org}-node` : `${role}@${org}`;
      const issued = await issueCertificate({
        caCertPem: ca.certPem,
        caKeyPem: ca.keyPem,
        commonName,
        orgId: org,
        role,
        validityDays,
      });
      const idDir = join(orgDir, role);
      await saveIdentity(idDir, {
        certPem: issued.certPem,
        keyPem: issued.keyPem,
        caPem: ca.certPem,
        orgId: org,
        role,
        commonName,
      });
      identities[role] = idDir;
      if (role === "node") nodeCerts.push({ org, certPem: issued.certPem, caPem: ca.certPem, keyPem: issued.keyPem });
    }
    orgEntries.push({ id: org, name: org, caCerts: [ca.certPem] });
    if (i < validatorCount) {
      validators.push({ name: `${org}-node`, orgId: org, cert: nodeCerts[i].certPem, power: 10 });
    }
    layout.push({ id: org, caDir, identities, nodeHome: join(dir, "nodes", `${org}-node`) });
  }
  const genesis: Genesis = {
    chainId: opts.chainId ?? "citychain-local",
    genesisTimeMs: opts.genesisTimeMs ?? Date.now(),
    mode,
    orgs: orgEntries,
    validators,
    params: { ...DEFAULT_PARAMS, ...(opts.params ?? {}) },
  };
  const genesisJson = `${JSON.stringify(genesis, null, 2)}\n`;
  const genesisFile = join(dir, GENESIS_FILE);
  writeFileSync(genesisFile, genesisJson);
  for (const [i, org] of opts.orgs.entries()) {
    const home = layout[i].nodeHome;
    mkdirSync(join(home, DATA_DIR), { recursive: true });
    writeFileSync(join(home, GENESIS_FILE), genesisJson);
    const config: NodeConfig = {
      name: `${org}-node`,
      orgId: org,
      api: { host: "127.0.0.1", port: apiPortBase + i },
      // In a BFT network every node runs consensus: one outside the set follows it
      // and starts voting if a validator-set change adds it.
      producer: validatorCount > 1 ? "bft" : i >= validatorCount ? "none" : "solo",
      p2p: {
        host: "127.0.0.1",
        port: p2pPortBase + i,
        peers: opts.orgs.flatMap((other, k) =>
          k === i ? [] : [{ name: `${other}-node`, host: "127.0.0.1", port: p2pPortBase + k, orgId: other }],
        ),
      },
      logLevel: "info",
    };
    writeFileSync(join(home, NODE_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
    const n = nodeCerts[i];
    await saveIdentity(join(home, IDENTITY_DIR), {
      certPem: n.certPem,
      keyPem: n.keyPem,
      caPem: n.caPem,
      orgId: org,
      role: "node",
      commonName: `${org}-node`,
    });
  }
  return { dir, genesisFile, genesis, orgs: layout };
}
