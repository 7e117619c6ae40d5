/**
 * Registries that never finish: each request has one total deadline (connect, headers, body), a
 * request that used all of it is not retried, the message names the host that stalled, and a
 * host that stalled is not asked again in the pass. Real servers on 127.0.0.1, short deadlines;
 * each test is bounded by its own timeout, well under what a hang (or today's retries) would take.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RegistryError } from "../../src/errors/index.js";
import { parseImageRef } from "../../src/image-ref/index.js";
import { createRegistryClient, parseRegistriesConfig, type RegistryClientOptions } from "../../src/registry/index.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.js";

const TAGS = ["1.0.0", "1.1.0"];
const DEADLINE = 400;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((stop) => stop()));
});

async function faulty(always: Parameters<typeof startFaultServer>[0]["always"]): Promise<FaultServer> {
  const server = await startFaultServer({ tags: TAGS, ...(always === undefined ? {} : { always }) });
  cleanup.push(() => server.stop());
  return server;
}

function client(extra: Partial<RegistryClientOptions> = {}): ReturnType<typeof createRegistryClient> {
  const c = createRegistryClient({ timeoutMs: DEADLINE, retries: 3, sleep: async () => {}, ...extra });
  cleanup.push(() => c.close());
  return c;
}

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ host: string; paths: string[] }> {
  const paths: string[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    paths.push(req.url ?? "");
    handler(req, res);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

describe("a request that never finishes ends at its deadline, once, naming the host", () => {
  it("tags/list: status and headers, then nothing", { timeout: 5000 }, async () => {
    const server = await faulty({ kind: "headers-only" });
    const c = client();
    const started = Date.now();

    const error = await failure(c.listTags(parseImageRef(`${server.host}/app`)));

    expect(error).toMatchObject({ kind: "timeout" });
    expect(error.message).toContain(`tags/list failed: ${server.host} sent the headers, then no body within 0.4 s`);
    expect(error.message).toMatch(/raise the deadline \(now 0\.4 s\) with --registry-timeout SECONDS or ARGOCD_IMAGE_PR_REGISTRY_TIMEOUT/);
    expect(server.requests).toHaveLength(1); // not retried: it had its whole deadline
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("a body trickled a byte every 50 ms: a total deadline, not an idle timeout", { timeout: 5000 }, async () => {
    const server = await faulty({ kind: "trickle", intervalMs: 50 });
    const c = client();

    const error = await failure(c.listTags(parseImageRef(`${server.host}/app`)));

    expect(error).toMatchObject({ kind: "timeout" });
    expect(error.message).toMatch(new RegExp(`${server.host} sent the headers, then only [0-9]+ bytes of the body within 0\\.4 s`));
    expect(server.requests).toHaveLength(1);
  });

  it("an HTTP server that accepts the request and never answers", { timeout: 5000 }, async () => {
    const server = await faulty({ kind: "hang" });
    const c = client();

    const error = await failure(c.listTags(parseImageRef(`${server.host}/app`)));

    expect(error.message).toContain(`${server.host} sent no answer within 0.4 s`);
    expect(server.requests).toHaveLength(1);
  });

  it("a TCP port that accepts connections and never reads or writes", { timeout: 5000 }, async () => {
    const sockets = new Set<Socket>();
    const tcp = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          tcp.close(() => resolve());
        }),
    );
    const host = `127.0.0.1:${(tcp.address() as AddressInfo).port}`;
    const c = client();

    const error = await failure(c.listTags(parseImageRef(`${host}/app`)));

    expect(error.message).toContain(`${host} sent no answer within 0.4 s`);
    expect(sockets.size).toBe(1);
  });

  it(
    "a token service that sends headers and then nothing: the message names the token host, not the registry",
    { timeout: 5000 },
    async () => {
      const token = await serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.flushHeaders();
      });
      const registry = await serve((_req, res) => {
        res.writeHead(401, { "www-authenticate": `Bearer realm="http://${token.host}/token",service="test"` }).end();
      });
      const c = client();

      const error = await failure(c.listTags(parseImageRef(`${registry.host}/app`)));

      expect(error).toMatchObject({ kind: "timeout" });
      expect(error.message).toContain(
        `${registry.host}/app: token request failed: ${token.host} sent the headers, then no body within 0.4 s`,
      );
      expect(token.paths).toHaveLength(1);
      expect(registry.paths).toEqual(["/v2/app/tags/list?n=1000"]);
    },
  );
});

describe("a host that stalled is not asked again in the pass", () => {
  it("other repositories on it fail at once, saying why; other hosts are unaffected", { timeout: 5000 }, async () => {
    const stalled = await faulty({ kind: "hang" });
    const healthy = await faulty(undefined);
    const c = client();

    await failure(c.listTags(parseImageRef(`${stalled.host}/first`)));
    const started = Date.now();
    const errors = await Promise.all(["second", "third"].map((repo) => failure(c.listTags(parseImageRef(`${stalled.host}/${repo}`)))));
    const details = await failure(c.getTagDetails(parseImageRef(`${stalled.host}/first`), "1.0.0"));

    expect(Date.now() - started).toBeLessThan(DEADLINE);
    for (const error of [...errors, details]) {
      expect(error).toMatchObject({ kind: "timeout" });
      expect(error.message).toContain(
        `not sent: ${stalled.host} stalled earlier in this pass (${stalled.host} sent no answer within 0.4 s)`,
      );
    }
    expect(stalled.requests).toHaveLength(1);
    expect(await c.listTags(parseImageRef(`${healthy.host}/app`))).toEqual(TAGS);
  });

  it("requests already queued behind the stalled ones are not sent either", { timeout: 5000 }, async () => {
    const stalled = await faulty({ kind: "hang" });
    const c = client({ concurrency: 2 });

    const errors = await Promise.all(Array.from({ length: 6 }, (_, i) => failure(c.listTags(parseImageRef(`${stalled.host}/repo${i}`)))));

    expect(stalled.requests).toHaveLength(2);
    expect(errors.every((e) => e.kind === "timeout")).toBe(true);
  });

  it("a 5xx is still retried: only a request that used its whole deadline is not", { timeout: 5000 }, async () => {
    const server = await faulty(undefined);
    server.faults.push({ kind: "status", status: 503 }, { kind: "status", status: 502 });
    const c = client();

    expect(await c.listTags(parseImageRef(`${server.host}/app`))).toEqual(TAGS);
    expect(server.requests).toHaveLength(3);
  });
});

describe("raw transport errors, in words about the input", () => {
  it("an https:// api_url to a plain-HTTP registry says to use http://, not OpenSSL's text", { timeout: 5000 }, async () => {
    const server = await faulty(undefined);
    const config = parseRegistriesConfig(
      `registries:\n- name: local\n  prefix: ${server.host}\n  api_url: https://${server.host}\n`,
      "registries.conf",
    );
    const c = client({ config });

    const error = await failure(c.listTags(parseImageRef(`${server.host}/app`)));

    expect(error).toMatchObject({ kind: "config" });
    expect(error.message).toContain(`${server.host} does not speak TLS: it answers plain HTTP on https://${server.host}`);
    expect(error.message).toContain("use an http:// api_url");
    expect(error.message).not.toMatch(/ssl3_get_record|SSL routines/i);
    expect(server.requests).toHaveLength(0);
  });

  it("response headers over 16 KiB: named as such, not UND_ERR_HEADERS_OVERFLOW alone, and not retried", { timeout: 5000 }, async () => {
    const registry = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "x-padding": "a".repeat(100_000) }).end("{}");
    });
    const c = client();

    const error = await failure(c.listTags(parseImageRef(`${registry.host}/app`)));

    expect(error).toMatchObject({ kind: "protocol" });
    expect(error.message).toContain(`${registry.host} answered with response headers larger than 16 KiB (UND_ERR_HEADERS_OVERFLOW)`);
    expect(registry.paths).toHaveLength(1);
  });

  it("a 10 MB token is refused by size, never sent (no ECONNRESET from the registry), and not echoed", { timeout: 10_000 }, async () => {
    const huge = "a".repeat(10 * 1024 * 1024);
    const token = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: huge }));
    });
    const authorizations: (string | undefined)[] = [];
    const registry = await serve((req, res) => {
      authorizations.push(req.headers.authorization);
      res.writeHead(401, { "www-authenticate": `Bearer realm="http://${token.host}/token",service="test"` }).end();
    });
    const c = client({ timeoutMs: 5000 });

    const error = await failure(c.listTags(parseImageRef(`${registry.host}/app`)));

    expect(error).toMatchObject({ kind: "protocol" });
    expect(error.message).toContain(
      `the token service ${token.host} answered with a token of 10485760 bytes; tokens over 16 KiB are not sent`,
    );
    expect(error.message.length).toBeLessThan(1000);
    expect(authorizations).toEqual([undefined]);
  });

  it("a connection closed mid-answer says which host closed it", { timeout: 5000 }, async () => {
    const registry = await serve((req) => {
      req.socket.destroy();
    });
    const c = client({ retries: 1 });

    const error = await failure(c.listTags(parseImageRef(`${registry.host}/app`)));

    expect(error).toMatchObject({ kind: "network" });
    expect(error.message).toMatch(
      new RegExp(`tags/list failed: ${registry.host} closed the connection before answering in full \\((ECONNRESET|UND_ERR_SOCKET)\\)`),
    );
    expect(registry.paths).toHaveLength(2); // a dropped connection is worth one more try
  });
});
