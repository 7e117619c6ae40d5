/**
 * One convention for bad input at the CLI: a UsageError (bad flag, argument, or a file a flag
 * names) exits 2 and nothing was done; any other failure, a ConfigError included, exits 1.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli.js";
import { ConfigError, UsageError } from "../../src/errors/index.js";

const CLI = join(import.meta.dirname, "../../src/cli.ts");

function cli(args: readonly string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function throwing(error: Error): Command {
  const program = new Command("t").exitOverride().configureOutput({ writeErr: () => undefined });
  program.command("go").action(() => {
    throw error;
  });
  return program;
}

describe("runCli exit codes", () => {
  const saved = process.exitCode;
  const writes: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  afterEach(() => {
    process.exitCode = saved;
    process.stderr.write = write;
    writes.length = 0;
  });

  it.each([
    [new UsageError("--thing is bad", { hint: "fix it" }), 2],
    [new ConfigError("a configuration value is invalid"), 1],
    [new Error("boom"), 1],
  ])("%s exits %d", async (error, code) => {
    process.stderr.write = ((chunk: string) => (writes.push(chunk), true)) as typeof process.stderr.write;
    expect(await runCli(["go"], throwing(error))).toBe(code);
    expect(writes.join("")).toContain(error.message);
  });
});

describe("bad usage exits 2, naming what to fix", () => {
  const repo = mkdtempSync(join(tmpdir(), "argocd-image-pr-usage-"));
  afterEach(() => undefined);

  it.each<[string[], Record<string, string>, string]>([
    [
      ["plan", "--repo", repo, "--config", "/nonexistent/argocd-image-pr.yml"],
      {},
      'cannot read the repo config "/nonexistent/argocd-image-pr.yml"',
    ],
    [["plan", "--repo", repo, "--config", join(repo, "missing.yml")], {}, 'cannot read the repo config "missing.yml"'],
    [["plan", "--repo", repo], { LOG_LEVEL: "loud" }, 'LOG_LEVEL "loud" is not a log level'],
    [["tags", "UPPER/Case"], {}, "UPPER/Case"],
  ])("%j %j", (args, env, message) => {
    const run = cli(args, env);
    expect(run.stderr).toContain(message);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
  });

  it("cleans up", () => {
    rmSync(repo, { recursive: true, force: true });
  });
});
