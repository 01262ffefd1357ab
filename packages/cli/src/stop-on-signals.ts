/** Stops a long-running service (node, gateway) once on SIGINT or SIGTERM, then exits the process. */
export function stopOnSignals(service: {
  logger: { info(fields: object, message: string): void };
  stop(): Promise<void>;
}): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.logger.info({ signal }, "stopping");
    await service.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}
