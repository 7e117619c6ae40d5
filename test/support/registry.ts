/**
 * A real Docker registry (Debian's docker-registry, distribution 2.8) for tests, the demo and
 * benchmarks: started on 127.0.0.1 with a free port and a temporary storage directory, optionally
 * behind htpasswd (Basic) or token (Bearer) auth, and seeded over the HTTP API only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { Agent, request } from "undici";
import { startTokenServer, type TokenServer } from "./token-server.js";

export const REGISTRY_BINARY = process.env["DOCKER_REGISTRY_BIN"] ?? "/usr/bin/docker-registry";

export type RegistryAuth = "none" | "htpasswd" | "token";

export interface StartRegistryOptions {
  readonly auth?: RegistryAuth;
  /** For `token`: what anonymous callers may do. Default `pull`. */
  readonly anonymous?: "pull" | "none";
  /** For `token`: OAuth2 refresh tokens the token service accepts, each standing for the test user. */
  readonly refreshTokens?: readonly string[];
}

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** Produces an Authorization header value for a scope such as `repository:app:pull,push`. */
export type Authorizer = (scope: string) => Promise<string>;

export interface TestRegistry {
  /** `127.0.0.1:PORT`, usable as an image reference's registry. */
  readonly host: string;
  readonly url: string;
  readonly auth: RegistryAuth;
  readonly credentials: RegistryCredentials | undefined;
  /** Authorization for seeding (push); undefined without auth. */
  readonly authorize: Authorizer | undefined;
  readonly tokenServer: TokenServer | undefined;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const auth = options.auth ?? "none";
  const dir = mkdtempSync(join(tmpdir(), "registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const credentials = auth === "none" ? undefined : { username: "tester", password: `pw-${randomBytes(8).toString("hex")}` };
  let tokenServer: TokenServer | undefined;
  let authBlock = "";
  let authorize: Authorizer | undefined;
  if (auth === "htpasswd" && credentials) {
    const htpasswd = join(dir, "htpasswd");
    writeFileSync(htpasswd, `${credentials.username}:${bcrypt.hashSync(credentials.password, 4)}\n`);
    authBlock = `auth:\n  htpasswd:\n    realm: test-registry\n    path: ${htpasswd}\n`;
    const header = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
    authorize = async () => header;
  } else if (auth === "token" && credentials) {
    tokenServer = await startTokenServer({
      dir,
      users: { [credentials.username]: credentials.password },
      anonymous: options.anonymous ?? "pull",
      refreshTokens: Object.fromEntries((options.refreshTokens ?? []).map((token) => [token, credentials.username])),
    });
    authBlock =
      `auth:\n  token:\n    realm: ${tokenServer.realm}\n    service: ${tokenServer.service}\n` +
      `    issuer: ${tokenServer.issuer}\n    rootcertbundle: ${tokenServer.certPath}\n`;
    const server = tokenServer;
    authorize = async (scope) => `Bearer ${server.issue(scope, credentials.username)}`;
  }
  const configPath = join(dir, "config.yml");
  writeFileSync(
    configPath,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n` +
      `storage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\n  delete:\n    enabled: true\n` +
      `http:\n  addr: ${host}\n  secret: ${randomBytes(16).toString("hex")}\n` +
      authBlock,
  );
  const child = spawn(REGISTRY_BINARY, ["serve", configPath], { stdio: ["ignore", "ignore", "pipe"] });
  running.add(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    await tokenServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(`http://${host}/v2/`, () => child.exitCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`docker-registry did not start: ${error instanceof Error ? error.message : String(error)}\n${stderr}`, {
      cause: error,
    });
  }
  return { host, url: `http://${host}`, auth, credentials, authorize, tokenServer, stop };
}

