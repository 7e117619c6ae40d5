/**
 * A small fake Kubernetes API server for the real @kubernetes/client-node: serves list (with
 * `limit`/`continue` paging) for custom resources it is given, across all namespaces or one, and
 * get for the Secrets it is given (404 for others).
 * Loud at the edge: anything else is a 404 and is recorded, so tests can assert none happened.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface FakeResource {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly items: readonly Record<string, unknown>[];
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly authorization: string | null;
  readonly status: number;
}

export interface FakeKube {
  readonly url: string;
  /** A kubeconfig file pointing at the server (plain http, bearer token). */
  readonly kubeconfig: string;
  readonly requests: RecordedRequest[];
  /** Requests that hit no route (answered 404). */
  unexpected(): RecordedRequest[];
  /** Make every request whose path starts with `prefix` answer `status`. */
  failPath(prefix: string, status: number): void;
  close(): Promise<void>;
}

export const FAKE_TOKEN = "fake-kube-token";

function namespaceOf(item: Record<string, unknown>): string | undefined {
  const meta = item["metadata"] as { namespace?: string } | undefined;
  return meta?.namespace;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse, path: string): void {
  sendJson(res, 404, {
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    reason: "NotFound",
    code: 404,
    message: `the server could not find the requested resource (${path})`,
  });
}

export interface FakeKubeOptions {
  /** `namespace/name` → the Secret's type and data (plain text; served base64-encoded). */
  readonly secrets?: Readonly<Record<string, { readonly type: string; readonly data: Readonly<Record<string, string>> }>>;
}

export async function startFakeKube(resources: readonly FakeResource[], options: FakeKubeOptions = {}): Promise<FakeKube> {
  const requests: RecordedRequest[] = [];
  const routed = new Set<RecordedRequest>();
  const failures = new Map<string, number>();

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const query = Object.fromEntries(url.searchParams.entries());
    const record = (status: number, matched: boolean): void => {
      const entry: RecordedRequest = {
        method: req.method ?? "",
        path: url.pathname,
        query,
        authorization: req.headers.authorization ?? null,
        status,
      };
      requests.push(entry);
      if (matched) routed.add(entry);
    };
    for (const [prefix, status] of failures) {
      if (url.pathname.startsWith(prefix)) {
        record(status, true);
        sendJson(res, status, { kind: "Status", apiVersion: "v1", status: "Failure", code: status, message: "injected failure" });
        return;
      }
    }
    const secretPath = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && secretPath) {
      if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`) {
        record(401, true);
        sendJson(res, 401, { kind: "Status", apiVersion: "v1", status: "Failure", code: 401, message: "Unauthorized" });
        return;
      }
      const [, namespace = "", name = ""] = secretPath;
      const secret = options.secrets?.[`${namespace}/${name}`];
      record(secret === undefined ? 404 : 200, true);
      if (secret === undefined) {
        sendJson(res, 404, {
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          reason: "NotFound",
          code: 404,
          message: `secrets "${name}" not found`,
        });
        return;
      }
      const data = Object.fromEntries(Object.entries(secret.data).map(([key, value]) => [key, Buffer.from(value).toString("base64")]));
      sendJson(res, 200, { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, type: secret.type, data });
      return;
    }
    const match = /^\/apis\/([^/]+)\/([^/]+)\/(?:namespaces\/([^/]+)\/)?([^/]+)$/.exec(url.pathname);
    const resource = match && resources.find((r) => r.group === match[1] && r.version === match[2] && r.plural === match[4]);
    if (req.method !== "GET" || !match || !resource) {
      record(404, false);
      notFound(res, url.pathname);
      return;
    }
    if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`) {
      record(401, true);
      sendJson(res, 401, { kind: "Status", apiVersion: "v1", status: "Failure", code: 401, message: "Unauthorized" });
      return;
    }
    const namespace = match[3];
    const all = resource.items.filter((item) => namespace === undefined || namespaceOf(item) === namespace);
    const start = query["continue"] ? Number(Buffer.from(query["continue"], "base64url").toString("utf8")) : 0;
    const limit = query["limit"] ? Number(query["limit"]) : all.length;
    if (!Number.isInteger(start) || start < 0 || start > all.length) {
      record(410, true);
      sendJson(res, 410, {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        reason: "Expired",
        code: 410,
        message: "continue token invalid",
      });
      return;
    }
    const end = Math.min(all.length, start + Math.max(1, limit));
    const next = end < all.length ? Buffer.from(String(end)).toString("base64url") : undefined;
    record(200, true);
    sendJson(res, 200, {
      apiVersion: `${resource.group}/${resource.version}`,
      kind: `${resource.kind}List`,
      metadata: { resourceVersion: "1", ...(next === undefined ? {} : { continue: next }) },
      items: all.slice(start, end),
    });
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const dir = await mkdtemp(path.join(tmpdir(), "fake-kube-"));
  const kubeconfig = path.join(dir, "kubeconfig");
  await writeFile(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters:
  - name: fake
    cluster:
      server: ${url}
      # client-node refuses plain http unless TLS verification is off
      insecure-skip-tls-verify: true
users:
  - name: reader
    user:
      token: ${FAKE_TOKEN}
contexts:
  - name: fake
    context: { cluster: fake, user: reader }
  - name: other
    context: { cluster: fake, user: nobody }
current-context: fake
`,
  );

  return {
    url,
    kubeconfig,
    requests,
    unexpected: () => requests.filter((r) => !routed.has(r)),
    failPath: (prefix, status) => failures.set(prefix, status),
    close: async () => {
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
