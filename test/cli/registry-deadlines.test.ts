/**
 * The deadlines on the command line: `--registry-timeout` / `--credentials-timeout` (seconds) and
 * their variables, bad values as bad usage (exit 2), and `tags --platform` checked as `platforms`
 * is. In process (runCli), against fault servers on 127.0.0.1.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadRegistryOptions } from "../../src/cli/registry-options.js";
import { runCli } from "../../src/cli/program.js";
import { startFaultServer } from "../support/fault-server.js";

let stderr: string;
let stdout: string;
beforeEach(() => {
  stderr = "";
  stdout = "";
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

describe("--registry-timeout", () => {
  it("ends a request to a registry that never answers at the deadline, naming the host (exit 1)", { timeout: 5000 }, async () => {
    const server = await startFaultServer({ tags: [], always: { kind: "hang" } });
    try {
      const started = Date.now();
      const code = await runCli(["tags", `${server.host}/app`, "--registry-timeout", "0.3"]);

      expect(code).toBe(1);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(stderr).toContain(`error: ${server.host}/app: tags/list failed: ${server.host} sent no answer within 0.3 s`);
      expect(stdout).toBe("");
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });

  it("is read from ARGOCD_IMAGE_PR_REGISTRY_TIMEOUT when the flag is absent", { timeout: 5000 }, async () => {
    vi.stubEnv("ARGOCD_IMAGE_PR_REGISTRY_TIMEOUT", "0.2");
    const server = await startFaultServer({ tags: [], always: { kind: "headers-only" } });
    try {
      expect(await runCli(["tags", `${server.host}/app`])).toBe(1);
      expect(stderr).toContain(`${server.host} sent the headers, then no body within 0.2 s`);
    } finally {
      await server.stop();
    }
  });

  it.each([
    [["--registry-timeout", "0"], /--registry-timeout must be a number of seconds from 0\.1 to 600, not "0"/],
    [["--registry-timeout", "30s"], /--registry-timeout must be a number of seconds from 0\.1 to 600, not "30s"/],
    [["--registry-timeout", "3600"], /not "3600"/],
    [["--credentials-timeout", "-1"], /--credentials-timeout must be a number of seconds/],
  ])("refuses %j as bad usage (exit 2) before any request", async (flags, message) => {
    const code = await runCli(["tags", "127.0.0.1:9/app", ...flags]);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it("names the variable when the bad value comes from it", async () => {
    vi.stubEnv("ARGOCD_IMAGE_PR_CREDENTIALS_TIMEOUT", "soon");

    expect(await runCli(["tags", "127.0.0.1:9/app"])).toBe(2);
    expect(stderr).toMatch(/ARGOCD_IMAGE_PR_CREDENTIALS_TIMEOUT must be a number of seconds from 0\.1 to 600, not "soon"/);
  });

  it("gives the client both deadlines in ms, flags over variables", async () => {
    const env = { ARGOCD_IMAGE_PR_REGISTRY_TIMEOUT: "12", ARGOCD_IMAGE_PR_CREDENTIALS_TIMEOUT: "45" };
    expect(await loadRegistryOptions({}, env)).toEqual({ timeoutMs: 12_000, credentialsTimeoutMs: 45_000 });
    expect(await loadRegistryOptions({ registryTimeout: "2.5", credentialsTimeout: "5" }, env)).toEqual({
      timeoutMs: 2500,
      credentialsTimeoutMs: 5000,
    });
    expect(await loadRegistryOptions({}, {})).toEqual({});
  });
});

describe("tags --platform", () => {
  it.each(["linux", "linux/", "Linux/AMD64", "linux/amd64/v8/x"])("%j is bad usage (exit 2), not a silent exit 0", async (platform) => {
    const code = await runCli(["tags", "127.0.0.1:9/app", "--metadata", "--platform", platform]);

    expect(code).toBe(2);
    expect(stderr).toContain("is not os/arch[/variant]; e.g. linux/amd64 or linux/arm64/v8");
  });
});
