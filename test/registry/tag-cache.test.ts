/**
 * The tag cache across passes, against a real docker-registry on 127.0.0.1: a pass that has seen a
 * tag never fetches its manifest or config again; the tag the `digest` strategy follows is checked
 * with one HEAD and re-fetched when it moved; registries, platforms and credentials never share an
 * entry; the files on disk survive corruption and concurrent writers and never hold a secret.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseImageRef } from "../../src/image-ref/index.js";
import type { TagDetails } from "../../src/model/index.js";
import {
  createRegistryClient,
  createTagDetailsCache,
  loadTagCacheFile,
  parseRegistriesConfig,
  saveTagCacheFile,
  TAG_CACHE_FILE,
  tagCacheKey,
} from "../../src/registry/index.js";
import { pushImage, startRegistry, type PushedImage, type TestRegistry } from "../support/registry.js";

let registry: TestRegistry;
let other: TestRegistry;
let secured: TestRegistry;
const pushed: Record<string, PushedImage> = {};
const scratch = mkdtempSync(join(tmpdir(), "argocd-image-pr-tag-cache-"));

beforeAll(async () => {
  [registry, other, secured] = await Promise.all([startRegistry(), startRegistry(), startRegistry({ auth: "htpasswd" })]);
  pushed["1.0.0"] = await pushImage(registry.host, "team/app", "1.0.0", {
    created: "2026-01-01T00:00:00Z",
    format: "docker",
    labels: { "org.opencontainers.image.source": "https://github.com/o/app" },
  });
  pushed["2.0.0"] = await pushImage(registry.host, "team/app", "2.0.0", {
    created: "2026-02-01T00:00:00Z",
    format: "oci",
    platforms: ["linux/amd64", "linux/arm64/v8"],
  });
  pushed["other"] = await pushImage(other.host, "team/app", "1.0.0", { created: "2026-03-01T00:00:00Z", format: "docker" });
  pushed["latest"] = await pushImage(registry.host, "tools/sh", "latest", { created: "2026-04-01T00:00:00Z", format: "docker" });
  pushed["secured"] = await pushImage(
    secured.host,
    "team/app",
    "1.0.0",
    { created: "2026-05-01T00:00:00Z", format: "docker" },
    secured.authorize,
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([registry?.stop(), other?.stop(), secured?.stop()]);
  rmSync(scratch, { recursive: true, force: true });
});

function app(host = registry.host): ReturnType<typeof parseImageRef> {
  return parseImageRef(`${host}/team/app`);
}

/** One pass: a fresh client (as the app makes per pass) over a shared cache. */
async function pass<T>(
  cache: ReturnType<typeof createTagDetailsCache>,
  body: (client: ReturnType<typeof createRegistryClient>) => Promise<T>,
  extra: Parameters<typeof createRegistryClient>[0] = {},
) {
  const client = createRegistryClient({ ...extra, tagCache: cache });
  try {
    const value = await body(client);
    return { value, requests: client.stats.requests, hits: client.stats.tagCacheHits };
  } finally {
    await client.close();
  }
}

