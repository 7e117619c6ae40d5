/**
 * Hostile files in the checkout, through the whole pass against a real registry: each bad file
 * fails only its own target, by name and within the test's timeout, and the good target next to
 * it is still planned and written. Nothing is written where no target points.
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runPlan } from "../../src/pipeline/index.js";
import type { PlanResult, RunPlanOptions } from "../../src/pipeline/index.js";
import { parseRegistriesConfig } from "../../src/registry/index.js";
import { pushImage, startRegistry } from "../support/registry.js";
import type { TestRegistry } from "../support/registry.js";

let registry: TestRegistry;
let repo: string;

beforeAll(async () => {
  registry = await startRegistry();
  for (const tag of ["1.0.0", "1.0.1"])
    await pushImage(registry.host, "team/web", tag, { created: "2026-10-01T00:00:00Z", format: "docker" });
});

afterAll(async () => {
  await registry.stop();
});

function write(file: string, text: string): void {
  mkdirSync(dirname(join(repo, file)), { recursive: true });
  writeFileSync(join(repo, file), text);
}

// Every kustomization here deploys the shared base, so the image it overrides is one that runs.
const GOOD_KUSTOMIZATION = "resources:\n  - ../base\nimages:\n  - name: registry.example/team/web\n    newTag: 1.0.0\n";
const BASE_DEPLOYMENT =
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: registry.example/team/web:1.0.0\n";

/** An annotated Application `name` whose kustomization is in `path`, with extra annotations. */
function application(name: string, path: string, extra: Record<string, string> = {}): string {
  return [
    "apiVersion: argoproj.io/v1alpha1",
    "kind: Application",
    "metadata:",
    `  name: ${name}`,
    "  namespace: argocd",
    "  annotations:",
    '    argocd-image-updater.argoproj.io/image-list: "web=registry.example/team/web:~1.0"',
    "    argocd-image-updater.argoproj.io/write-back-method: git",
    ...Object.entries(extra).map(([key, value]) => `    argocd-image-updater.argoproj.io/${key}: ${JSON.stringify(value)}`),
    "spec:",
    "  source:",
    "    repoURL: https://github.com/o/gitops.git",
    `    path: ${path}`,
    "    kustomize: {}",
    "",
  ].join("\n");
}

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), "argocd-image-pr-hostile-files-"));
  execFileSync("git", ["init", "-q", repo]);
  write("base/kustomization.yaml", "resources:\n  - deployment.yaml\n");
  write("base/deployment.yaml", BASE_DEPLOYMENT);
  write("good/kustomization.yaml", GOOD_KUSTOMIZATION);
  write("apps/good.yaml", application("good", "good"));
  return () => rmSync(repo, { recursive: true, force: true });
});

function options(overrides: Partial<RunPlanOptions> = {}): RunPlanOptions {
  const conf = `registries:\n  - name: local\n    prefix: registry.example\n    api_url: http://${registry.host}\n`;
  return {
    repoDir: repo,
    appPaths: [join(repo, "apps")],
    configFile: null,
    cluster: null,
    registry: { config: parseRegistriesConfig(conf, "registries.conf"), env: {} },
    concurrency: 2,
    write: true,
    ...overrides,
  };
}

function expectGoodPlanned(result: PlanResult): void {
  expect(result.updates.map((u) => [u.app, u.file, u.to])).toEqual([["argocd/good", "good/kustomization.yaml", "1.0.1"]]);
  expect(readFileSync(join(repo, "good/kustomization.yaml"), "utf8")).toContain("newTag: 1.0.1");
}

describe("files that never end", () => {
  it.each([
    [
      "a FIFO",
      (): void => {
        execFileSync("mkfifo", [join(repo, "bad/kustomization.yaml")]);
      },
    ],
    [
      "a symlink to a FIFO",
      (): void => {
        execFileSync("mkfifo", [join(repo, "bad/pipe")]);
        symlinkSync("pipe", join(repo, "bad/kustomization.yaml"));
      },
    ],
  ])(
    "a kustomization that is %s fails its own target by name; the other is planned",
    async (_name, make) => {
      mkdirSync(join(repo, "bad"));
      make();
      write("apps/bad.yaml", application("bad", "bad"));

      const result = await runPlan(options());

      expectGoodPlanned(result);
      expect(result.errors.map((e) => [e.app, e.message])).toEqual([
        ["argocd/bad", expect.stringMatching(/"bad\/kustomization\.yaml" is a named pipe \(FIFO\), not a regular file/)],
      ]);
    },
    10_000,
  );

  it("an Application file under --apps that is a FIFO is named, and the other Applications are read", async () => {
    execFileSync("mkfifo", [join(repo, "apps/pipe.yaml")]);

    const result = await runPlan(options());

    expectGoodPlanned(result);
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/"apps\/pipe\.yaml" is a named pipe \(FIFO\), not a regular file/),
    ]);
  }, 10_000);

  it("a --config that is a FIFO is a configuration error naming it", async () => {
    execFileSync("mkfifo", [join(repo, "config.yml")]);

    await expect(runPlan(options({ configFile: join(repo, "config.yml") }))).rejects.toThrow(
      /config\.yml" is a named pipe \(FIFO\), not a regular file/,
    );
  }, 10_000);
});

