/** HTTP side of the fake: routes /bot<token>/<method> and /file/bot<token>/<path>, records calls. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { LocalJsonServer, sendJson } from "../local-server.js";
import { ApiError, notFound, notSimulated, unauthorized } from "./errors.js";
import type { Handler } from "./handler.js";
import { decodeRequest, isUploadedFile, readBody, type DecodedRequest, type Params } from "./http-body.js";
import { BOT_HANDLERS } from "./methods-bot.js";
import { CHAT_HANDLERS } from "./methods-chats.js";
import { MESSAGE_HANDLERS } from "./methods-messages.js";
import type { Simulation } from "./sim.js";
import type { MethodSpec, SpecTable } from "./spec-table.js";
import type { RecordedCall } from "./types.js";
import { Validator } from "./validate.js";

const HANDLERS: Readonly<Record<string, Handler>> = { ...BOT_HANDLERS, ...CHAT_HANDLERS, ...MESSAGE_HANDLERS };

/** Names of the methods simulated with real semantics (the rest only validate). */
export const SIMULATED_METHODS: readonly string[] = Object.keys(HANDLERS).sort();

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Methods not simulated: validate, then answer True if that is what they return. */
function fallbackHandler(spec: MethodSpec): Handler {
  return () => {
    if (spec.returns === "Boolean" || spec.returns === "True") return true;
    throw notSimulated(spec.name, spec.returns);
  };
}

function displayValue(v: unknown): unknown {
  if (isUploadedFile(v)) return { file: v.filename, size: v.data.length };
  if (Array.isArray(v)) return v.map(displayValue);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, displayValue(x)]));
  if (typeof v === "string" && /^\s*[[{]/.test(v)) {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }
  return v;
}

function displayParams(decoded: DecodedRequest, validated: Params | undefined): Record<string, unknown> {
  const source: Params = validated ?? { ...decoded.params };
  if (validated === undefined) for (const [name, file] of decoded.files) source[name] ??= file;
  return displayValue(source) as Record<string, unknown>;
}

export class ApiDispatcher {
  constructor(
    private readonly sim: Simulation,
    private readonly table: SpecTable,
  ) {}

  async call(methodName: string, decoded: DecodedRequest, signal: AbortSignal): Promise<ApiAnswer> {
    const spec = this.table.methods.get(methodName.toLowerCase());
    if (spec === undefined) return { status: 404, body: { ...notFound().toBody() } };
    const call: RecordedCall = { method: spec.name, params: {}, ok: false, time: this.sim.now() };
    let validated: Params | undefined;
    try {
      const injected = this.sim.takeInjected(spec.name);
      if (injected !== undefined) throw injected;
      validated = new Validator(this.table, decoded.files).params(spec, decoded.params);
      const handler = HANDLERS[spec.name] ?? fallbackHandler(spec);
      const result: unknown = await handler(this.sim, validated, signal);
      call.ok = true;
      call.result = result;
      return { status: 200, body: { ok: true, result } };
    } catch (err) {
      const apiError =
        err instanceof ApiError ? err : new ApiError(500, `Internal Server Error: fake Telegram failed: ${String(err)}`);
      if (!(err instanceof ApiError)) console.error("fake-telegram: handler crashed", err);
      if (apiError.errorCode === 429) this.sim.stats.rateLimited++;
      call.error_code = apiError.errorCode;
      call.description = apiError.description;
      return { status: apiError.errorCode, body: { ...apiError.toBody() } };
    } finally {
      call.params = displayParams(decoded, validated);
      this.sim.calls.push(call);
    }
  }
}

export class HttpFront {
  private readonly http: LocalJsonServer;

  constructor(
    private readonly sim: Simulation,
    private readonly dispatcher: ApiDispatcher,
    private readonly token: string,
  ) {
    this.http = new LocalJsonServer("fake-telegram", (req, res) => this.handle(req, res));
  }

  listen(): Promise<number> {
    return this.http.listen();
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file !== null) {
      this.download(res, file[1] ?? "", decodeURIComponent(file[2] ?? ""));
      return;
    }
    const api = /^\/bot([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
    if (api === null) {
      sendJson(res, 404, notFound().toBody());
      return;
    }
    if (decodeURIComponent(api[1] ?? "") !== this.token) {
      sendJson(res, 401, unauthorized().toBody());
      return;
    }
    const body = await readBody(req);
    let decoded: DecodedRequest;
    try {
      decoded = decodeRequest(url, req.headers["content-type"], body);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      sendJson(res, err.errorCode, err.toBody());
      return;
    }
    const abort = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    const answer = await this.dispatcher.call(api[2] ?? "", decoded, abort.signal);
    sendJson(res, answer.status, answer.body);
  }

  private download(res: ServerResponse, token: string, path: string): void {
    if (token !== this.token) {
      sendJson(res, 401, unauthorized().toBody());
      return;
    }
    const file = this.sim.world.filesByPath.get(path);
    if (file === undefined) {
      sendJson(res, 404, notFound().toBody());
      return;
    }
    res.writeHead(200, { "content-type": file.mime_type ?? "application/octet-stream", "content-length": file.data.length });
    res.end(file.data);
  }
}
