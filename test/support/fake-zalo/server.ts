/** HTTP side of the fake: routes POST /bot<token>/<method>, injects failures, records every call. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { LocalJsonServer, sendJson } from "../local-server.js";
import { badRequest, defaultDescription, FakeZaloError, unauthorized, notFound } from "./errors.js";
import { HANDLERS, type Params, type Sim } from "./methods.js";
import type { DropOptions, InjectedFailure, RecordedZaloCall } from "./types.js";

const MAX_BODY_BYTES = 1024 * 1024;

export const METHODS: readonly string[] = Object.keys(HANDLERS).sort();

interface Injection {
  failure?: { errorCode: number; description: string };
  drop?: "before" | "after";
  remaining: number;
  /** Calls to let through before this injection applies. */
  skip?: number;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw badRequest("request body too large");
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseParams(url: URL, body: string): Params {
  const params: Params = Object.fromEntries(url.searchParams);
  if (body.trim() === "") return params;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw badRequest("the body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badRequest("the body must be a JSON object");
  return { ...params, ...(value as Params) };
}

export class ZaloHttpFront {
  private readonly http: LocalJsonServer;
  private readonly injections = new Map<string, Injection[]>();
  readonly calls: RecordedZaloCall[] = [];

  constructor(
    private readonly sim: Sim,
    private readonly token: string,
  ) {
    this.http = new LocalJsonServer("fake-zalo", (req, res) => this.handle(req, res));
  }

  listen(): Promise<number> {
    return this.http.listen();
  }

  close(): Promise<void> {
    return this.http.close();
  }

  failNext(method: string, failure: InjectedFailure): void {
    this.inject(method, {
      failure: { errorCode: failure.errorCode, description: failure.description ?? defaultDescription(failure.errorCode) },
      remaining: failure.count ?? 1,
      skip: failure.after ?? 0,
    });
  }

  dropNext(method: string, opts: DropOptions): void {
    this.inject(method, { drop: opts.processed === true ? "after" : "before", remaining: opts.count ?? 1 });
  }

  private inject(method: string, injection: Injection): void {
    if (HANDLERS[method] === undefined) throw new Error(`fake-zalo: no method "${method}" (known: ${METHODS.join(", ")})`);
    if (injection.remaining < 1) return;
    const list = this.injections.get(method) ?? [];
    list.push(injection);
    this.injections.set(method, list);
  }

  private takeInjection(method: string): Injection | undefined {
    const list = this.injections.get(method);
    const first = list?.[0];
    if (list === undefined || first === undefined) return undefined;
    if (first.skip !== undefined && first.skip > 0) {
      first.skip--;
      return undefined;
    }
    first.remaining--;
    if (first.remaining <= 0) list.shift();
    return first;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const route = /^\/bot([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
    if (route === null) {
      sendJson(res, 404, notFound().toBody());
      return;
    }
    if (decodeURIComponent(route[1] ?? "") !== this.token) {
      sendJson(res, 401, unauthorized().toBody());
      return;
    }
    const method = decodeURIComponent(route[2] ?? "");
    const call: RecordedZaloCall = { method, params: {}, ok: false, time: this.sim.now() };
    this.calls.push(call);
    const answer = (status: number, body: Record<string, unknown>): void => {
      if (call.dropped === "after") {
        this.sim.stats.droppedConnections++;
        req.socket.destroy();
        return;
      }
      sendJson(res, status, body);
    };
    try {
      call.params = parseParams(url, await readBody(req));
      const handler = HANDLERS[method];
      if (handler === undefined) throw badRequest(`unknown method ${method}`);
      const injection = this.takeInjection(method);
      if (injection?.drop === "before") {
        call.dropped = "before";
        this.sim.stats.droppedConnections++;
        req.socket.destroy();
        return;
      }
      if (injection?.drop === "after") call.dropped = "after";
      if (injection?.failure !== undefined) {
        this.sim.stats.injectedFailures++;
        throw new FakeZaloError(injection.failure.errorCode, injection.failure.description);
      }
      const abort = new AbortController();
      res.on("close", () => {
        if (!res.writableFinished) abort.abort();
      });
      const result: unknown = await handler(this.sim, call.params, abort.signal);
      call.ok = true;
      call.result = result;
      answer(200, result === undefined ? { ok: true } : { ok: true, result });
    } catch (err) {
      const error = err instanceof FakeZaloError ? err : new FakeZaloError(500, `Internal Server Error: ${String(err)}`);
      if (!(err instanceof FakeZaloError)) console.error("fake-zalo: handler crashed", err);
      if (error.errorCode === 429) this.sim.stats.rateLimited++;
      call.error_code = error.errorCode;
      call.description = error.description;
      answer(error.errorCode, { ...error.toBody() });
    }
  }
}