describe("the tag cache in memory, shared by the clients of a long-lived process", () => {
  it("answers a second pass from the cache: no manifest or config request at all", async () => {
    const cache = createTagDetailsCache();
    const first = await pass(cache, (c) => Promise.all([c.getTagDetails(app(), "1.0.0"), c.getTagDetails(app(), "2.0.0")]));
    const second = await pass(cache, (c) => Promise.all([c.getTagDetails(app(), "1.0.0"), c.getTagDetails(app(), "2.0.0")]));

    expect(first.requests).toBe(2 + 3); // manifest + config; index + platform manifest + config
    expect(first.hits).toBe(0);
    expect(second.value).toEqual(first.value);
    expect(second.value[0]?.digest).toBe(pushed["1.0.0"]?.digest);
    expect(second.requests).toBe(0);
    expect(second.hits).toBe(2);
  });

  it("misses for a tag, a platform or a registry it has not seen, and never mixes them", async () => {
    const cache = createTagDetailsCache();
    await pass(cache, (c) => c.getTagDetails(app(), "1.0.0"));

    const sameNameElsewhere = await pass(cache, (c) => c.getTagDetails(app(other.host), "1.0.0"));
    const arm = await pass(cache, (c) => c.getTagDetails(app(), "2.0.0", { platform: "linux/arm64/v8" }));
    const amd = await pass(cache, (c) => c.getTagDetails(app(), "2.0.0", { platform: "linux/amd64" }));

    expect(sameNameElsewhere.hits).toBe(0);
    expect(sameNameElsewhere.value.digest).toBe(pushed["other"]?.digest);
    expect(sameNameElsewhere.value.created).toBe("2026-03-01T00:00:00.000Z");
    expect(arm.hits).toBe(0);
    expect(amd.hits).toBe(0);
    expect(cache.size).toBe(4);
  });

  it("keys by whose credentials ask: another pull secret is a miss, the same one a hit", async () => {
    const cache = createTagDetailsCache();
    const creds = secured.credentials;
    if (creds === undefined) throw new Error("the htpasswd registry has credentials");
    const env = { REG_A: `${creds.username}:${creds.password}`, REG_B: `${creds.username}:${creds.password}` };
    const image = parseImageRef(`${secured.host}/team/app`);
    const asA = { credentials: { kind: "env", variable: "REG_A" } } as const;
    const asB = { credentials: { kind: "env", variable: "REG_B" } } as const;

    const a1 = await pass(cache, (c) => c.getTagDetails(image, "1.0.0", asA), { env });
    const a2 = await pass(cache, (c) => c.getTagDetails(image, "1.0.0", asA), { env });
    const b = await pass(cache, (c) => c.getTagDetails(image, "1.0.0", asB), { env });
    const anonymous = createRegistryClient({ tagCache: cache });
    await expect(anonymous.getTagDetails(image, "1.0.0")).rejects.toThrow(/401|credentials/);
    await anonymous.close();

    expect(a1.value.digest).toBe(pushed["secured"]?.digest);
    expect([a1.hits, a2.hits, b.hits]).toEqual([0, 1, 0]);
    expect(a2.requests).toBe(0);
    expect(anonymous.stats.tagCacheHits).toBe(0);
  });

  it("keys are opaque and differ in every part", () => {
    const base = { baseUrl: "https://ghcr.io", repository: "o/app", tag: "1.0.0", platform: "", access: "anonymous" };
    const keys = [
      base,
      { ...base, baseUrl: "https://mirror.example" },
      { ...base, repository: "o/api" },
      { ...base, tag: "1.0.1" },
      { ...base, platform: "linux/arm64" },
      { ...base, access: "env:CREDS" },
    ].map(tagCacheKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(/^[a-f0-9]{64}$/);
  });

  it("follows a moved tag for the digest strategy (mutable): one HEAD when it did not move, a fresh lookup when it did", async () => {
    const cache = createTagDetailsCache();
    const image = parseImageRef(`${registry.host}/tools/sh`);
    const first = await pass(cache, (c) => c.getTagDetails(image, "latest", { mutable: true }));
    const unchanged = await pass(cache, (c) => c.getTagDetails(image, "latest", { mutable: true }));
    const moved = await pushImage(registry.host, "tools/sh", "latest", { created: "2026-06-01T00:00:00Z", format: "docker" });

    const after = await pass(cache, (c) => c.getTagDetails(image, "latest", { mutable: true }));
    const immutable = await pass(cache, (c) => c.getTagDetails(image, "latest"));

    expect(first.value.digest).toBe(pushed["latest"]?.digest);
    expect(unchanged).toMatchObject({ requests: 1, hits: 1 });
    expect(moved.digest).not.toBe(pushed["latest"]?.digest);
    expect(after.value.digest).toBe(moved.digest);
    expect(after.value.created).toBe("2026-06-01T00:00:00.000Z");
    expect(after.hits).toBe(0);
    // What was fetched replaces what was kept.
    expect(immutable).toMatchObject({ requests: 0, hits: 1 });
    expect(immutable.value.digest).toBe(moved.digest);
  });

  it("is bounded: the least recently used entry goes first", () => {
    const cache = createTagDetailsCache({ maxEntries: 2 });
    const details = (tag: string): TagDetails => ({ tag, digest: null, created: null, platforms: [], labels: {} });
    cache.set("a", details("a"));
    cache.set("b", details("b"));
    cache.get("a");
    cache.set("c", details("c"));
    expect([...cache.entries()].map(([key]) => key)).toEqual(["a", "c"]);
  });
});

describe("the tag cache on disk (plan --cache-dir)", () => {
  function dir(name: string): string {
    return join(scratch, name);
  }

  it("saves and loads what a pass looked up, so the next process asks nothing", async () => {
    const where = dir("roundtrip");
    const cache = createTagDetailsCache();
    const first = await pass(cache, (c) => c.getTagDetails(app(), "1.0.0"));
    await saveTagCacheFile(where, cache);

    const loaded = await loadTagCacheFile(where);
    const second = await pass(loaded.cache, (c) => c.getTagDetails(app(), "1.0.0"));

    expect(loaded.warnings).toEqual([]);
    expect(second.value).toEqual(first.value);
    expect(second).toMatchObject({ requests: 0, hits: 1 });
    expect(statSync(join(where, TAG_CACHE_FILE)).mode & 0o777).toBe(0o600);
  });

  it("is an empty cache, without a warning, when the directory or file does not exist yet", async () => {
    const loaded = await loadTagCacheFile(dir("never-written"));
    expect(loaded.cache.size).toBe(0);
    expect(loaded.warnings).toEqual([]);
  });

  it.each([
    ["a torn file", (text: string) => text.slice(0, Math.floor(text.length / 2))],
    ["a foreign JSON file", () => JSON.stringify({ hello: "world" })],
    ["another version", (text: string) => text.replace('"version":1', '"version":2')],
    ["an entry that is not tag details", (text: string) => text.replace(/"digest":"sha256:[a-f0-9]{64}"/, '"digest":"md5:abc"')],
    ["binary garbage", () => "\u0000\u0001\u00ff"],
  ])("ignores %s with a warning, and rebuilds it on the next save", async (name, spoil) => {
    const where = dir(`corrupt-${name.replace(/\W+/g, "-")}`);
    const cache = createTagDetailsCache();
    await pass(cache, (c) => c.getTagDetails(app(), "1.0.0"));
    await saveTagCacheFile(where, cache);
    const file = join(where, TAG_CACHE_FILE);
    writeFileSync(file, spoil(readFileSync(file, "utf8")));

    const loaded = await loadTagCacheFile(where);
    const sizeLoaded = loaded.cache.size;
    const again = await pass(loaded.cache, (c) => c.getTagDetails(app(), "1.0.0"));
    await saveTagCacheFile(where, loaded.cache);
    const rebuilt = await loadTagCacheFile(where);

    expect(sizeLoaded).toBe(0);
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toContain(`tag cache ${file} was ignored`);
    expect(again.hits).toBe(0);
    expect(again.value.digest).toBe(pushed["1.0.0"]?.digest);
    expect(rebuilt.warnings).toEqual([]);
    expect(rebuilt.cache.size).toBe(1);
  });

  it("survives concurrent writers: every read sees a whole file, and no temporary file is left", async () => {
    const where = dir("concurrent");
    const details = (i: number): TagDetails => ({
      tag: `1.0.${i}`,
      digest: `sha256:${String(i).padStart(64, "0")}`,
      created: "2026-01-01T00:00:00.000Z",
      platforms: ["linux/amd64"],
      labels: { n: String(i) },
    });
    const writers = Array.from({ length: 12 }, (_, w) =>
      createTagDetailsCache({
        entries: Array.from(
          { length: 200 },
          (_, i) =>
            [tagCacheKey({ baseUrl: "http://r", repository: `w${w}`, tag: `1.0.${i}`, platform: "", access: "" }), details(i)] as const,
        ),
      }),
    );
    await saveTagCacheFile(where, writers[0] ?? createTagDetailsCache());
    const reads: Promise<Awaited<ReturnType<typeof loadTagCacheFile>>>[] = [];
    const saves = writers.map(async (cache, w) => {
      for (let round = 0; round < 3; round++) {
        await saveTagCacheFile(where, cache);
        if (w % 3 === 0) reads.push(loadTagCacheFile(where));
      }
    });
    await Promise.all(saves);
    const seen = await Promise.all(reads);
    const final = await loadTagCacheFile(where);

    for (const loaded of seen) expect(loaded.warnings).toEqual([]);
    expect(final.warnings).toEqual([]);
    // Each save merges over the file it finds, so the last one holds at least its own 200 and the first writer's.
    expect(final.cache.size).toBeGreaterThanOrEqual(400);
    expect(readdirSync(where)).toEqual([TAG_CACHE_FILE]);
  });

  it("is bounded in entries and bytes, keeping the most recently used", async () => {
    const where = dir("bounded");
    const cache = createTagDetailsCache();
    for (let i = 0; i < 50; i++)
      cache.set(tagCacheKey({ baseUrl: "http://r", repository: "x", tag: `t${i}`, platform: "", access: "" }), {
        tag: `t${i}`,
        digest: null,
        created: null,
        platforms: [],
        labels: { big: "x".repeat(1000) },
      });

    await saveTagCacheFile(where, cache, { maxEntries: 10 });
    const byCount = await loadTagCacheFile(where);
    rmSync(where, { recursive: true });
    await saveTagCacheFile(where, cache, { maxBytes: 6_000 });
    const byBytes = await loadTagCacheFile(where, { maxBytes: 6_000 });

    expect([...byCount.cache.entries()].map(([, d]) => d.tag)).toEqual(Array.from({ length: 10 }, (_, i) => `t${40 + i}`));
    expect([...byBytes.cache.entries()].map(([, d]) => d.tag)).toEqual(["t45", "t46", "t47", "t48", "t49"]);
    expect(statSync(join(where, TAG_CACHE_FILE)).size).toBeLessThanOrEqual(6_000 + 100);
  });

  it("never writes a secret: no password, user name or Authorization value from the credentials used", async () => {
    const where = dir("secrets");
    const creds = secured.credentials;
    if (creds === undefined) throw new Error("the htpasswd registry has credentials");
    const config = parseRegistriesConfig(
      `registries:\n  - name: secured\n    prefix: ${secured.host}\n    credentials: env:SECURED_CREDS\n`,
      "registries.conf",
    );
    const env = { SECURED_CREDS: `${creds.username}:${creds.password}` };
    const dockerConfigJson = JSON.stringify({
      auths: { [secured.host]: { auth: Buffer.from(`${creds.username}:${creds.password}`).toString("base64") } },
    });
    const cache = createTagDetailsCache();
    const viaConf = await pass(cache, (c) => c.getTagDetails(parseImageRef(`${secured.host}/team/app`), "1.0.0"), { config, env });
    const viaDocker = await pass(cache, (c) => c.getTagDetails(parseImageRef(`${secured.host}/team/app`), "1.0.0"), { dockerConfigJson });
    await saveTagCacheFile(where, cache);

    const text = readFileSync(join(where, TAG_CACHE_FILE), "utf8");
    expect(viaConf.value.digest).toBe(pushed["secured"]?.digest);
    expect(viaDocker.hits).toBe(0); // other credentials: another entry
    expect(cache.size).toBe(2);
    for (const secret of [
      creds.password,
      creds.username,
      Buffer.from(`${creds.username}:${creds.password}`).toString("base64"),
      "SECURED_CREDS",
      "Basic ",
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
