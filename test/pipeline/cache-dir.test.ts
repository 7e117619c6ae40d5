/**
 * `plan --cache-dir`: the example GitOps repo planned twice against a real registry on 127.0.0.1.
 * The second run asks only for tag lists and plans exactly the same updates; a digest-strategy
 * target still sees its tag move; an unusable cache file is a warning, never a failed plan; two
 * runs at once both plan and leave a whole file.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runPlan } from "../../src/pipeline/index.js";
import type { RunPlanOptions } from "../../src/pipeline/index.js";
import { loadTagCacheFile, parseRegistriesConfig, TAG_CACHE_FILE } from "../../src/registry/index.js";
import { checkoutExample, seedExampleRegistry, type ExampleCheckout } from "../support/example-gitops.js";
import { pushImage, startRegistry, type TestRegistry } from "../support/registry.js";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

let registry: TestRegistry;
let example: ExampleCheckout;
let cacheDir: string;

beforeAll(async () => {
  registry = await startRegistry();
  await seedExampleRegistry(registry.host);
}, 120_000);

afterAll(async () => {
  await registry.stop();
});

beforeEach(() => {
  example = checkoutExample(registry.host);
  cacheDir = mkdtempSync(join(tmpdir(), "argocd-image-pr-cache-dir-"));
  return () => {
    rmSync(example.dir, { recursive: true, force: true });
    rmSync(example.registriesFile, { force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  };
});

function options(overrides: Partial<RunPlanOptions> = {}): RunPlanOptions {
  return {
    repoDir: example.dir,
    appPaths: [join(example.dir, "apps")],
    configFile: null,
    cluster: null,
    registry: { config: parseRegistriesConfig(readFileSync(example.registriesFile, "utf8"), example.registriesFile) },
    concurrency: 4,
    write: false,
    cacheDir,
    ...overrides,
  };
}

/** What must not change between a cold and a warm run: every planned update, field by field. */
function planned(result: Awaited<ReturnType<typeof runPlan>>): unknown {
  return { updates: result.updates, upToDate: result.upToDate, errors: result.errors, skipped: result.skipped };
}

describe("plan --cache-dir", () => {
  it("a second run asks the registry only for tag lists, and plans the very same updates", async () => {
    const cold = await runPlan(options());
    const warm = await runPlan(options());

    // 4 repositories: one tags/list each, the rest is manifests and configs (plan-example.test.ts).
    expect(cold.stats.registryRequests).toBe(20);
    expect(cold.stats.cachedTagDetails).toBe(0);
    expect(warm.stats.registryRequests).toBe(4);
    expect(warm.stats.cachedTagDetails).toBeGreaterThanOrEqual(5);
    expect(planned(warm)).toEqual(planned(cold));
    expect(cold.updates).toHaveLength(5);
    expect(warm.warnings).toEqual(cold.warnings);
  });

  it("is what the CLI's --cache-dir does, run after run", () => {
    const run = (): { registryRequests: number; cachedTagDetails: number; updates: number } => {
      const child = spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          CLI,
          "plan",
          "--repo",
          example.dir,
          "--apps",
          join(example.dir, "apps"),
          "--registries",
          example.registriesFile,
          "--cache-dir",
          cacheDir,
          "--format",
          "json",
        ],
        { encoding: "utf8" },
      );
      expect(child.stderr).toBe("");
      const json = JSON.parse(child.stdout) as { updates: unknown[]; stats: { registryRequests: number; cachedTagDetails: number } };
      return { registryRequests: json.stats.registryRequests, cachedTagDetails: json.stats.cachedTagDetails, updates: json.updates.length };
    };
    expect(run()).toEqual({ registryRequests: 20, cachedTagDetails: 0, updates: 5 });
    expect(run()).toMatchObject({ registryRequests: 4, updates: 5 });
  });

  it("ignores a corrupt cache file with a warning naming it, plans as if cold, and rebuilds the file", async () => {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(join(cacheDir, TAG_CACHE_FILE), '{"format":"argocd-image-pr/tag-details","version":1,"entries":[["abc');
    const reference = await runPlan(options({ cacheDir: join(cacheDir, "elsewhere") }));

    const result = await runPlan(options());
    const rebuilt = await loadTagCacheFile(cacheDir);

    expect(planned(result)).toEqual(planned(reference));
    expect(result.stats.registryRequests).toBe(20);
    expect(result.warnings.filter((w) => w.file === join(cacheDir, TAG_CACHE_FILE))).toEqual([
      expect.objectContaining({ severity: "warning", message: expect.stringContaining("is not valid JSON") as unknown }),
    ]);
    expect(rebuilt.warnings).toEqual([]);
    expect(rebuilt.cache.size).toBeGreaterThanOrEqual(5);
  });

  it("warns, and still plans, when the cache cannot be saved", async () => {
    const blocked = join(cacheDir, "a-file");
    writeFileSync(blocked, "not a directory");

    const result = await runPlan(options({ cacheDir: blocked }));

    expect(result.updates).toHaveLength(5);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.message).filter((m) => m.includes("tag cache"))).toEqual([
      expect.stringContaining(`cannot save the tag cache in "${blocked}"`),
    ]);
  });

  it("two runs at once both plan, and leave one whole file both can use", async () => {
    const [a, b] = await Promise.all([runPlan(options()), runPlan(options())]);
    const loaded = await loadTagCacheFile(cacheDir);
    const warm = await runPlan(options());

    expect(planned(a)).toEqual(planned(b));
    expect(loaded.warnings).toEqual([]);
    expect(warm.stats.registryRequests).toBe(4);
    expect(planned(warm)).toEqual(planned(a));
  });
});

