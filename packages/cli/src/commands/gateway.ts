import { loadIdentity } from "@citychain/crypto";
import { createGatewayIdentity, Gateway } from "@citychain/gateway";
import { CityChainError, ErrorCode } from "@citychain/protocol";
import type { Command } from "commander";
import { type Output, print, printError } from "../output.ts";
import { stopOnSignals } from "../stop-on-signals.ts";

function wholeNumber(text: string, option: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min) {
    throw new CityChainError({ code: ErrorCode.CONFIG_INVALID }, `${option} must be a whole number from ${min}`);
  }
  return n;
}

/**
 * `citychain gateway start` runs an IoT gateway (packages/gateway) until
 * SIGINT/SIGTERM; `citychain gateway identity` issues a gateway its device
 * certificate from its organisation's CA.
 */
export function registerGateway(program: Command): void {
  const gateway = program
    .command("gateway")
    .description("the IoT gateway: verify signed device readings and anchor their Merkle roots on chain");
  gateway
    .command("start")
    .description("run a gateway until SIGINT/SIGTERM")
    .requiredOption("--home <dir>", "the gateway's data directory (its store; created if missing)")
    .requiredOption("--api <url>", "API URL of a node of the chain, e.g. http://127.0.0.1:7051")
    .requiredOption(
      "--identity <dir>",
      "identity directory the gateway signs with: role device (or node, admin) of its operator organisation",
    )
    .option("--gateway-id <id>", "the gateway's device id on chain (default: the identity's common name)")
    .option("--port <port>", "HTTP port", "7070")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--anchor-interval-ms <ms>", "seal and anchor the open batch this often (0: only full batches)", "2000")
    .option("--batch-max <readings>", "readings per batch", "100000")
    .option("--verify-threads <n>", "signature-verification worker threads (0: main thread); default: all cores")
    .action(async (o) => {
      const out: Output = { json: false };
      try {
        const identity = await loadIdentity(o.identity);
        const g = await Gateway.start({
          home: o.home,
          apiUrl: String(o.api).replace(/\/$/, ""),
          identity,
          gatewayId: o.gatewayId ?? identity.commonName,
          anchorIntervalMs: wholeNumber(o.anchorIntervalMs, "--anchor-interval-ms", 0),
          batchReadingsMax: wholeNumber(o.batchMax, "--batch-max", 1),
          verifyThreads:
            o.verifyThreads === undefined ? undefined : wholeNumber(o.verifyThreads, "--verify-threads", 0),
        });
        const url = await g.listen(wholeNumber(o.port, "--port", 0), o.host);
        g.logger.info({ url, gatewayId: g.gatewayId }, "gateway listening");
        stopOnSignals(g);
      } catch (e) {
        printError(out, e);
        process.exit(1);
      }
    });

  gateway
    .command("identity")
    .description("issue a gateway a device certificate of its organisation; prints the public key for Devices:Register")
    .requiredOption("--ca <dir>", "the organisation's CA directory (cert.pem, key.pem), e.g. <network>/orgs/<org>/ca")
    .requiredOption("--org <id>", "the organisation id")
    .requiredOption("--name <name>", "the certificate's common name (by default also the gateway id)")
    .requiredOption("--out <dir>", "where to write the identity")
    .option("--json", "machine-readable output")
    .action(async (o) => {
      const out: Output = { json: Boolean(o.json) };
      try {
        const { identity, publicKeyPem } = await createGatewayIdentity({
          caDir: o.ca,
          orgId: o.org,
          commonName: o.name,
          outDir: o.out,
        });
        print(
          out,
          {
            dir: identity.dir,
            orgId: identity.orgId,
            role: identity.role,
            commonName: identity.commonName,
            publicKeyPem,
          },
          () =>
            `identity ${identity.dir} (${identity.role} of ${identity.orgId})\nregister it as a device (an admin of ${identity.orgId}):\n  citychain tx submit --as <admin dir> --contract supplychain --fn Devices:Register ${identity.commonName} "$(cat <<'PEM'\n${publicKeyPem.trim()}\nPEM\n)"`,
        );
      } catch (e) {
        printError(out, e);
      }
    });
}
