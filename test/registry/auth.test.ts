/**
 * Auth against the real registry: htpasswd (Basic) and token auth (Bearer, JWTs from a test token
 * server the registry trusts). And: no secret ever reaches a log line or an error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistryError } from "../../src/errors/index.js";
import { parseImageRef } from "../../src/image-ref/index.js";
import { createRegistryClient, parseRegistriesConfig, type RegistryClientOptions } from "../../src/registry/index.js";
import { pushImage, startRegistry, type TestRegistry } from "../support/registry.js";

interface LogLine {
  level: string;
  obj: object;
  msg: string;
}
function recordingLog(lines: LogLine[]): NonNullable<RegistryClientOptions["log"]> {
  return {
    debug: (obj, msg) => lines.push({ level: "debug", obj, msg }),
    warn: (obj, msg) => lines.push({ level: "warn", obj, msg }),
  };
}

function dockerConfig(host: string, username: string, password: string): string {
  return JSON.stringify({ auths: { [`http://${host}/v2/`]: { auth: Buffer.from(`${username}:${password}`).toString("base64") } } });
}

describe("htpasswd (Basic) registry", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: "htpasswd" });
    await pushImage(registry.host, "private/app", "1.0.0", { created: "2024-03-01T00:00:00Z", format: "oci" }, registry.authorize);
  });
  afterAll(() => registry?.stop());

  it("lists and reads metadata with credentials from a Docker config", async () => {
    const { username, password } = registry.credentials!;
    const client = createRegistryClient({ dockerConfigJson: dockerConfig(registry.host, username, password) });
    const image = parseImageRef(`${registry.host}/private/app`);

    expect(await client.listTags(image)).toEqual(["1.0.0"]);
    expect((await client.getTagDetails(image, "1.0.0")).created).toBe("2024-03-01T00:00:00.000Z");
    // the first request learns the challenge; later ones send Basic straight away
    expect(client.stats.requests).toBe(4);
    await client.close();
  });

  it("sends a Docker Hub name to the default registry with that registry's credentials, never Docker Hub's", async () => {
    const { username, password } = registry.credentials!;
    await pushImage(registry.host, "app", "1.2.0", { created: "2024-03-02T00:00:00Z", format: "docker" }, registry.authorize);
    const config = parseRegistriesConfig(`registries:\n- prefix: ${registry.host}\n  default: true\n`, "registries.conf");
    const dockerConfigJson = JSON.stringify({
      auths: {
        "https://index.docker.io/v1/": { auth: Buffer.from("hubuser:HUB-SECRET").toString("base64") },
        [registry.host]: { username, password },
      },
    });
    const client = createRegistryClient({ config, dockerConfigJson });

    // `app` is docker.io/library/app to Docker; the default registry knows it as `app`.
    expect(await client.listTags(parseImageRef("app"))).toEqual(["1.2.0"]);
    await client.close();
  });

  it("reads env: credentials named in registries.conf", async () => {
    const { username, password } = registry.credentials!;
    const config = parseRegistriesConfig(
      `registries:\n- prefix: ${registry.host}\n  credentials: env:TEST_REGISTRY_CREDS\n`,
      "registries.conf",
    );
    const client = createRegistryClient({ config, env: { TEST_REGISTRY_CREDS: `${username}:${password}` } });

    expect(await client.listTags(parseImageRef(`${registry.host}/private/app`))).toEqual(["1.0.0"]);
    await client.close();
  });

  it("fails with an auth error and a hint when no credentials are given", async () => {
    const client = createRegistryClient();

    const error = await client.listTags(parseImageRef(`${registry.host}/private/app`)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ kind: "auth", status: 401 });
    expect((error as RegistryError).hint).toMatch(/requires credentials/);
    await client.close();
  });

  it("never puts the password or an Authorization header in errors or logs", async () => {
    const lines: LogLine[] = [];
    const password = "wrong-secret-password-123";
    const client = createRegistryClient({ dockerConfigJson: dockerConfig(registry.host, "tester", password), log: recordingLog(lines) });

    const error = (await client.listTags(parseImageRef(`${registry.host}/private/app`)).catch((e: unknown) => e)) as RegistryError;

    expect(error).toMatchObject({ kind: "auth", status: 401 });
    const everything = JSON.stringify([error.message, error.hint, error.context, String(error.cause ?? ""), lines]);
    const encoded = Buffer.from(`tester:${password}`).toString("base64");
    for (const secret of [password, encoded, registry.credentials!.password, "Basic ", "authorization"]) {
      expect(everything.toLowerCase()).not.toContain(secret.toLowerCase());
    }
    await client.close();
  });
});

describe("token (Bearer) registry", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: "token", anonymous: "pull" });
    await pushImage(
      registry.host,
      "public/app",
      "1.0.0",
      { created: "2024-04-01T00:00:00Z", format: "docker", platforms: ["linux/amd64", "linux/arm64/v8"] },
      registry.authorize,
    );
    await pushImage(registry.host, "public/other", "0.1.0", { created: "2024-04-02T00:00:00Z", format: "oci" }, registry.authorize);
  });
  afterAll(() => registry?.stop());

  it("gets anonymous tokens, one per repository scope, reused until they expire", async () => {
    const server = registry.tokenServer!;
    const before = server.requests.length;
    const client = createRegistryClient();
    const app = parseImageRef(`${registry.host}/public/app`);

    expect(await client.listTags(app)).toEqual(["1.0.0"]);
    const details = await client.getTagDetails(app, "1.0.0", { platform: "linux/arm64/v8" });
    expect(await client.listTags(parseImageRef(`${registry.host}/public/other`))).toEqual(["0.1.0"]);

    expect(details.platforms).toEqual(["linux/amd64", "linux/arm64/v8"]);
    const tokenRequests = server.requests.slice(before);
    expect(tokenRequests.map((r) => r.scope)).toEqual(["repository:public/app:pull", "repository:public/other:pull"]);
    expect(tokenRequests.every((r) => !r.authenticated && r.service === server.service)).toBe(true);
    // app: 401 + token + list + index + manifest + config; other: token + list
    expect(client.stats.requests).toBe(8);
    await client.close();
  });

  it("sends credentials to the token service when it has them", async () => {
    const server = registry.tokenServer!;
    const before = server.requests.length;
    const { username, password } = registry.credentials!;
    const client = createRegistryClient({ dockerConfigJson: JSON.stringify({ auths: { [registry.host]: { username, password } } }) });

    expect(await client.listTags(parseImageRef(`${registry.host}/public/app`))).toEqual(["1.0.0"]);

    expect(server.requests.slice(before)).toEqual([
      { method: "GET", scope: "repository:public/app:pull", service: server.service, account: username, authenticated: true },
    ]);
    await client.close();
  });

  it("fails with an auth error when the token service refuses the credentials, without leaking them", async () => {
    const lines: LogLine[] = [];
    const client = createRegistryClient({
      dockerConfigJson: JSON.stringify({ auths: { [registry.host]: { username: "tester", password: "not-the-password" } } }),
      log: recordingLog(lines),
    });

    const error = (await client.listTags(parseImageRef(`${registry.host}/public/app`)).catch((e: unknown) => e)) as RegistryError;

    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ kind: "auth", status: 401 });
    expect(error.message).toMatch(/token service refused the credentials/);
    expect(JSON.stringify([error.message, error.hint, lines])).not.toMatch(/not-the-password|Bearer |eyJ/);
    await client.close();
  });
});

describe("token registry without anonymous access", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: "token", anonymous: "none", refreshTokens: ["acr-refresh-token-1"] });
    await pushImage(registry.host, "private/app", "2.0.0", { created: "2024-05-01T00:00:00Z", format: "oci" }, registry.authorize);
  });
  afterAll(() => registry?.stop());

  it("exchanges a Docker config's identitytoken (az acr login) through the OAuth2 refresh-token grant", async () => {
    const server = registry.tokenServer!;
    const before = server.requests.length;
    const lines: LogLine[] = [];
    const auth = Buffer.from("00000000-0000-0000-0000-000000000000:").toString("base64");
    const client = createRegistryClient({
      dockerConfigJson: JSON.stringify({ auths: { [registry.host]: { auth, identitytoken: "acr-refresh-token-1" } } }),
      log: recordingLog(lines),
    });

    expect(await client.listTags(parseImageRef(`${registry.host}/private/app`))).toEqual(["2.0.0"]);

    expect(server.requests.slice(before)).toEqual([
      { method: "POST", scope: "repository:private/app:pull", service: server.service, account: null, authenticated: true },
    ]);
    expect(JSON.stringify(lines)).not.toContain("acr-refresh-token-1");
    await client.close();
  });

  it("says so, without the token, when the token service refuses an identitytoken", async () => {
    const client = createRegistryClient({
      dockerConfigJson: JSON.stringify({ auths: { [registry.host]: { identitytoken: "expired-refresh-token" } } }),
    });

    const error = (await client.listTags(parseImageRef(`${registry.host}/private/app`)).catch((e: unknown) => e)) as RegistryError;

    expect(error).toMatchObject({ kind: "auth", status: 401, message: expect.stringMatching(/token service refused the credentials/) });
    expect(JSON.stringify([error.message, error.hint])).not.toContain("expired-refresh-token");
    await client.close();
  });

  it("names the credential helper a Docker config leaves the registry to, instead of going anonymous silently", async () => {
    const client = createRegistryClient({ dockerConfigJson: JSON.stringify({ auths: {}, credHelpers: { [registry.host]: "ecr-login" } }) });

    const error = (await client.listTags(parseImageRef(`${registry.host}/private/app`)).catch((e: unknown) => e)) as RegistryError;

    expect(error).toMatchObject({ kind: "auth", status: 401 });
    expect(error.hint).toMatch(/credential helper "docker-credential-ecr-login"/);
    await client.close();
  });

  it("tells the user that credentials are needed", async () => {
    const client = createRegistryClient();

    const error = await client.listTags(parseImageRef(`${registry.host}/private/app`)).catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: "auth", status: 401, message: expect.stringMatching(/refused anonymous access/) });
    await client.close();
  });
});
