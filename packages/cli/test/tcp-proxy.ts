import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A loopback TCP proxy for fault tests: forwards a listen port to a target,
 * and can cut the link (drop all traffic and connections) and heal it.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private cut = false;

  constructor(
    readonly listenPort: number,
    readonly targetPort: number,
    readonly host = "127.0.0.1",
  ) {}

  start(): Promise<void> {
    this.server = createServer((client) => {
      if (this.cut) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, this.host);
      this.sockets.add(client);
      this.sockets.add(upstream);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on("data", (d) => {
        if (!this.cut) upstream.write(d);
      });
      upstream.on("data", (d) => {
        if (!this.cut) client.write(d);
      });
      client.on("error", close);
      upstream.on("error", close);
      client.on("close", close);
      upstream.on("close", close);
    });
    return new Promise((resolve) => this.server?.listen(this.listenPort, this.host, () => resolve()));
  }

  /** Drops everything in flight and refuses new connections until heal(). */
  cutLink(): void {
    this.cut = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  heal(): void {
    this.cut = false;
  }

  async stop(): Promise<void> {
    this.cutLink();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
