import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { loadIdentity } from "@citychain/crypto";
import { packageChaincode } from "@citychain/runtime";
import { CityChainClient, contractDefinition, deployContract } from "@citychain/sdk";

const REPO_ROOT = new URL("../../..", import.meta.url).pathname;

/** What a workload's setup gets: the network it will load (self-contained mode). */
export interface SetupEnv {
  url: string;
  /** Admin identity directories, one per organisation. */
  adminDirs: string[];
}

/**
 * Builds an example chaincode project with tsc (as Fabric's samples build),
 * packages it, and deploys it under `name` with a majority of the
 * organisations' admins co-signing; waits until it answers.
 */
export async function deployExample(env: SetupEnv, example: string, name: string, probe: string): Promise<void> {
  const dir = join(REPO_ROOT, "examples", example);
  const tsc = spawnSync(process.execPath, [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], {
    encoding: "utf8",
  });
  if (tsc.status !== 0) throw new Error(`building ${dir} failed:\n${tsc.stdout}${tsc.stderr}`);
  const pkg = packageChaincode(dir);
  const admins = await Promise.all(env.adminDirs.map((d) => loadIdentity(d)));
  const majority = Math.floor(admins.length / 2) + 1;
  const client = new CityChainClient({ url: env.url, identity: admins[0] });
  if (!(await contractDefinition(client, name))) {
    await deployContract(client, pkg.bytes, { name, cosigners: admins.slice(1, majority) });
  }
  for (let i = 0; i < 100; i++) {
    try {
      await client.evaluateTransaction(name, probe);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`contract '${name}' did not come live`);
}
