/**
 * `ext:` credential scripts that misbehave: never exit (or leave a child holding the output open),
 * ignore SIGTERM, fail, or print without end. Each ends within its deadline with a message that
 * says what happened and what to change, never "the script failed (SIGTERM)". Real processes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RegistryError } from "../../src/errors/index.js";
import { parseImageRef } from "../../src/image-ref/index.js";
import { createRegistryClient, parseRegistriesConfig } from "../../src/registry/index.js";
import { startFaultServer } from "../support/fault-server.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ext-scripts-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string, mode = 0o755): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode });
  return file;
}

/** Running (a zombie waiting to be reaped is not). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** The error of listing `repo` on a fault server through registries.conf `credentials: ext:<path>`. */
async function listWith(path: string, credentialsTimeoutMs: number, repos = ["app"]): Promise<RegistryError[]> {
  const server = await startFaultServer({ tags: ["1.0.0"], always: { kind: "status", status: 401 } });
  const config = parseRegistriesConfig(
    `registries:\n- name: local\n  prefix: ${server.host}\n  credentials: ext:${path}\n`,
    "registries.conf",
  );
  const client = createRegistryClient({ config, credentialsTimeoutMs, retries: 0 });
  try {
    const errors: RegistryError[] = [];
    for (const repo of repos) {
      const error = await client.listTags(parseImageRef(`${server.host}/${repo}`)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RegistryError);
      errors.push(error as RegistryError);
    }
    return errors;
  } finally {
    await client.close();
    await server.stop();
  }
}

describe("an ext: script that never exits", () => {
  it("is killed at its deadline, with the child it started, and the message says how to raise it", { timeout: 5000 }, async () => {
    const pids = join(dir, "pids");
    const path = script("hangs.sh", `sleep 600 &\necho $! > ${pids}\nwait`);
    const started = Date.now();

    const [error] = await listWith(path, 300);

    expect(Date.now() - started).toBeLessThan(3000);
    expect(error?.kind).toBe("timeout");
    expect(error?.message).toContain(`credentials ext:${path} for 127.0.0.1:`);
    expect(error?.message).toContain("the script did not exit within 0.3 s and was killed");
    expect(error?.message).toContain("--credentials-timeout SECONDS or ARGOCD_IMAGE_PR_CREDENTIALS_TIMEOUT");
    expect(error?.message).not.toContain("SIGTERM");
    const child = Number(readFileSync(pids, "utf8"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(child)).toBe(false);
  });

  it("is killed even when it ignores SIGTERM", { timeout: 5000 }, async () => {
    const path = script("stubborn.sh", "trap '' TERM\nwhile :; do sleep 0.05; done");

    const [error] = await listWith(path, 300);

    expect(error?.message).toContain("the script did not exit within 0.3 s and was killed");
  });

  it("is not run again for every image of the pass once it timed out", { timeout: 5000 }, async () => {
    const runs = join(dir, "runs");
    const path = script("slow.sh", `echo run >> ${runs}\nsleep 600`);

    const errors = await listWith(path, 300, ["a", "b", "c"]);

    expect(errors.map((e) => /did not exit within 0\.3 s/.test(e.message))).toEqual([true, true, true]);
    expect(readFileSync(runs, "utf8").trim().split("\n")).toHaveLength(1);
  });
});

describe("an ext: script that fails", () => {
  it.each<[string, () => string, RegExp]>([
    ["exits non-zero", () => script("fails.sh", "echo nope >&2\nexit 3"), /the script exited with status 3/],
    ["prints more than 1 MiB", () => script("floods.sh", "yes user:pass"), /the script printed more than 1 MiB/],
    [
      "is not executable",
      () => script("plain.sh", "echo u:p", 0o644),
      /the script cannot be run \(EACCES\) \(make it executable \(chmod \+x\)/,
    ],
    ["does not exist", () => join(dir, "missing.sh"), /the script cannot be run \(ENOENT\) \(check the path/],
  ])("%s: says so", { timeout: 5000 }, async (_name, make, message) => {
    const path = make();

    const [error] = await listWith(path, 2000);

    expect(error?.message).toMatch(message);
    expect(existsSync(dir)).toBe(true);
  });
});
