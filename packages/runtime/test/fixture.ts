import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CertAndKey,
  type CertSigner,
  createOrgCA,
  issueCertificate,
  keyPairFromPem,
  parseCertificate,
  signTx,
  VerifyPool,
} from "@citychain/crypto";
import { Ledger } from "@citychain/ledger";
import {
  type Block,
  type Commit,
  DEFAULT_PARAMS,
  decodeTx,
  encodeSignedTx,
  encodeTxBody,
  type Genesis,
  txIdOfBody,
} from "@citychain/protocol";
import { CityChainApp, validatorsOf } from "../src/index.ts";

export interface Member extends CertSigner {
  certPem: string;
  fingerprint: string;
}

export function memberOf(issued: CertAndKey): Member {
  const cert = parseCertificate(issued.certPem);
  return {
    certPem: issued.certPem,
    certDer: new Uint8Array(cert.der),
    keyPair: keyPairFromPem(issued.keyPem),
    fingerprint: cert.fingerprintHex,
  };
}

/** A two-organisation chain with one validator, over a real LMDB ledger in a temp dir. */
export async function createFixture(opts: { mode?: Genesis["mode"]; params?: Partial<Genesis["params"]> } = {}) {
  const ca1 = await createOrgCA({ orgId: "org1", orgName: "Org One" });
  const ca2 = await createOrgCA({ orgId: "org2", orgName: "Org Two" });
  const issue = (ca: CertAndKey, orgId: string, commonName: string, role: "admin" | "member" | "node", extra = {}) =>
    issueCertificate({ caCertPem: ca.certPem, caKeyPem: ca.keyPem, commonName, orgId, role, ...extra });
  const node = await issue(ca1, "org1", "org1-node", "node");
  const genesis: Genesis = {
    chainId: "test-chain",
    genesisTimeMs: Date.now() - 60_000,
    mode: opts.mode ?? "alliance",
    orgs: [
      { id: "org1", name: "Org One", caCerts: [ca1.certPem] },
      { id: "org2", name: "Org Two", caCerts: [ca2.certPem] },
    ],
    validators: [{ name: "org1-node", orgId: "org1", cert: node.certPem, power: 10 }],
    params: { ...DEFAULT_PARAMS, ...(opts.params ?? {}) },
  };
  const dirs: string[] = [];
  const pool = VerifyPool.create({ threads: 1 });
  const ledgers: Ledger[] = [];
  const openApp = async () => {
    const dir = mkdtempSync(join(tmpdir(), "citychain-runtime-"));
    dirs.push(dir);
    const ledger = Ledger.open(dir);
    ledgers.push(ledger);
    return CityChainApp.open({ genesis, ledger, verifyPool: pool });
  };
  const f = {
    genesis,
    ca1,
    ca2,
    issue,
    nodeKey: keyPairFromPem(node.keyPem),
    validators: validatorsOf(genesis),
    member1: memberOf(await issue(ca1, "org1", "alice", "member")),
    admin1: memberOf(await issue(ca1, "org1", "admin1", "admin")),
    member2: memberOf(await issue(ca2, "org2", "bob", "member")),
    openApp,
    /** The ledger of the app opened last. */
    lastLedger: () => ledgers[ledgers.length - 1],
    nonce: 0,
    /** A signed transaction's bytes. */
    tx(
      signers: Member[],
      contract: string,
      fn: string,
      args: string[],
      expiresAt = 1000,
    ): { bytes: Uint8Array; id: Uint8Array } {
      const nonce = new Uint8Array(8);
      new DataView(nonce.buffer).setUint32(4, ++f.nonce);
      const body = encodeTxBody({ chainId: genesis.chainId, contract, fn, args, nonce, expiresAt });
      const id = txIdOfBody(body);
      return { id, bytes: encodeSignedTx({ body, sigs: signers.map((s) => signTx(s, id)) }) };
    },
    /** The same transaction with one bit of its first signature flipped. */
    withBadSignature(bytes: Uint8Array): Uint8Array {
      const tx = decodeTx(bytes, 1 << 20);
      const sig = new Uint8Array(tx.sigs[0].sig);
      sig[0] ^= 1;
      return encodeSignedTx({ body: tx.bodyBytes, sigs: [{ ...tx.sigs[0], sig }, ...tx.sigs.slice(1)] });
    },
    /** Builds, executes and commits the next block from the given transactions (as the solo validator would). */
    async commitBlock(app: CityChainApp, txs: Uint8Array[], timeMs?: number): Promise<Block> {
      const checked = await app.checkTxs(txs, { timeMs: Date.now() });
      const ok = checked.flatMap((c) => (c.ok ? [c.tx] : []));
      const info = app.info();
      const { block } = await app.prepareProposal({
        height: info.height + 1,
        timeMs: timeMs ?? Math.max(Date.now(), info.lastBlockTimeMs + 1),
        proposer: f.validators[0].address,
        prevHash: info.lastBlockHash,
        txs: ok,
      });
      const ex = await app.finalizeBlock(block);
      const commit: Commit = { height: block.header.height, round: 0, blockHash: ex.blockHash, sigs: [] };
      await app.commit(block, commit, ex);
      return block;
    },
    async close() {
      for (const l of ledgers) await l.close();
      await pool.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
  return f;
}

export type Fixture = Awaited<ReturnType<typeof createFixture>>;
