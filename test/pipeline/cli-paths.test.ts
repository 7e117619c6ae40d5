/**
 * Command-line paths that cannot be used are bad usage (exit 2), said in words that name the path
 * — shortened when it is huge, its control characters escaped — never a raw Node error.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "src/cli.ts");
/** Root reads anything whatever its mode: an unreadable path is then tried as nobody. */
const AS_NOBODY = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "argocd-image-pr-cli-paths-"));
  chmodSync(dir, 0o755);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI, run without blocking the test worker. */
function cli(
  args: readonly string[],
  options: { uid?: number; gid?: number } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", CLI, ...args],
      { encoding: "utf8", cwd: ROOT, maxBuffer: 16 * 1024 * 1024, ...options },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ status: code, stdout, stderr });
      },
    );
  });
}

describe("plan: bad YAML is a message about the file", () => {
  it("an alias bomb in an Application file and in the repo config: both named, exit 1, the JSON still printed", async () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
      "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
      "",
    ].join("\n");
    mkdirSync(join(dir, "apps"));
    mkdirSync(join(dir, ".github"));
    writeFileSync(
      join(dir, "apps", "bomb.yaml"),
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: bomb }\nspec: { source: { repoURL: https://github.com/o/r } }\n${bomb}`,
    );
    writeFileSync(join(dir, ".github", "argocd-image-pr.yml"), `targets: []\n${bomb}`);

    const run = await cli(["plan", "--repo", dir, "--apps", join(dir, "apps"), "--format", "json"]);

    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout) as { errors: { file: string; message: string }[] };
    expect(json.errors.map((e) => [e.file, e.message])).toEqual([
      [".github/argocd-image-pr.yml", expect.stringContaining("alias bomb")],
      [
        "apps/bomb.yaml",
        expect.stringContaining("apps/bomb.yaml: document 1 was skipped: its aliases (*name) expand it more than 100-fold"),
      ],
    ]);
    expect(run.stderr).toBe("");
  });
});

describe("plan: command-line paths", () => {
  it("a 100,000-character --repo is bad usage, the value shortened", async () => {
    const run = await cli(["plan", "--repo", `/tmp/${"a".repeat(100_000)}`]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("the path is too long for the file system");
    expect(run.stderr).toContain("(100005 characters)");
    expect(run.stderr).not.toContain("ENAMETOOLONG");
    expect(run.stderr.length).toBeLessThan(5_000); // the usage text, and the value shortened
  });

  it.each([
    ["--repo", (unreadable: string): string[] => ["--repo", unreadable]],
    ["--apps", (unreadable: string): string[] => ["--repo", dir, "--apps", unreadable]],
  ])("an unreadable %s directory is bad usage naming it", async (_flag, args) => {
    const unreadable = join(dir, "locked");
    mkdirSync(unreadable);
    chmodSync(unreadable, 0o000);

    const run = await cli(["plan", ...args(unreadable)], AS_NOBODY);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`"${unreadable}" cannot be read: permission denied`);
    expect(run.stderr).not.toMatch(/EACCES|realpath/);
    expect(run.stdout).toBe("");
  });

  it("a missing --apps path is bad usage naming it", async () => {
    const run = await cli(["plan", "--repo", dir, "--apps", join(dir, "nope")]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`"${join(dir, "nope")}" does not exist`);
  });

  it("terminal escapes in a value are printed escaped, not acted on", async () => {
    const run = await cli(["plan", "--repo", "/tmp/\u001b[2J\u001b]0;owned\u0007"]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("\\e[2J\\e]0;owned\\x07");
    expect(run.stderr).not.toContain("\u001b");
  });
});