describe("plan --cache-dir with the digest strategy", () => {
  let repo: string;

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), "argocd-image-pr-cache-digest-"));
    execFileSync("git", ["init", "-q", repo]);
    return () => rmSync(repo, { recursive: true, force: true });
  });

  function write(file: string, text: string): void {
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    writeFileSync(join(repo, file), text);
  }

  it("still sees the followed tag move: one HEAD tells, and the new digest is proposed", async () => {
    const first = await pushImage(registry.host, "tools/follow", "latest", { created: "2026-10-01T00:00:00Z", format: "docker" });
    write(
      ".github/argocd-image-pr.yml",
      "targets:\n  - name: tools\n    file: tools.yaml\n    image: registry.example/tools/follow\n    strategy: digest\n    constraint: latest\n",
    );
    write(
      "tools.yaml",
      "apiVersion: v1\nkind: Pod\nmetadata: { name: tools }\nspec:\n  containers:\n    - name: sh\n      image: registry.example/tools/follow:latest\n",
    );
    const conf = parseRegistriesConfig(
      `registries:\n  - name: local\n    prefix: registry.example\n    api_url: http://${registry.host}\n`,
      "registries.conf",
    );
    const digestOptions: RunPlanOptions = {
      repoDir: repo,
      appPaths: [],
      configFile: null,
      cluster: null,
      registry: { config: conf },
      concurrency: 2,
      write: false,
      cacheDir,
    };

    const cold = await runPlan(digestOptions);
    const unchanged = await runPlan(digestOptions);
    const moved = await pushImage(registry.host, "tools/follow", "latest", { created: "2026-11-01T00:00:00Z", format: "docker" });
    const after = await runPlan(digestOptions);

    expect(cold.updates).toMatchObject([{ to: "latest", digest: first.digest }]);
    // tags/list, then a HEAD that shows `latest` still has the digest kept
    expect(unchanged.stats.registryRequests).toBe(2);
    expect(unchanged.updates).toMatchObject([{ to: "latest", digest: first.digest }]);
    expect(moved.digest).not.toBe(first.digest);
    expect(after.updates).toMatchObject([{ to: "latest", digest: moved.digest, created: "2026-11-01T00:00:00.000Z" }]);
  });
});