async function waitUntilUp(url: string, dead: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (dead()) throw new Error("the process exited");
    try {
      const res = await request(url, { dispatcher: seedAgent });
      await res.body.dump();
      if (res.statusCode === 200 || res.statusCode === 401) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---------------------------------------------------------------------------------------------
// Seeding over the HTTP API
// ---------------------------------------------------------------------------------------------

const seedAgent = new Agent({ keepAliveTimeout: 10_000, connections: 32 });

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

export interface PushImageOptions {
  /** Config `created`, RFC 3339. */
  readonly created: string;
  /** `os/arch[/variant]`; more than one pushes an index. Default `linux/amd64`. */
  readonly platforms?: readonly string[];
  readonly format: "oci" | "docker";
  readonly labels?: Readonly<Record<string, string>>;
}

export interface PushedImage {
  /** What the tag points at: the index digest for multi-platform images. */
  readonly digest: string;
  /** Per platform: manifest and config digests. */
  readonly platforms: readonly { platform: string; manifestDigest: string; configDigest: string }[];
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

async function authHeaders(repo: string, authorize: Authorizer | undefined): Promise<Record<string, string>> {
  return authorize ? { authorization: await authorize(`repository:${repo}:pull,push`) } : {};
}

async function expectStatus(
  res: { statusCode: number; body: { text(): Promise<string> } },
  expected: number[],
  what: string,
): Promise<void> {
  const text = await res.body.text();
  if (!expected.includes(res.statusCode)) throw new Error(`${what}: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
}

/** Upload a blob monolithically (POST, then PUT with the digest); skipped when present. */
export async function pushBlob(host: string, repo: string, data: Buffer, authorize?: Authorizer): Promise<string> {
  const digest = sha256(data);
  const headers = await authHeaders(repo, authorize);
  const head = await request(`http://${host}/v2/${repo}/blobs/${digest}`, { method: "HEAD", headers, dispatcher: seedAgent });
  await head.body.dump();
  if (head.statusCode === 200) return digest;
  const start = await request(`http://${host}/v2/${repo}/blobs/uploads/`, { method: "POST", headers, dispatcher: seedAgent });
  const location = start.headers["location"];
  await expectStatus(start, [202], `start upload to ${repo}`);
  if (typeof location !== "string") throw new Error("blob upload: no Location");
  const put = new URL(location, `http://${host}`);
  put.searchParams.set("digest", digest);
  const res = await request(put, {
    method: "PUT",
    headers: { ...headers, "content-type": "application/octet-stream", "content-length": String(data.length) },
    body: data,
    dispatcher: seedAgent,
  });
  await expectStatus(res, [201], `upload blob to ${repo}`);
  return digest;
}

/** PUT a manifest (or index) under a tag or digest; returns its digest. */
export async function pushManifest(
  host: string,
  repo: string,
  reference: string,
  mediaType: string,
  body: string,
  authorize?: Authorizer,
): Promise<string> {
  const res = await request(`http://${host}/v2/${repo}/manifests/${reference}`, {
    method: "PUT",
    headers: { ...(await authHeaders(repo, authorize)), "content-type": mediaType },
    body,
    dispatcher: seedAgent,
  });
  await expectStatus(res, [201], `put manifest ${repo}:${reference}`);
  return sha256(body);
}

function splitPlatform(platform: string): { os: string; architecture: string; variant?: string } {
  const [os = "linux", architecture = "amd64", variant] = platform.split("/");
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** Push an image (a config, one small layer, a manifest per platform, an index when several). */
export async function pushImage(
  host: string,
  repo: string,
  tag: string,
  options: PushImageOptions,
  authorize?: Authorizer,
): Promise<PushedImage> {
  const platforms = options.platforms ?? ["linux/amd64"];
  const oci = options.format === "oci";
  const pushed: { platform: string; manifestDigest: string; configDigest: string; size: number }[] = [];
  for (const platform of platforms) {
    const layer = Buffer.from(`layer of ${repo} ${platform} ${options.created}`);
    const layerDigest = await pushBlob(host, repo, layer, authorize);
    const config = Buffer.from(
      JSON.stringify({
        created: options.created,
        ...splitPlatform(platform),
        config: { Labels: options.labels ?? {} },
        rootfs: { type: "layers", diff_ids: [layerDigest] },
        history: [{ created: options.created, created_by: "test seed" }],
      }),
    );
    const configDigest = await pushBlob(host, repo, config, authorize);
    const mediaType = oci ? OCI_MANIFEST : DOCKER_MANIFEST;
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType: oci ? "application/vnd.oci.image.config.v1+json" : "application/vnd.docker.container.image.v1+json",
        digest: configDigest,
        size: config.length,
      },
      layers: [
        {
          mediaType: oci ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.docker.image.rootfs.diff.tar.gzip",
          digest: layerDigest,
          size: layer.length,
        },
      ],
    });
    const reference = platforms.length === 1 ? tag : sha256(manifest);
    const manifestDigest = await pushManifest(host, repo, reference, mediaType, manifest, authorize);
    pushed.push({ platform, manifestDigest, configDigest, size: Buffer.byteLength(manifest) });
  }
  if (platforms.length === 1) {
    const only = pushed[0]!;
    return {
      digest: only.manifestDigest,
      platforms: [{ platform: only.platform, manifestDigest: only.manifestDigest, configDigest: only.configDigest }],
    };
  }
  const indexType = oci ? OCI_INDEX : DOCKER_LIST;
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: indexType,
    manifests: pushed.map((p) => ({
      mediaType: oci ? OCI_MANIFEST : DOCKER_MANIFEST,
      digest: p.manifestDigest,
      size: p.size,
      platform: splitPlatform(p.platform),
    })),
  });
  const digest = await pushManifest(host, repo, tag, indexType, index, authorize);
  return { digest, platforms: pushed.map(({ platform, manifestDigest, configDigest }) => ({ platform, manifestDigest, configDigest })) };
}

/** The same image under many tags (`prefix` + zero-padded number), pushed concurrently. */
export async function pushManyTags(
  host: string,
  repo: string,
  tags: readonly string[],
  options: PushImageOptions,
  authorize?: Authorizer,
  concurrency = 24,
): Promise<PushedImage> {
  const [first, ...rest] = tags;
  if (first === undefined) throw new Error("no tags");
  const image = await pushImage(host, repo, first, { ...options, platforms: [options.platforms?.[0] ?? "linux/amd64"] }, authorize);
  const manifest = await request(`http://${host}/v2/${repo}/manifests/${first}`, {
    headers: { ...(await authHeaders(repo, authorize)), accept: options.format === "oci" ? OCI_MANIFEST : DOCKER_MANIFEST },
    dispatcher: seedAgent,
  });
  const body = await manifest.body.text();
  const mediaType = String(manifest.headers["content-type"]);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < rest.length) {
        const tag = rest[next++]!;
        await pushManifest(host, repo, tag, mediaType, body, authorize);
      }
    }),
  );
  return image;
}

/** Re-export for tests that wait on a registry they did not start. */
export { waitUntilUp };