describe("huge files", () => {
  it("a 2 MiB values file is refused by name, over the 1 MiB limit on files to edit; the other target is planned", async () => {
    write("big/kustomization.yaml", `${GOOD_KUSTOMIZATION}${"# padding padding padding padding padding padding padding\n".repeat(40_000)}`);
    write("apps/big.yaml", application("big", "big"));

    const result = await runPlan(options());

    expectGoodPlanned(result);
    expect(result.errors.map((e) => [e.app, e.message])).toEqual([
      [
        "argocd/big",
        expect.stringMatching(
          /"big\/kustomization\.yaml" is 2\.2 MiB, over the 1\.0 MiB limit on files argocd-image-pr reads; it was not read/,
        ),
      ],
    ]);
  }, 20_000);

  it("a 50 MB values file is refused by name within bounded time, and the other target is planned", async () => {
    write("big/kustomization.yaml", "");
    truncateSync(join(repo, "big/kustomization.yaml"), 50 * 1024 * 1024);
    write("apps/big.yaml", application("big", "big"));

    const result = await runPlan(options());

    expectGoodPlanned(result);
    expect(result.errors.map((e) => [e.app, e.message])).toEqual([
      [
        "argocd/big",
        expect.stringMatching(
          /"big\/kustomization\.yaml" is 50 MiB, over the 16 MiB limit on files argocd-image-pr reads; it was not read/,
        ),
      ],
    ]);
  }, 20_000);
});

describe("files --write leaves alone", () => {
  it("a read-only kustomization is left untouched (mode and text) and reported; the other file is written", async () => {
    write("ro/kustomization.yaml", GOOD_KUSTOMIZATION);
    chmodSync(join(repo, "ro/kustomization.yaml"), 0o444);
    write("apps/ro.yaml", application("ro", "ro"));

    const result = await runPlan(options());

    expectGoodPlanned(result);
    expect(readFileSync(join(repo, "ro/kustomization.yaml"), "utf8")).toBe(GOOD_KUSTOMIZATION);
    expect(statSync(join(repo, "ro/kustomization.yaml")).mode & 0o777).toBe(0o444);
    expect(result.errors.map((e) => [e.file, e.message])).toEqual([
      [
        "ro/kustomization.yaml",
        "ro/kustomization.yaml was left untouched: it is read-only (mode 0444) (make it writable (chmod u+w) for --write to change it); the other files were written",
      ],
    ]);
    expect(result.changes.map((c) => c.file)).toEqual(["good/kustomization.yaml"]);
  });

  it.each([
    [
      "kustomize",
      "argocd/typo",
      /write-back target "kustomize" is neither a directory in the repository nor a \.yaml file, so it is no write-back target \(did you mean kustomization\?\); nothing was written/,
    ],
    [
      "kustomize:overlays/prod",
      "argocd/typo",
      /write-back-target "kustomize:overlays\/prod" is not a write-back target \(did you mean kustomization:overlays\/prod\?\)/,
    ],
    [
      "helm:values.yaml",
      "argocd/typo",
      /write-back-target "helm:values\.yaml" is not a write-back target \(did you mean helmvalues:values\.yaml\?\)/,
    ],
  ])("write-back-target %s (a typo) is an error and creates no file", async (target, app, message) => {
    mkdirSync(join(repo, "typo"));
    write("typo/kustomization.yaml", GOOD_KUSTOMIZATION);
    write("apps/typo.yaml", application("typo", "typo", { "write-back-target": target }));

    const result = await runPlan(options());

    expectGoodPlanned(result);
    expect(result.errors.map((e) => [e.app, e.message])).toEqual([[app, expect.stringMatching(message)]]);
    expect(existsSync(join(repo, target.split(":")[0] ?? target))).toBe(false);
    expect(
      execFileSync("git", ["-C", repo, "status", "--porcelain", "--untracked-files=all"], { encoding: "utf8" })
        .split("\n")
        .filter((l) => l !== "" && !l.includes("apps/") && !l.includes("base/") && !l.includes("good/") && !l.includes("typo/")),
    ).toEqual([]);
  });

  it("a bare override-file target (image-updater's backward-compatible form) still works", async () => {
    write("overrides/kustomization.yaml", GOOD_KUSTOMIZATION);
    write("apps/over.yaml", application("over", "overrides", { "write-back-target": "overrides/.argocd-source-over.yaml" }));

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates.map((u) => [u.app, u.file])).toContainEqual(["argocd/over", "overrides/.argocd-source-over.yaml"]);
  });

  it.each([
    ["the repo config itself", ".github/argocd-image-pr.yml", /is the repo config; argocd-image-pr never edits it/],
    ["a file under .git/", ".git/config", /is inside \.git\/; argocd-image-pr never edits it/],
    ["a file under a nested .git/", "sub/.GIT/hooks/values.yaml", /is inside \.git\/; argocd-image-pr never edits it/],
  ])("a repo-config target whose file is %s is refused and nothing is written there", async (_name, file, message) => {
    write(
      ".github/argocd-image-pr.yml",
      `targets:\n  - name: evil\n    file: ${file}\n    kind: manifest\n    image: registry.example/team/web\n  - name: web\n    path: good\n    image: registry.example/team/web\n    constraint: "~1.0"\n`,
    );
    if (!existsSync(join(repo, file))) write(file, "image: registry.example/team/web:1.0.0\n");
    const before = readFileSync(join(repo, file), "utf8");

    const result = await runPlan(options({ appPaths: [] }));

    expect(result.errors.map((e) => e.message)).toEqual([expect.stringMatching(message)]);
    expect(readFileSync(join(repo, file), "utf8")).toBe(before);
    expect(result.updates.map((u) => u.file)).toEqual(["good/kustomization.yaml"]);
  });
});

