/**
 * One HTTP exchange with a registry host: undici keep-alive, one total deadline covering connect,
 * redirects, headers and body, redirects followed without leaking Authorization to another
 * origin, failures described by host. No retries here.
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

/** How an exchange failed, before the client turns it into a RegistryError (kinds shared with it). */
export type TransportErrorKind = "timeout" | "network" | "protocol" | "config";

export class TransportError extends Error {
  readonly kind: TransportErrorKind;
  /** `host[:port]` of the server that failed (the registry, its token service, or a redirect target). */
  readonly host: string;
  /** A hint for the user, when the failure says more than "try again". */
  readonly hint: string | undefined;
  constructor(kind: TransportErrorKind, message: string, cause: unknown, host = "", hint?: string) {
    super(message, { cause });
    this.kind = kind;
    this.host = host;
    this.hint = hint;
  }
}

const MAX_REDIRECTS = 5;
const MAX_BODY = 64 * 1024 * 1024;
/** undici's default, named in the message when a server's headers exceed it. */
const MAX_HEADER_BYTES = 16 * 1024;

export function createAgents(): { secure: Agent; insecure: Agent } {
  // No idle timeouts of undici's own (300 s by default): the caller's total deadline governs.
  const common = { keepAliveTimeout: 30_000, connections: 16, maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: 0, bodyTimeout: 0 };
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

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

const CERTIFICATE_CODES = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** The innermost `code` of an error and its causes (undici wraps socket errors). */
function errorCode(error: unknown): string {
  let code = "";
  for (
    let e: unknown = error, depth = 0;
    typeof e === "object" && e !== null && depth < 5;
    e = (e as { cause?: unknown }).cause, depth += 1
  ) {
    if ("code" in e && typeof e.code === "string" && e.code !== "") code = e.code;
  }
  return code;
}

/**
 * A Node or undici failure in words about the input: which host, what it did, what to do. Raw
 * texts (OpenSSL's "wrong version number", `UND_ERR_HEADERS_OVERFLOW`) only as the code in brackets.
 */
export function describeTransportFailure(error: unknown, url: URL): TransportError {
  const host = url.host;
  const code = errorCode(error);
  const raw = error instanceof Error ? error.message : String(error);
  const tag = code === "" ? "" : ` (${code})`;
  if (
    url.protocol === "https:" &&
    (code === "ERR_SSL_WRONG_VERSION_NUMBER" ||
      code === "ERR_SSL_PACKET_LENGTH_TOO_LONG" ||
      /wrong version number|packet length too long|http request/i.test(raw))
  ) {
    return new TransportError(
      "config",
      `${host} does not speak TLS: it answers plain HTTP on ${url.origin}${tag}`,
      error,
      host,
      `use an http:// api_url for this registry in registries.conf (plain HTTP to a host other than 127.0.0.1/localhost also needs insecure: true)`,
    );
  }
  if (CERTIFICATE_CODES.has(code) || /certificate/i.test(raw)) {
    return new TransportError(
      "config",
      `the TLS certificate of ${host} cannot be verified${tag}`,
      error,
      host,
      `give Node the CA (NODE_EXTRA_CA_CERTS=/path/ca.pem), or set insecure: true for this registry in registries.conf to skip the check`,
    );
  }
  switch (code) {
    case "UND_ERR_HEADERS_OVERFLOW":
      return new TransportError(
        "protocol",
        `${host} answered with response headers larger than ${MAX_HEADER_BYTES / 1024} KiB${tag}`,
        error,
        host,
        `check that ${url.origin} is a registry, and what a proxy in front of it adds`,
      );
    case "ECONNREFUSED":
      return new TransportError(
        "network",
        `${host} refused the connection${tag}`,
        error,
        host,
        `check that a registry listens on ${url.origin}`,
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new TransportError(
        "network",
        `the host name ${url.hostname} cannot be resolved${tag}`,
        error,
        host,
        `check the host name, and DNS from this machine`,
      );
    case "UND_ERR_CONNECT_TIMEOUT":
      return new TransportError(
        "timeout",
        `${host} did not accept a connection within 10 s${tag}`,
        error,
        host,
        `check that ${url.origin} is reachable from this machine (firewall, proxy)`,
      );
    case "ECONNRESET":
    case "EPIPE":
    case "UND_ERR_SOCKET":
    case "UND_ERR_CLOSED":
      return new TransportError(
        "network",
        `${host} closed the connection before answering in full${tag}`,
        error,
        host,
        `the registry or a proxy in front of it dropped the request; try again, and check its logs if it persists`,
      );
    default:
      return new TransportError("network", `${host}: ${code === "" ? raw : `${code}: ${raw}`}`, error, host);
  }
}

/**
 * Send one request (following redirects), read the whole body within `timeoutMs`: one deadline
 * for connecting, every redirect, the headers and the whole body, so a server that accepts and
 * never answers, sends headers and then nothing, or trickles a byte a second, ends at the
 * deadline. `onSend` is called for every request actually put on the wire.
 */
export async function sendOnce(dispatcher: Dispatcher, req: HttpRequest, timeoutMs: number, onSend: () => void): Promise<HttpResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let url = req.url;
  let headers: Record<string, string> = { ...req.headers };
  /** Where the exchange was when the deadline came: for a message that says what stalled. */
  let phase: "answer" | "body" = "answer";
  let received = 0;
  try {
    for (let hop = 0; ; hop += 1) {
      onSend();
      phase = "answer";
      const res = await request(url, {
        method: req.method,
        headers,
        dispatcher,
        signal: controller.signal,
        headersTimeout: 0,
        bodyTimeout: 0,
        ...(req.body === undefined ? {} : { body: req.body }),
      });
      const location = res.headers["location"];
      if (
        req.method !== "POST" &&
        [301, 302, 303, 307, 308].includes(res.statusCode) &&
        typeof location === "string" &&
        hop < MAX_REDIRECTS
      ) {
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
      phase = "body";
      received = 0;
      const chunks: Buffer[] = [];
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        received += buf.length;
        if (received > MAX_BODY)
          throw new TransportError(
            "protocol",
            `${new URL(url).host} sent a response body larger than ${MAX_BODY / 1024 / 1024} MiB`,
            undefined,
            new URL(url).host,
          );
        chunks.push(buf);
      }
      return { status: res.statusCode, url, headers: flattenHeaders(res.headers), body: Buffer.concat(chunks) };
    }
  } catch (error) {
    if (error instanceof TransportError) throw error;
    const host = new URL(url).host;
    if (controller.signal.aborted) {
      const what =
        phase === "answer"
          ? `sent no answer within ${seconds(timeoutMs)}`
          : `sent the headers, then ${received === 0 ? "no body" : `only ${received} bytes of the body`} within ${seconds(timeoutMs)}`;
      throw new TransportError("timeout", `${host} ${what}`, undefined, host);
    }
    throw describeTransportFailure(error, new URL(url));
  } finally {
    clearTimeout(timer);
  }
}
