import { verifyChain } from "@citychain/node";
import type { Command } from "commander";
import { type Output, ProgressBar, print, printError } from "../output.ts";

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description("re-check a node's whole chain offline: hash links, roots, commit signatures, transaction signatures")
    .requiredOption("--home <dir>", "the node's home directory (stop the node first, or verify a copy)")
    .option("--json", "machine-readable output")
    .action(async (o) => {
      const out: Output = { json: Boolean(o.json) };
      const bar = new ProgressBar("verifying", out);
      try {
        const report = await verifyChain(o.home, { onProgress: (h, latest) => bar.update(h, latest) });
        bar.finish();
        print(out, report, () =>
          report.ok
            ? `chain '${report.chainId}' verified: heights 1..${report.heights}, ${report.txs} transactions, ${report.signaturesChecked} signatures`
            : `chain '${report.chainId}' is BAD at height ${report.fault?.height}: ${report.fault?.code}: ${report.fault?.reason}`,
        );
        if (!report.ok) process.exitCode = 2;
      } catch (e) {
        bar.finish();
        printError(out, e);
      }
    });
}
