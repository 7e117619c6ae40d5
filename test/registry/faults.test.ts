/**
 * A misbehaving registry: the client retries 429, 5xx, truncated bodies and malformed JSON as
 * specified (backoff, Retry-After), never a request that ran out its deadline, then fails with a
 * clear RegistryError — never an empty list.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RegistryError } from "../../src/errors/index.js";
import { parseImageRef } from "../../src/image-ref/index.js";
import { createRegistryClient, type RegistryClientOptions } from "../../src/registry/index.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.js";

const TAGS = ["1.0.0", "1.1.0", "2.0.0"];
let server: FaultServer;
let sleeps: number[];

function client(extra: Partial<RegistryClientOptions> = {}): ReturnType<typeof createRegistryClient> {
  sleeps = [];
  return createRegistryClient({
    retries: 3,
    timeoutMs: 2000,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
}

beforeEach(async () => {
  server = await startFaultServer({ tags: TAGS });
});
afterEach(() => server.stop());

const image = (): ReturnType<typeof parseImageRef> => parseImageRef(`${server.host}/app`);

describe("retries", () => {
  it("honours Retry-After on 429", async () => {
    server.faults.push({ kind: "status", status: 429, retryAfter: "7" });
    const c = client();

    expect(await c.listTags(image())).toEqual(TAGS);
    expect(sleeps).toEqual([7000]);
    expect(c.stats.requests).toBe(2);
    await c.close();
  });

  it("backs off exponentially with jitter on 500s", async () => {
    server.faults.push({ kind: "status", status: 500 }, { kind: "status", status: 502 }, { kind: "status", status: 503 });
    const c = client();

    expect(await c.listTags(image())).toEqual(TAGS);
    // equal jitter with random 0.5: 3/4 of 500, 1000, 2000 ms
    expect(sleeps).toEqual([375, 750, 1500]);
    expect(server.requests).toHaveLength(4);
    await c.close();
  });

  it("gives up after the retries with a server error carrying status and context", async () => {
    const always = await startFaultServer({ tags: TAGS, always: { kind: "status", status: 500 } });
    const c = client();

    const error = await c.listTags(parseImageRef(`${always.host}/team/app`)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ kind: "server", status: 500, context: { image: `${always.host}/team/app`, registry: always.host } });
    expect(always.requests).toHaveLength(4);
    await c.close();
    await always.stop();
  });

  it("fails at once when Retry-After asks for longer than it will wait", async () => {
    server.faults.push({ kind: "status", status: 429, retryAfter: "3600" });
    const c = client();

    const error = await c.listTags(image()).catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: "rate-limit", status: 429 });
    expect((error as RegistryError).hint).toMatch(/rate limiting/);
    expect(sleeps).toEqual([]);
    await c.close();
  });

  it("does not retry a hanging request: it had its whole deadline (deadlines.test.ts has the rest)", async () => {
    server.faults.push({ kind: "hang" });
    const c = client({ timeoutMs: 300 });

    const error = await c.listTags(image()).catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: "timeout", message: expect.stringContaining(`${server.host} sent no answer within 0.3 s`) });
    expect(c.stats.requests).toBe(1);
    expect(sleeps).toEqual([]);
    await c.close();
  });

  it("retries a truncated body", async () => {
    server.faults.push({ kind: "truncate" });
    const c = client();

    expect(await c.listTags(image())).toEqual(TAGS);
    expect(server.requests).toHaveLength(2);
    await c.close();
  });

  it("retries malformed JSON, then fails with a protocol error", async () => {
    const broken = await startFaultServer({ tags: TAGS, always: { kind: "malformed" } });
    const c = client();

    const error = await c.listTags(parseImageRef(`${broken.host}/app`)).catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: "protocol", message: expect.stringMatching(/not valid JSON/) });
    expect(broken.requests).toHaveLength(4);
    await c.close();
    await broken.stop();
  });

  it("reports a refused connection as a network error", async () => {
    const port = server.host.split(":")[1];
    await server.stop();
    const c = client({ retries: 1 });

    const error = await c.listTags(parseImageRef(`127.0.0.1:${port}/app`)).catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: "network", message: expect.stringMatching(/ECONNREFUSED/) });
    server = await startFaultServer({ tags: TAGS });
    await c.close();
  });

  it("keeps a failed listing failed for the rest of the pass (no silent second attempt)", async () => {
    const always = await startFaultServer({ tags: TAGS, always: { kind: "status", status: 500 } });
    const c = client({ retries: 0 });
    const ref = parseImageRef(`${always.host}/app`);

    await expect(c.listTags(ref)).rejects.toBeInstanceOf(RegistryError);
    await expect(c.listTags(ref)).rejects.toBeInstanceOf(RegistryError);
    expect(always.requests).toHaveLength(1);
    await c.close();
    await always.stop();
  });
});

describe("rate limit", () => {
  it("spaces requests to the registry's limit once the burst is spent", async () => {
    let clock = 0;
    const waits: number[] = [];
    const { parseRegistriesConfig } = await import("../../src/registry/index.js");
    const config = parseRegistriesConfig(`registries:\n- prefix: ${server.host}\n  limit: 2\n`, "registries.conf");
    const c = createRegistryClient({
      config,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    const refs = ["a", "b", "c", "d"].map((r) => parseImageRef(`${server.host}/${r}`));

    for (const ref of refs) await c.listTags(ref);

    expect(waits).toEqual([500, 500]);
    await c.close();
  });
});

describe("a token service that misbehaves", () => {
  it("fails with a protocol error, at once and without echoing it, when the token is not a header value", async () => {
    const bad = "eyJ.bad token\r\nX-Injected: 1";
    const requests: string[] = [];
    const registry = createServer((req, res) => {
      requests.push(`${req.method ?? ""} ${req.url ?? ""}`);
      if (req.url?.startsWith("/token")) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: bad, expires_in: 300 }));
        return;
      }
      const { port } = registry.address() as AddressInfo;
      res.writeHead(401, { "www-authenticate": `Bearer realm="http://127.0.0.1:${port}/token",service="test"` }).end();
    });
    await new Promise<void>((resolve) => registry.listen(0, "127.0.0.1", resolve));
    const { port } = registry.address() as AddressInfo;
    const c = client();

    const error = (await c.listTags(parseImageRef(`127.0.0.1:${port}/app`)).catch((e: unknown) => e)) as RegistryError;

    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ kind: "protocol", message: expect.stringMatching(/not a valid header value/) });
    expect(JSON.stringify([error.message, error.hint])).not.toContain("bad token");
    expect(requests).toEqual(["GET /v2/app/tags/list?n=1000", "GET /token?service=test&scope=repository%3Aapp%3Apull"]);
    await c.close();
    await new Promise<void>((resolve) => registry.close(() => resolve()));
  });
});
