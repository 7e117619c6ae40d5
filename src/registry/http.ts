/**
 * One HTTP exchange with a registry host: undici keep-alive, a deadline covering headers and
 * body, redirects followed without leaking Authorization to another origin. No retries here.
 */
import { Agent, request, type Dispatcher } from "undici";

export interface HttpRequest {
  readonly method: "GET" | "HEAD" | "POST";
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** POST only (the OAuth2 token grant); a POST is never redirected. */
  readonly body?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}


export class TransportError extends Error {
  readonly kind: "timeout" | "network";
  constructor(kind: "timeout" | "network", message: string, cause: unknown) {
    super(message, { cause });
    this.kind = kind;
  }
}

const MAX_REDIRECTS = 5;
const MAX_BODY = 64 * 1024 * 1024;

export function createAgents(): { secure: Agent; insecure: Agent } {
  const common = { keepAliveTimeout: 30_000, connections: 16 };
  return {
    secure: new Agent(common),
    insecure: new Agent({ ...common, connect: { rejectUnauthorized: false } }),
  };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/**
 * Send one request (following redirects), read the whole body within `timeoutMs`.
 * `onSend` is called for every request actually put on the wire.
 */
export async function sendOnce(
  dispatcher: Dispatcher,
  req: HttpRequest,
  timeoutMs: number,
  onSend: () => void,
): Promise<HttpResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let url = req.url;
  let headers: Record<string, string> = { ...req.headers };
  try {
    for (let hop = 0; ; hop += 1) {
      onSend();
      const res = await request(url, { method: req.method, headers, dispatcher, signal: controller.signal, ...(req.body === undefined ? {} : { body: req.body }) });
      const location = res.headers["location"];
      if (req.method !== "POST" && [301, 302, 303, 307, 308].includes(res.statusCode) && typeof location === "string" && hop < MAX_REDIRECTS) {
        await res.body.dump();
        const next = new URL(location, url);
        if (next.origin !== new URL(url).origin) {
          // Blob downloads redirect to storage (S3, CDN): never send the registry's credentials there.
          const { authorization: _dropped, ...rest } = headers;
          headers = rest;
        }
        url = next.toString();
        continue;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > MAX_BODY) throw new TransportError("network", `response body larger than ${MAX_BODY} bytes`, undefined);
        chunks.push(buf);
      }
      return { status: res.statusCode, url, headers: flattenHeaders(res.headers), body: Buffer.concat(chunks) };
    }
  } catch (error) {
    if (error instanceof TransportError) throw error;
    if (controller.signal.aborted) throw new TransportError("timeout", `no complete answer within ${timeoutMs} ms`, undefined);
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
    const message = error instanceof Error ? error.message : String(error);
    throw new TransportError("network", code ? `${code}: ${message}` : message, error);
  } finally {
    clearTimeout(timer);
  }
}
