/**
 * Transport behaviour that real registries rely on and that a plain tags/list server cannot show:
 * blob redirects to storage on another host, a body that stalls after the headers, a client
 * closed while work is queued, a Docker schema 1 manifest served with its JWS signature.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RegistryError } from "../../src/errors/index.js";
import { parseImageRef } from "../../src/image-ref/index.js";
import { createRegistryClient, MediaType } from "../../src/registry/index.js";

interface Seen {
  path: string;
  authorization: string | undefined;
}
interface Scripted {
  host: string;
  seen: Seen[];
  stop(): Promise<void>;
}

const servers: Scripted[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Scripted> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
    handler(req, res);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const scripted: Scripted = {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  servers.push(scripted);
  return scripted;
}

const sha256 = (body: string): string => `sha256:${createHash("sha256").update(body).digest("hex")}`;
const fastClient = (extra: Parameters<typeof createRegistryClient>[0] = {}): ReturnType<typeof createRegistryClient> =>
  createRegistryClient({ retries: 3, random: () => 0.5, sleep: async () => {}, ...extra });

describe("blob redirects", () => {
  it("follows a config blob redirect to storage on another host without sending it the Authorization header", async () => {
    const config = JSON.stringify({ created: "2024-05-01T00:00:00Z", os: "linux", architecture: "amd64" });
    const configDigest = sha256(config);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: { mediaType: "application/vnd.docker.container.image.v1+json", digest: configDigest, size: config.length },
      layers: [],
    });
    const storage = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(config);
    });
    const registry = await serve((req, res) => {
      if (req.headers.authorization === undefined) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="test"' }).end();
      } else if (req.url?.includes("/manifests/")) {
        res.writeHead(200, { "content-type": MediaType.dockerManifest, "docker-content-digest": sha256(manifest) }).end(manifest);
      } else {
        res.writeHead(307, { location: `http://${storage.host}/bucket/blob?sig=x` }).end();
      }
    });
    const client = fastClient({
      dockerConfigJson: JSON.stringify({ auths: { [registry.host]: { username: "u", password: "secret-pw" } } }),
    });

    const details = await client.getTagDetails(parseImageRef(`${registry.host}/app`), "1.0.0");

    expect(details.created).toBe("2024-05-01T00:00:00.000Z");
    expect(registry.seen.at(-1)).toMatchObject({ path: `/v2/app/blobs/${configDigest}` });
    expect(registry.seen.at(-1)?.authorization).toMatch(/^Basic /);
    expect(storage.seen).toEqual([{ path: "/bucket/blob?sig=x", authorization: undefined }]);
    await client.close();
  });
});

describe("timeouts", () => {
  it("aborts a body that stalls after the headers, and says it timed out", async () => {
    const registry = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"name":"app","tags":["1.0');
      // ...and nothing more, ever
    });
    const client = fastClient({ timeoutMs: 200, retries: 1 });

    const error = await client.listTags(parseImageRef(`${registry.host}/app`)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ kind: "timeout" });
    expect((error as RegistryError).message).toMatch(/sent the headers, then only 26 bytes of the body within 0.2 s/);
    expect(registry.seen).toHaveLength(1); // not retried: it had its whole deadline
    await client.close();
  });
});

describe("close", () => {
  it("cancels queued requests instead of sending and retrying them after the client is closed", async () => {
    const registry = await serve((_req, res) => {
      setTimeout(() => res.writeHead(404, { "content-type": "application/json" }).end('{"errors":[{"code":"NAME_UNKNOWN"}]}'), 20);
    });
    const client = fastClient({ concurrency: 2 });
    const pending = Array.from({ length: 40 }, (_, i) => client.listTags(parseImageRef(`${registry.host}/repo${i}`)));

    // What `tags --metadata` does when one tag fails: stop waiting and close the client.
    await Promise.any(
      pending.map((p) =>
        p.then(
          () => Promise.reject(new Error("unexpected success")),
          () => undefined,
        ),
      ),
    );
    await client.close();
    const outcomes = await Promise.allSettled(pending);

    expect(outcomes.every((o) => o.status === "rejected" && o.reason instanceof RegistryError)).toBe(true);
    // the two in flight when it closed (and their neighbours already past the queue), no more
    expect(client.stats.requests).toBeLessThanOrEqual(4);
    expect(registry.seen.length).toBeLessThanOrEqual(4);
  });
});

describe("schema 1", () => {
  it("says a signed schema 1 manifest is not supported, instead of calling its digest wrong", async () => {
    const payload = JSON.stringify(
      { schemaVersion: 1, name: "app", tag: "old", architecture: "amd64", fsLayers: [], history: [] },
      null,
      3,
    );
    // A signed manifest's digest covers the payload without the signatures, so it differs from the body's.
    const signed = `${payload.slice(0, -2)},\n   "signatures": [{"header": {"alg": "ES256"}, "signature": "abc", "protected": "def"}]\n}`;
    const registry = await serve((_req, res) => {
      res
        .writeHead(200, {
          "content-type": "application/vnd.docker.distribution.manifest.v1+prettyjws",
          "docker-content-digest": sha256(payload),
        })
        .end(signed);
    });
    const client = fastClient();

    const error = await client.getTagDetails(parseImageRef(`${registry.host}/app`), "old").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ kind: "protocol" });
    expect((error as RegistryError).message).toMatch(/schema 1 manifest, which is not supported/);
    await client.close();
  });
});
