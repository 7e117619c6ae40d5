/**
 * A registry that misbehaves on cue: each request takes the next scripted fault (429 with
 * Retry-After, 500, a hang, headers then nothing, a body trickled a byte at a time, a truncated
 * body, malformed JSON), then answers normally from `tags`. Binds 127.0.0.1 only; counts what it
 * receives.
 */
import { createServer, type ServerResponse, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type Fault =
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: string }
  | { readonly kind: "hang" }
  /** Status and headers, then not a byte of the body, ever. */
  | { readonly kind: "headers-only" }
  /** The body, one byte every `intervalMs`. */
  | { readonly kind: "trickle"; readonly intervalMs: number }
  | { readonly kind: "truncate" }
  | { readonly kind: "malformed" };

export interface FaultServer {
  readonly host: string;
  /** Faults still to be served, in order; push more at any time. */
  readonly faults: Fault[];
  readonly requests: { method: string; path: string; authorization: boolean }[];
  stop(): Promise<void>;
}

export async function startFaultServer(options: { tags: readonly string[]; repository?: string; always?: Fault }): Promise<FaultServer> {
  const faults: Fault[] = [];
  const requests: FaultServer["requests"] = [];
  const sockets = new Set<Socket>();
  const body = JSON.stringify({ name: options.repository ?? "app", tags: options.tags });
  const serve = (res: ServerResponse, fault: Fault | undefined): void => {
    switch (fault?.kind) {
      case undefined:
        res.writeHead(200, { "content-type": "application/json" }).end(body);
        return;
      case "status":
        res.writeHead(fault.status, {
          "content-type": "application/json",
          ...(fault.retryAfter ? { "retry-after": fault.retryAfter } : {}),
        });
        res.end(JSON.stringify({ errors: [{ code: fault.status === 429 ? "TOOMANYREQUESTS" : "UNKNOWN", message: "fault" }] }));
        return;
      case "hang":
        return; // never answers
      case "headers-only":
        res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
        res.flushHeaders();
        return;
      case "trickle": {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
        let sent = 0;
        const timer = setInterval(() => {
          if (res.destroyed || sent >= body.length) {
            clearInterval(timer);
            if (!res.destroyed) res.end();
            return;
          }
          res.write(body[sent]);
          sent += 1;
        }, fault.intervalMs);
        res.once("close", () => clearInterval(timer));
        return;
      }
      case "truncate":
        res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length + 100) });
        res.write(body.slice(0, Math.floor(body.length / 2)));
        setTimeout(() => res.destroy(), 10);
        return;
      case "malformed":
        res.writeHead(200, { "content-type": "application/json" }).end(`${body.slice(0, -3)}]]`);
        return;
    }
  };
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization !== undefined });
    serve(res, faults.shift() ?? options.always);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    faults,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
