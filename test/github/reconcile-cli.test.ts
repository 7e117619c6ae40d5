import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github/index.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { startScenario } from "./support-scenario.js";
import { INSTALLATION } from "./support.js";

let fake: FakeGitHub;
let registry: TestRegistry;
const saved = { ...process.env };
beforeAll(async () => {
  [fake, registry] = await Promise.all([startFakeGitHub(), startRegistry()]);
});
afterAll(async () => {
  await Promise.all([fake.close(), registry.stop()]);
});
afterEach(() => {
  process.env = { ...saved };
  process.exitCode = undefined;
  vi.restoreAllMocks();
  try {
    fake.assertNoViolations();
  } finally {
    fake.resetLog();
  }
});

async function cli(argv: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  process.env = {
    ...saved,
    GITHUB_TOKEN: "",
    APP_ID: "",
    PRIVATE_KEY: "",
    PRIVATE_KEY_PATH: "",
    GHE_HOST: "",
    GITHUB_API_URL: "",
    LOG_LEVEL: "silent",
    ...env,
  };
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const code = await runCli(argv);
  vi.restoreAllMocks();
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

describe("argocd-image-pr reconcile", () => {
  it("--dry-run with GITHUB_TOKEN prints every write and makes none; then a real pass opens the PR (exit 0)", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    const env = { GITHUB_API_URL: fake.url, GITHUB_TOKEN: fake.installationToken(INSTALLATION) };
    fake.resetLog();
    const dry = await cli(["reconcile", "--repo", s.fullName, "--dry-run"], env);
    expect(dry.code).toBe(0);
    expect(fake.writes()).toEqual([]);
    expect(dry.stdout).toContain(`${s.fullName} (base main): 1 update PR wanted, 1 action`);
    expect(dry.stdout).toContain("would create  argocd-image-pr/web-dev");
    expect(dry.stdout).toMatch(/POST \/repos\/acme\/[^/]+\/git\/trees — 1 file on main@[0-9a-f]{12}: overlays\/dev\/kustomization\.yaml/);
    expect(dry.stdout).toMatch(
      /POST \/repos\/acme\/[^/]+\/pulls — "Update web-[0-9]+-[0-9]+ to 1\.27\.3 \(web-dev\)" from argocd-image-pr\/web-dev into main/,
    );
    expect(dry.stdout).toContain(
      `  would keep  dashboard\n    POST /repos/${s.fullName}/labels — create label "argocd-image-pr:dashboard"\n    POST /repos/${s.fullName}/issues — open the dashboard\n`,
    );
    expect(dry.stdout).toMatch(/GitHub API: \d+ reads \(0 answered 304 Not Modified\), 0 writes \(dry run: none made\)/);

    const real = await cli(["reconcile", "--repo", s.fullName], env);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain("create  argocd-image-pr/web-dev #1");
    expect(real.stdout).toContain("keep  dashboard #2");
    expect(s.repo.pulls()).toHaveLength(1);
    expect(
      s.repo
        .issues()
        .filter((i) => !i.isPull)
        .map((i) => [i.number, i.title, i.user]),
    ).toEqual([[2, "argocd-image-pr dashboard", expect.any(String)]]);
  });

  it("as the app (APP_ID + PRIVATE_KEY_PATH, GHE-style API URL from GITHUB_API_URL): the installation is looked up per repository", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    const dir = mkdtempSync(join(tmpdir(), "argocd-image-pr-key-"));
    writeFileSync(join(dir, "key.pem"), fake.privateKey);
    const run = await cli(["reconcile", "--repo", s.fullName, "--format", "json"], {
      GITHUB_API_URL: fake.url,
      APP_ID: String(fake.appId),
      PRIVATE_KEY_PATH: join(dir, "key.pem"),
    });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { repositories: { actions: { kind: string; ok: boolean; number: number }[] }[] };
    expect(json.repositories[0]?.actions).toEqual([expect.objectContaining({ kind: "create", ok: true, number: 1 })]);
    expect(fake.requests.some((r) => r.operationId === "apps/get-repo-installation")).toBe(true);
  });

  it.each([
    [
      "no credentials",
      ["reconcile", "--repo", "acme/x"],
      {},
      /no GitHub credentials: set GITHUB_TOKEN, or APP_ID with PRIVATE_KEY or PRIVATE_KEY_PATH/,
    ],
    ["a bad --repo", ["reconcile", "--repo", "not a repo"], { GITHUB_TOKEN: "x" }, /"not a repo" is not OWNER\/NAME/],
    ["no --repo", ["reconcile"], { GITHUB_TOKEN: "x" }, /required option '--repo <owner\/name>' not specified/],
    [
      "a bad GHE_PROTOCOL",
      ["reconcile", "--repo", "acme/x"],
      { GITHUB_TOKEN: "x", GHE_HOST: "github.example.com", GHE_PROTOCOL: "ftp" },
      /GHE_PROTOCOL "ftp" is not http or https/,
    ],
  ])("%s → exit 2, saying what to do", async (_, argv, env, message) => {
    const run = await cli(argv, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("a repository it cannot reach → exit 1, the others still done", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    const run = await cli(["reconcile", "--repo", "acme/missing", "--repo", s.fullName], {
      GITHUB_API_URL: fake.url,
      GITHUB_TOKEN: fake.installationToken(INSTALLATION),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/acme\/missing\n {2}error {2}acme\/missing: reading the repository failed \(HTTP 404\)/);
    expect(s.repo.pulls()).toHaveLength(1);
  });
});
