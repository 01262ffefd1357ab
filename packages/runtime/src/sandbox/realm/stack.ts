/**
 * Stack traces show only frames of the realm's own code (chaincode files and
 * the sandbox's bundles). V8 captures frames of the host below the realm too,
 * and their file names are paths on this machine: a contract that returned
 * `err.stack` would give different bytes on different nodes.
 */
export const CHAINCODE_FILE_PREFIX = "chaincode/";
export const SANDBOX_FILE_PREFIX = "citychain:";

interface CallSite {
  getFileName(): string | null | undefined;
  toString(): string;
}

export function installStackTraces(): void {
  const prepareStackTrace = (error: unknown, frames: CallSite[]): string => {
    let header: string;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = "Error";
    }
    const lines = [header];
    for (const frame of frames) {
      const file = frame.getFileName() ?? "";
      if (file.startsWith(CHAINCODE_FILE_PREFIX) || file.startsWith(SANDBOX_FILE_PREFIX)) {
        lines.push(`    at ${frame.toString()}`);
      }
    }
    return lines.join("\n");
  };
  Object.defineProperty(Error, "prepareStackTrace", { value: prepareStackTrace, writable: true, configurable: true });
  Object.defineProperty(Error, "stackTraceLimit", { value: 10, writable: true, configurable: true });
}
