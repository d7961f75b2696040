// The HTTP side both fake platforms share: bound to 127.0.0.1 on a free port, JSON answers, a crash in a handler
// answered 500 (and printed) rather than left hanging, and every connection cut on close.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { "content-type": "application/json", "content-length": data.length });
  res.end(data);
}

export class LocalJsonServer {
  private readonly server: Server;

  constructor(name: string, handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {
    this.server = createServer((req, res) => {
      handle(req, res).catch((err: unknown) => {
        console.error(`${name}: request failed`, err);
        sendJson(res, 500, { ok: false, error_code: 500, description: "Internal Server Error" });
      });
    });
    this.server.keepAliveTimeout = 60_000;
  }

  /** Resolves with the port it got. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
