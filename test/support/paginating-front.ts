/**
 * A paginating HTTP front for a real registry. distribution 2.8 returns every tag at once and
 * ignores `n` and `last`; GHCR, Harbor, Quay and ECR page. This front proxies the registry and
 * pages `tags/list` the way they do: `n` capped at `pageCap`, `last`, and a `Link: <…>; rel="next"`
 * header (relative by default). Everything else is passed through. Binds 127.0.0.1 only.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";

export interface PaginatingFrontOptions {
  /** `host:port` of the registry behind. */
  readonly upstream: string;
  /** Largest page served, whatever `n` asks. */
  readonly pageCap: number;
  /** Page size when `n` is absent. Default: pageCap. */
  readonly defaultPageSize?: number;
  readonly link?: "relative" | "absolute";
}

export interface PaginatingFront {
  readonly host: string;
  /** Requests received, by path (query included). */
  readonly requests: string[];
  stop(): Promise<void>;
}

export async function startPaginatingFront(options: PaginatingFrontOptions): Promise<PaginatingFront> {
  const requests: string[] = [];
  let self = "";
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://front");
      requests.push(url.pathname + url.search);
      const headers: Record<string, string> = {};
      for (const name of ["authorization", "accept"]) {
        const value = req.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      const upstream = await request(`http://${options.upstream}${url.pathname}${url.pathname.endsWith("/tags/list") ? "" : url.search}`, {
        method: req.method === "HEAD" ? "HEAD" : "GET",
        headers,
      });
      const body = Buffer.from(await upstream.body.arrayBuffer());
      const passHeaders: Record<string, string> = {};
      for (const [key, value] of Object.entries(upstream.headers)) {
        if (typeof value === "string" && !["content-length", "connection", "keep-alive", "transfer-encoding"].includes(key))
          passHeaders[key] = value;
      }
      if (!url.pathname.endsWith("/tags/list") || upstream.statusCode !== 200) {
        res.writeHead(upstream.statusCode, passHeaders).end(req.method === "HEAD" ? undefined : body);
        return;
      }
      const all = (JSON.parse(body.toString("utf8")) as { name: string; tags: string[] | null }).tags ?? [];
      const asked = Number(url.searchParams.get("n") ?? options.defaultPageSize ?? options.pageCap);
      const n = Math.max(1, Math.min(options.pageCap, Number.isFinite(asked) ? asked : options.pageCap));
      const last = url.searchParams.get("last");
      // Registries page in lexical order, `last` exclusive.
      const sorted = [...all].sort();
      const start = last === null ? 0 : sorted.findIndex((t) => t > last);
      const page = start === -1 ? [] : sorted.slice(start, start + n);
      const more = start !== -1 && start + n < sorted.length;
      if (more) {
        const next = `${url.pathname}?n=${n}&last=${encodeURIComponent(page[page.length - 1] ?? "")}`;
        passHeaders["link"] = `<${options.link === "absolute" ? `http://${self}${next}` : next}>; rel="next"`;
      }
      passHeaders["content-type"] = "application/json";
      res.writeHead(200, passHeaders).end(JSON.stringify({ name: url.pathname.slice(4, -"/tags/list".length), tags: page }));
    })().catch((error: unknown) => {
      res.writeHead(502).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  self = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host: self,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
