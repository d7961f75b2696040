// Helpers for bench/instances.ts: bot processes with their pid (for RSS), and a "Telegram edge" that stands for
// Telegram's webhook delivery (several POSTs in flight, like max_connections) in front of a round-robin balancer.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface Instance {
  child: ChildProcess;
  port: number;
  startupMs: number;
  output: () => string;
  stop: () => Promise<void>;
}

/** `node --import tsx src/main.ts` (as test/support/process.ts), resolved once it logs "chibo is running". */
export async function startInstance(env: Record<string, string>, port: number): Promise<Instance> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", DOTENV_CONFIG_PATH: "/nonexistent/.env", ...env, HTTP_PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let running = false;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    // LOG_LEVEL must be info or lower for the "chibo is running" line; after it, only warnings are kept
    const collect = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      if (running) {
        for (const line of text.split("\n")) if (/"level":(40|50|60)/.test(line)) output += `${line}\n`;
        return;
      }
      output += text;
      if (output.includes("chibo is running")) {
        running = true;
        resolve();
      }
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    void exited.then(() => reject(new Error(`instance exited before it ran:\n${output}`)));
  });
  return {
    child,
    port,
    startupMs: Math.round(performance.now() - started),
    output: () => output,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** CPU time (user + system) a process has used so far, in ms (clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface Delivery {
  updateId: number;
  callbackQueryId: string | undefined;
  receivedAt: number;
  latencyMs: number;
  status: number;
  attempts: number;
}

/**
 * The fake Telegram posts its updates here one at a time. In "sync" mode each one is forwarded to the next instance
 * and the fake gets the instance's answer (used to set the world up). In "concurrent" mode the fake is answered at
 * once and the update is queued; up to `inFlight` POSTs then go to the instances in turn, as Telegram's
 * max_connections would send them, each timed from POST to answer. A failed POST is retried (like Telegram) up to 3
 * times and counted.
 */
export class TelegramEdge {
  mode: "sync" | "concurrent" = "sync";
  targets: number[] = [];
  inFlight = 20;
  readonly deliveries: Delivery[] = [];
  failures = 0;
  private next = 0;
  private queue: { body: Buffer; headers: IncomingMessage["headers"]; receivedAt: number }[] = [];
  private running = 0;
  private idle: (() => void)[] = [];
  private server: Server | undefined;
  port = 0;

  async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        if (this.mode === "sync") {
          void this.post(body, req.headers).then(
            ({ status, text }) => res.writeHead(status, { "content-type": "application/json" }).end(text),
            () => res.writeHead(502).end(),
          );
          return;
        }
        res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
        this.queue.push({ body, headers: req.headers, receivedAt: performance.now() });
        this.pump();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  /** Resolves when nothing is queued or in flight. */
  drained(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump() {
    while (this.running < this.inFlight && this.queue.length > 0) {
      const item = this.queue.shift()!;
      this.running++;
      void this.deliver(item).finally(() => {
        this.running--;
        this.pump();
        if (this.queue.length === 0 && this.running === 0) this.idle.splice(0).forEach((resolve) => resolve());
      });
    }
  }

  private async deliver(item: { body: Buffer; headers: IncomingMessage["headers"]; receivedAt: number }) {
    const update = JSON.parse(item.body.toString("utf8")) as { update_id: number; callback_query?: { id: string } };
    const sent = performance.now();
    let status = 0;
    let attempts = 0;
    while (attempts < 4) {
      attempts++;
      status = await this.post(item.body, item.headers).then(
        (answer) => answer.status,
        () => 0,
      );
      if (status >= 200 && status < 300) break;
      this.failures++;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempts));
    }
    this.deliveries.push({
      updateId: update.update_id,
      callbackQueryId: update.callback_query?.id,
      receivedAt: item.receivedAt,
      latencyMs: performance.now() - sent,
      status,
      attempts,
    });
  }

  private post(body: Buffer, headers: IncomingMessage["headers"]): Promise<{ status: number; text: string }> {
    const target = this.targets[this.next++ % this.targets.length]!;
    return new Promise((resolve, reject) => {
      const forward = request(
        {
          host: "127.0.0.1",
          port: target,
          path: "/telegram",
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": body.length,
            "x-telegram-bot-api-secret-token": headers["x-telegram-bot-api-secret-token"] ?? "",
          },
        },
        (answer) => {
          let text = "";
          answer.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
          answer.on("end", () => resolve({ status: answer.statusCode ?? 0, text }));
        },
      );
      forward.on("error", reject);
      forward.end(body);
    });
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
