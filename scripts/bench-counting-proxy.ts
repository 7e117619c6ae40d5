/**
 * A pass-through HTTP proxy in front of one registry that records what it was asked, so the
 * benchmark can say which requests went beyond the minimum (the CLI only reports a total).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type RequestKind = "tags/list" | "manifest" | "blob" | "ping" | "other";

export interface CountingProxy {
  /** `127.0.0.1:PORT`: put this in registries.conf instead of the registry. */
  readonly host: string;
  /** `METHOD path?query` → times asked, since the last reset. */
  readonly seen: Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

export function kindOf(key: string): RequestKind {
  const path = key.split(" ")[1] ?? "";
  if (path === "/v2/" || path === "/v2") return "ping";
  if (/\/tags\/list(\?|$)/.test(path)) return "tags/list";
  if (path.includes("/manifests/")) return "manifest";
  if (path.includes("/blobs/")) return "blob";
  return "other";
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const [targetHost, targetPort] = target.split(":");
  const seen = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const key = `${req.method ?? "GET"} ${req.url ?? ""}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const upstream = request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: { ...req.headers, host: target } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address: AddressInfo | string | null = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    seen,
    reset: () => seen.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
