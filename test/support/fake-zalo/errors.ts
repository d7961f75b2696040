/** Error answers in the Zalo Bot API envelope: `{ ok: false, error_code, description }` with HTTP status = error_code. */

export interface ZaloErrorBody {
  ok: false;
  error_code: number;
  description: string;
}

export class FakeZaloError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
  ) {
    super(`${errorCode}: ${description}`);
    this.name = "FakeZaloError";
  }

  toBody(): ZaloErrorBody {
    return { ok: false, error_code: this.errorCode, description: this.description };
  }
}

const DEFAULT_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  429: "Quota exceeded",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

export function defaultDescription(code: number): string {
  return DEFAULT_DESCRIPTIONS[code] ?? `Error ${code}`;
}

export function badRequest(detail: string): FakeZaloError {
  return new FakeZaloError(400, `Bad Request: ${detail}`);
}

export function forbidden(detail: string): FakeZaloError {
  return new FakeZaloError(403, `Forbidden: ${detail}`);
}

export function unauthorized(): FakeZaloError {
  return new FakeZaloError(401, "Unauthorized");
}

export function notFound(): FakeZaloError {
  return new FakeZaloError(404, "Not Found");
}

export function pollTimeout(): FakeZaloError {
  return new FakeZaloError(408, "Request Timeout");
}

export function quotaExceeded(): FakeZaloError {
  return new FakeZaloError(429, "Quota exceeded");
}