describe("symlinks to files no target may edit", () => {
  it.each([
    ["a file in .git/", "../.git/info/kustomization.yaml", /leads into \.git\/, which argocd-image-pr never edits/],
    // (The config with images: is also reported as an invalid config, which it then is.)
    ["the repo config", "../.github/argocd-image-pr.yml", /leads to the repo config, which argocd-image-pr never edits/],
  ])("a kustomization linked to %s is not written through", async (_name, link, message) => {
    write(link.slice(3), GOOD_KUSTOMIZATION);
    const linked = join(repo, link.slice(3));
    const before = readFileSync(linked, "utf8");
    mkdirSync(join(repo, "evil"));
    symlinkSync(link, join(repo, "evil/kustomization.yaml"));
    write("apps/evil.yaml", application("evil", "evil"));

    const result = await runPlan(options());

    expectGoodPlanned(result);
    expect(readFileSync(linked, "utf8")).toBe(before);
    expect(result.errors.map((e) => e.message)).toContainEqual(expect.stringMatching(message));
  });
});

describe("paths that are not files", () => {
  it("a symlink loop is named as one", async () => {
    mkdirSync(join(repo, "loop"));
    symlinkSync("kustomization.yml", join(repo, "loop/kustomization.yaml"));
    symlinkSync("kustomization.yaml", join(repo, "loop/kustomization.yml"));
    write("apps/loop.yaml", application("loop", "loop", { "write-back-target": "kustomization" }));

    const result = await runPlan(options());

    expectGoodPlanned(result);
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/loop\/kustomization\.yaml".*it is a symbolic link that loops/),
    ]);
    expect(result.errors.map((e) => e.message).join("\n")).not.toMatch(/ELOOP/);
  });

  it("a path with a NUL character is named as such", async () => {
    write(
      "apps/nul.yaml",
      application("nul", "good", { "write-back-target": "helmvalues:a\u0000b.yaml" }).replace(
        '"helmvalues:a\\u0000b.yaml"',
        '"helmvalues:a\\0b.yaml"',
      ),
    );

    const result = await runPlan(options());

    expect(result.errors.map((e) => e.message)).toEqual([expect.stringMatching(/path "good\/a\\x00b\.yaml" contains a NUL character/)]);
    expect(result.errors.map((e) => e.message).join("\n")).not.toMatch(/null bytes/);
  });
});
