/**
 * The client against a real docker-registry (distribution 2.8) on 127.0.0.1, seeded over the HTTP
 * API: Docker schema2, OCI, a multi-arch index, and a repository with 5,000 tags — directly and
 * through a paginating front like GHCR's, Harbor's or Quay's.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistryError } from "../../src/errors/index.js";
import { parseImageRef } from "../../src/image-ref/index.js";
import { createMetadataCache, createRegistryClient, parseRegistriesConfig } from "../../src/registry/index.js";
import { startPaginatingFront, type PaginatingFront } from "../support/paginating-front.js";
import { pushImage, pushManyTags, startRegistry, type PushedImage, type TestRegistry } from "../support/registry.js";

const run = promisify(execFile);
const MANY = Array.from({ length: 5000 }, (_, i) => `1.0.${i}`);

let registry: TestRegistry;
let front: PaginatingFront;
let frontAbsolute: PaginatingFront;
const seeded: Record<string, PushedImage> = {};

beforeAll(async () => {
  registry = await startRegistry();
  const h = registry.host;
  seeded["docker"] = await pushImage(h, "team/app", "1.0.0", {
    created: "2023-05-01T10:00:00Z",
    format: "docker",
    labels: { "org.opencontainers.image.revision": "abc123" },
  });
  seeded["oci"] = await pushImage(h, "team/app", "1.1.0", {
    created: "2023-06-01T10:00:00.123456789Z",
    format: "oci",
    labels: { "org.opencontainers.image.source": "https://github.com/o/app" },
  });
  seeded["multi"] = await pushImage(h, "team/app", "2.0.0", {
    created: "2023-07-01T10:00:00Z",
    format: "oci",
    platforms: ["linux/amd64", "linux/arm64/v8"],
  });
  seeded["list"] = await pushImage(h, "team/app", "2.1.0", {
    created: "2023-08-01T10:00:00Z",
    format: "docker",
    platforms: ["linux/arm64/v8", "linux/amd64"],
  });
  await pushManyTags(h, "many", MANY, { created: "2023-01-01T00:00:00Z", format: "docker" });
  front = await startPaginatingFront({ upstream: h, pageCap: 100, link: "relative" });
  frontAbsolute = await startPaginatingFront({ upstream: h, pageCap: 250, link: "absolute" });
}, 120_000);

afterAll(async () => {
  await front?.stop();
  await frontAbsolute?.stop();
  await registry?.stop();
});

describe("tags/list against the real registry", () => {
  it("lists exactly the seeded tags, 5,000 of them in one request, and a second listing costs nothing", async () => {
    const client = createRegistryClient();
    const image = parseImageRef(`${registry.host}/many`);

    const tags = await client.listTags(image);
    const first = client.stats.requests;
    const again = await client.listTags(image);

    expect([...tags].sort()).toEqual([...MANY].sort());
    expect(tags).toHaveLength(5000);
    expect(first).toBe(1);
    expect(again).toEqual(tags);
    expect(client.stats.requests).toBe(first);
    await client.close();
  });

  it("shares one in-flight listing between concurrent callers", async () => {
    const client = createRegistryClient();
    const image = parseImageRef(`${registry.host}/many:ignored`);

    const results = await Promise.all([
      client.listTags(image),
      client.listTags(image),
      client.listTags(parseImageRef(`${registry.host}/many`)),
    ]);

    expect(results.map((r) => r.length)).toEqual([5000, 5000, 5000]);
    expect(client.stats.requests).toBe(1);
    await client.close();
  });

  it("reads every page through a paginating front (relative Link, 100 per page): 50 pages, not Renovate's 20", async () => {
    const client = createRegistryClient();

    const tags = await client.listTags(parseImageRef(`${front.host}/many`));

    expect(tags).toEqual([...MANY].sort());
    expect(client.stats.requests).toBe(50);
    expect(client.stats.requests).toBeGreaterThan(20);
    expect(front.requests[0]).toBe("/v2/many/tags/list?n=1000");
    await client.close();
  });

  it("follows absolute Link headers too", async () => {
    const client = createRegistryClient({ pageSize: 250 });

    const tags = await client.listTags(parseImageRef(`${frontAbsolute.host}/many`));

    expect(tags).toEqual([...MANY].sort());
    expect(client.stats.requests).toBe(20);
    await client.close();
  });

  it("fails with a typed not-found error, never an empty list", async () => {
    const client = createRegistryClient();

    const error = await client.listTags(parseImageRef(`${registry.host}/nope/missing`)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({
      kind: "not-found",
      status: 404,
      context: { registry: registry.host, image: `${registry.host}/nope/missing` },
    });
    expect(String((error as Error).message)).toMatch(/NAME_UNKNOWN/);
    await client.close();
  });
});

describe("tag details against the real registry", () => {
  const app = (): ReturnType<typeof parseImageRef> => parseImageRef(`${registry.host}/team/app`);

  it("reads a Docker schema2 image: digest, created, platform, labels", async () => {
    const client = createRegistryClient();

    const details = await client.getTagDetails(app(), "1.0.0");

    expect(details).toEqual({
      tag: "1.0.0",
      digest: seeded["docker"]?.digest,
      created: "2023-05-01T10:00:00.000Z",
      platforms: ["linux/amd64"],
      labels: { "org.opencontainers.image.revision": "abc123" },
    });
    await client.close();
  });

  it("reads an OCI image (nanosecond created normalised)", async () => {
    const client = createRegistryClient();

    const details = await client.getTagDetails(app(), "1.1.0");

    expect(details).toMatchObject({
      digest: seeded["oci"]?.digest,
      created: "2023-06-01T10:00:00.123Z",
      labels: { "org.opencontainers.image.source": "https://github.com/o/app" },
    });
    await client.close();
  });

  it.each([
    ["2.0.0", "multi", undefined, ["linux/amd64", "linux/arm64/v8"]],
    ["2.0.0", "multi", "linux/arm64/v8", ["linux/amd64", "linux/arm64/v8"]],
    ["2.1.0", "list", "linux/arm64", ["linux/arm64/v8", "linux/amd64"]],
    ["2.1.0", "list", undefined, ["linux/arm64/v8", "linux/amd64"]],
  ])("resolves the index of %s for platform %s and keeps the index digest", async (tag, key, platform, platforms) => {
    const client = createRegistryClient();

    const details = await client.getTagDetails(app(), tag, platform ? { platform } : {});

    expect(details.digest).toBe(seeded[key]?.digest);
    expect(details.platforms).toEqual(platforms);
    expect(details.created).toBe(tag === "2.0.0" ? "2023-07-01T10:00:00.000Z" : "2023-08-01T10:00:00.000Z");
    // 1 index + 1 platform manifest + 1 config
    expect(client.stats.requests).toBe(3);
    await client.close();
  });

  it("serves manifests and configs from a shared digest cache on the next pass: one request per tag", async () => {
    const metadataCache = createMetadataCache();
    const pass1 = createRegistryClient({ metadataCache });
    const first = await pass1.getTagDetails(app(), "2.0.0");
    await pass1.close();
    const pass2 = createRegistryClient({ metadataCache });

    const second = await pass2.getTagDetails(app(), "2.0.0");

    expect(second).toEqual(first);
    expect(pass1.stats.requests).toBe(3);
    expect(pass2.stats.requests).toBe(1);
    await pass2.close();
  });

  it("fetches a config blob that several tags share once, even when they are asked for at the same time", async () => {
    const client = createRegistryClient();
    const many = parseImageRef(`${registry.host}/many`);
    const tags = MANY.slice(0, 12);

    const details = await Promise.all(tags.map((tag) => client.getTagDetails(many, tag)));

    expect(new Set(details.map((d) => d.created))).toEqual(new Set(["2023-01-01T00:00:00.000Z"]));
    // one manifest per tag, and the one config blob they all point at
    expect(client.stats.requests).toBe(tags.length + 1);
    await client.close();
  });

  it("uses defaultns from registries.conf for single-component names", async () => {
    const config = parseRegistriesConfig(
      `registries:\n- name: local\n  prefix: ${registry.host}\n  defaultns: team\n  limit: 50\n`,
      "registries.conf",
    );
    const client = createRegistryClient({ config });

    const tags = await client.listTags(parseImageRef(`${registry.host}/app`));

    expect([...tags].sort()).toEqual(["1.0.0", "1.1.0", "2.0.0", "2.1.0"]);
    await client.close();
  });
});

describe("argocd-image-pr tags (spawned)", () => {
  const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    run("npx", ["tsx", "src/cli.ts", ...args], { cwd: process.cwd(), maxBuffer: 32 << 20 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it("lists all 5,000 tags as JSON", async () => {
    const { code, stdout } = await cli(["tags", `${registry.host}/many`, "--format", "json"]);

    expect(code).toBe(0);
    const json = JSON.parse(stdout) as { image: string; tags: { tag: string }[] };
    expect(json.image).toBe(`${registry.host}/many`);
    expect(json.tags.map((t) => t.tag).sort()).toEqual([...MANY].sort());
  });

  it("shows digests, created dates and platforms with --metadata", async () => {
    const { code, stdout } = await cli([
      "tags",
      `${registry.host}/team/app`,
      "--metadata",
      "--format",
      "json",
      "--platform",
      "linux/arm64/v8",
    ]);

    expect(code).toBe(0);
    const json = JSON.parse(stdout) as { tags: { tag: string }[] };
    expect(json.tags.sort((a, b) => a.tag.localeCompare(b.tag))).toEqual([
      { tag: "1.0.0", digest: seeded["docker"]?.digest, created: "2023-05-01T10:00:00.000Z", platforms: ["linux/amd64"] },
      { tag: "1.1.0", digest: seeded["oci"]?.digest, created: "2023-06-01T10:00:00.123Z", platforms: ["linux/amd64"] },
      { tag: "2.0.0", digest: seeded["multi"]?.digest, created: "2023-07-01T10:00:00.000Z", platforms: ["linux/amd64", "linux/arm64/v8"] },
      { tag: "2.1.0", digest: seeded["list"]?.digest, created: "2023-08-01T10:00:00.000Z", platforms: ["linux/arm64/v8", "linux/amd64"] },
    ]);
  });

  it("prints a table", async () => {
    const { code, stdout } = await cli(["tags", `${registry.host}/team/app`, "--metadata"]);

    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toMatch(/^TAG\s+DIGEST\s+CREATED\s+PLATFORMS$/);
    expect(stdout).toContain(`2.0.0  ${seeded["multi"]?.digest}  2023-07-01T10:00:00.000Z  linux/amd64,linux/arm64/v8`);
  });

  it("reports a missing repository on stderr with exit code 1", async () => {
    const { code, stdout, stderr } = await cli(["tags", `${registry.host}/missing`]);

    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^error: .*missing: tags\/list: not found \(HTTP 404/m);
  });

  it.each([[["tags"]], [["tags", "x", "--format", "xml"]], [["tags", "x", "--bogus"]]])("exits 2 on bad usage: %j", async (args) => {
    const { code } = await cli(args);

    expect(code).toBe(2);
  });
});
