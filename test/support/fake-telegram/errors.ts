/** Error answers in the exact shape the Bot API uses. */

export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

export interface ApiErrorBody {
  ok: false;
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
}

/** Thrown by method handlers; turned into `{ ok: false, ... }` with HTTP status = error_code. */
export class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(`${errorCode}: ${description}`);
    this.name = "ApiError";
  }

  toBody(): ApiErrorBody {
    const body: ApiErrorBody = { ok: false, error_code: this.errorCode, description: this.description };
    if (this.parameters !== undefined) body.parameters = this.parameters;
    return body;
  }
}

export function badRequest(detail: string): ApiError {
  return new ApiError(400, `Bad Request: ${detail}`);
}

export function forbidden(detail: string): ApiError {
  return new ApiError(403, `Forbidden: ${detail}`);
}

export function notFound(): ApiError {
  return new ApiError(404, "Not Found");
}

export function unauthorized(): ApiError {
  return new ApiError(401, "Unauthorized");
}

export function conflict(detail: string): ApiError {
  return new ApiError(409, `Conflict: ${detail}`);
}

export function tooManyRequests(retryAfter: number): ApiError {
  return new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
}

export function notSimulated(method: string, returns: string): ApiError {
  return new ApiError(
    501,
    `Not Implemented: the fake Telegram server does not simulate ${method} (returns ${returns}); add it to test/support/fake-telegram`,
  );
}
