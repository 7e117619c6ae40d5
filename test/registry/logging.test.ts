/**
 * One logger, passed down: the registry client logs retries, rate-limit waits and auth failures
 * through a real pino logger with their context ({ image, registry, status, attempt, waitMs }),
 * and no password, token or Authorization header ever reaches the output — against a real
 * registry that requires auth.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseImageRef } from "../../src/image-ref/index.js";
import type { Logger } from "../../src/log/index.js";
import { createRegistryClient } from "../../src/registry/index.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.js";
import { pushImage, startRegistry, type TestRegistry } from "../support/registry.js";

interface Captured {
  readonly log: Logger;
  readonly text: () => string;
  readonly records: () => Record<string, unknown>[];
}

function capture(): Captured {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  const log = pino({ level: "debug" }, stream);
  const text = (): string => chunks.join("");
  return {
    log,
    text,
    records: () =>
      text()
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe("the registry client's log", () => {
  let registry: TestRegistry;
  let faults: FaultServer;
  beforeAll(async () => {
    registry = await startRegistry({ auth: "token", anonymous: "none" });
    await pushImage(registry.host, "private/app", "1.0.0", { created: "2024-04-01T00:00:00Z", format: "oci" }, registry.authorize);
    faults = await startFaultServer({ tags: ["1.0.0", "1.1.0"] });
  });
  afterAll(async () => {
    await registry?.stop();
    await faults?.stop();
  });

  it("logs an auth failure with its context, and never a password, token or Authorization header", async () => {
    const { username, password } = registry.credentials!;
    const image = parseImageRef(`${registry.host}/private/app`);
    const good = capture();
    const ok = createRegistryClient({
      dockerConfigJson: JSON.stringify({ auths: { [registry.host]: { username, password } } }),
      log: good.log,
    });
    expect(await ok.listTags(image)).toEqual(["1.0.0"]);
    await ok.getTagDetails(image, "1.0.0");
    await ok.close();

    const bad = capture();
    const wrong = "not-the-password-42";
    const refused = createRegistryClient({
      dockerConfigJson: JSON.stringify({ auths: { [registry.host]: { username, password: wrong } } }),
      log: bad.log,
    });
    await expect(refused.listTags(image)).rejects.toMatchObject({ kind: "auth" });
    await refused.close();

    expect(bad.records()).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: "registry authentication failed",
        image: `${registry.host}/private/app`,
        registry: registry.host,
        status: 401,
      }),
    );
    const everything = `${good.text()}${bad.text()}`.toLowerCase();
    expect(good.records().length).toBeGreaterThan(0); // it did log (tags listed), so the absence below means something
    for (const secret of [
      password,
      wrong,
      Buffer.from(`${username}:${password}`).toString("base64"),
      Buffer.from(`${username}:${wrong}`).toString("base64"),
      "bearer ",
      "basic ",
      "authorization",
      "eyj",
    ]) {
      expect(everything).not.toContain(secret.toLowerCase());
    }
  });

  it("logs each retry and rate-limit wait at debug with { image, registry, status, attempt, waitMs }", async () => {
    const { log, records } = capture();
    faults.faults.push({ kind: "status", status: 429, retryAfter: "2" }, { kind: "status", status: 503 });
    const waits: number[] = [];
    const client = createRegistryClient({
      log,
      sleep: async (ms) => void waits.push(ms),
      backoff: { baseMs: 10, capMs: 10 },
      random: () => 0.5,
    });

    expect(await client.listTags(parseImageRef(`${faults.host}/app`))).toEqual(["1.0.0", "1.1.0"]);
    await client.close();

    const retries = records().filter((r) => r["msg"] === "retrying registry request");
    expect(retries.map((r) => [r["level"], r["image"], r["registry"], r["status"], r["attempt"], r["waitMs"]])).toEqual([
      [20, `${faults.host}/app`, faults.host, 429, 1, 2000],
      [20, `${faults.host}/app`, faults.host, 503, 2, waits[1]],
    ]);
  });
});
