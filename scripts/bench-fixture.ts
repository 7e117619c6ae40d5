/**
 * The benchmark's world: M image repositories spread over three local registries, and a generated
 * GitOps checkout of N Applications that share them. Everything the benchmark compares against
 * (tags per repository, distinct builds, expected updates) is computed here from what was seeded,
 * independently of src/, so the figures check the tool rather than repeat it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import semver from "semver";
import { pushImage, pushManyTags } from "../test/support/registry.js";

export const ORIGIN = "https://github.com/example-org/gitops.git";
export const REGISTRY_PREFIXES = ["reg0.example", "reg1.example", "reg2.example"] as const;
/** `n` the CLI asks of tags/list (the registry client's default page size). */
export const PAGE_SIZE = 1000;

/** 30 release versions: 1.0.0 … 3.4.1. None of the other tags parses as a version. */
const VERSIONS: readonly string[] = [1, 2, 3].flatMap((major) =>
  [0, 1, 2, 3, 4].flatMap((minor) => [0, 1].map((patch) => `${major}.${minor}.${patch}`)),
);

/** One image repository and its tags; `builds` maps each tag to the build (image) it points at. */
export interface SeededRepo {
  readonly registryIndex: number;
  /** Path inside the registry, e.g. `team/img-07`. */
  readonly path: string;
  /** `reg1.example/team/img-07`: what Applications name. */
  readonly image: string;
  readonly strategy: "semver" | "newest-build";
  readonly tags: readonly string[];
  /** tag → build id; tags of the same build share one manifest and one config blob. */
  readonly builds: ReadonlyMap<string, number>;
  /** build id → created (RFC 3339). */
  readonly created: ReadonlyMap<number, string>;
}

function day(n: number): string {
  return new Date(Date.UTC(2026, 0, 1 + n, 12, 0, 0)).toISOString();
}

/** Seven hex digits that start with a letter, so no SHA tag reads as a version (`1234567` would). */
function shaTag(repo: number, build: number): string {
  const hex = ((repo * 7919 + build * 104_729) % 0xfffff).toString(16).padStart(5, "0");
  return `${"abcdef"[(repo + build) % 6] ?? "a"}${hex}${"abcdef"[build % 6] ?? "f"}`;
}

/**
 * M repositories: most followed by semver (one image under every tag, as pushManyTags makes it),
 * every tenth by newest-build (one build per release and per SHA, aliases `latest`, `stable`, `edge`).
 */
export function planRepos(count: number): SeededRepo[] {
  return Array.from({ length: count }, (_, i): SeededRepo => {
    const registryIndex = i % REGISTRY_PREFIXES.length;
    const path = `team/img-${String(i).padStart(2, "0")}`;
    const image = `${REGISTRY_PREFIXES[registryIndex] ?? "reg0.example"}/${path}`;
    const shas = [shaTag(i, 1), shaTag(i, 2), shaTag(i, 3)];
    const tags = [...VERSIONS, "latest", "stable", "edge", ...shas];
    const builds = new Map<string, number>();
    const created = new Map<number, string>();
    const strategy = i % 10 === 9 ? "newest-build" : "semver";
    if (strategy === "semver") {
      for (const tag of tags) builds.set(tag, 0);
      created.set(0, day(0));
    } else {
      VERSIONS.forEach((tag, v) => {
        builds.set(tag, v);
        created.set(v, day(v));
      });
      shas.forEach((tag, s) => {
        builds.set(tag, 100 + s);
        created.set(100 + s, day(VERSIONS.length + s));
      });
      builds.set("latest", VERSIONS.length - 1); // the newest release
      builds.set("stable", VERSIONS.length - 5);
      builds.set("edge", 100 + shas.length - 1); // the newest build from main
    }
    return { registryIndex, path, image, strategy, tags, builds, created };
  });
}

/** Push every repository to its registry (`hosts[registryIndex]`). */
export async function seedRepos(repos: readonly SeededRepo[], hosts: readonly string[]): Promise<void> {
  const label = (repo: SeededRepo): Record<string, string> => ({
    "org.opencontainers.image.source": `https://github.com/example-org/${repo.path.split("/").pop() ?? "img"}`,
  });
  // Repositories in parallel, a few at a time per registry; one repository's pushes in order.
  const queue = [...repos];
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let repo = queue.shift(); repo !== undefined; repo = queue.shift()) {
        const host = hosts[repo.registryIndex];
        if (host === undefined) throw new Error(`no registry ${repo.registryIndex}`);
        if (repo.strategy === "semver") {
          await pushManyTags(host, repo.path, repo.tags, { created: day(0), format: "docker", labels: label(repo) });
          continue;
        }
        // pushImage is content-addressed: pushing an alias with the same build date reuses the blobs.
        for (const tag of repo.tags) {
          const created = repo.created.get(repo.builds.get(tag) ?? -1);
          if (created === undefined) throw new Error(`no build for ${repo.path}:${tag}`);
          await pushImage(host, repo.path, tag, { created, format: "oci", labels: label(repo) });
        }
      }
    }),
  );
}

export interface GeneratedTarget {
  readonly app: string;
  readonly alias: string;
  readonly repo: SeededRepo;
  readonly current: string;
  readonly constraint: string | null;
  /** Candidate tags for newest-build (every tag but `latest`); null for semver. */
  readonly newestBuildCandidates: readonly string[] | null;
  /** The tag the plan should move to, or null when the target is not behind. */
  readonly expected: string | null;
}

export interface GeneratedCheckout {
  readonly dir: string;
  readonly appsDir: string;
  readonly targets: readonly GeneratedTarget[];
}

function pick<T>(items: readonly T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new Error("nothing to pick from");
  return item;
}

const CONSTRAINTS: readonly (string | null)[] = [null, null, "~1.2", "^2.0", ">=1.1.0 <2.0.0", "1.x", null, "~3.4"];

/** The highest version satisfying the constraint, if newer than `current` (never a downgrade). */
function expectedSemver(current: string, constraint: string | null): string | null {
  const best = semver.maxSatisfying([...VERSIONS], constraint ?? "*");
  return best !== null && semver.gt(best, current) ? best : null;
}

function expectedNewestBuild(repo: SeededRepo, current: string, candidates: readonly string[]): string | null {
  const at = (tag: string): number => Date.parse(repo.created.get(repo.builds.get(tag) ?? -1) ?? "");
  // Newest build first; between tags of the same build, the greater name (as the strategy documents).
  const best = [...candidates].sort((a, b) => at(b) - at(a) || (a < b ? 1 : a > b ? -1 : 0))[0];
  if (best === undefined || best === current) return null;
  return at(best) > at(current) ? best : null;
}

/**
 * N Applications in a fresh git checkout: `argocd/app-NNNN.yaml` (the manifests) and
 * `apps/app-NNNN/kustomization.yaml`. Every fourth app runs two images; every twentieth follows a
 * newest-build repository, so its candidates' manifests and configs must be fetched.
 */
export function generateCheckout(appCount: number, repos: readonly SeededRepo[], hosts: readonly string[]): GeneratedCheckout {
  const dir = mkdtempSync(join(tmpdir(), `argocd-image-pr-bench-${appCount}-`));
  const appsDir = join(dir, "argocd");
  mkdirSync(appsDir);
  const semverRepos = repos.filter((r) => r.strategy === "semver");
  const buildRepos = repos.filter((r) => r.strategy === "newest-build");
  const targets: GeneratedTarget[] = [];

  for (let j = 0; j < appCount; j++) {
    const app = `app-${String(j).padStart(4, "0")}`;
    const newestBuild = j % 20 === 7 && buildRepos.length > 0;
    const count = newestBuild ? 1 : j % 4 === 3 ? 2 : 1;
    const annotations: string[] = [];
    const list: string[] = [];
    const images: string[] = [];
    for (let k = 0; k < count; k++) {
      const alias = k === 0 ? "main" : "sidecar";
      const repo = newestBuild ? pick(buildRepos, Math.floor(j / 20)) : pick(semverRepos, j * 7 + k * 13);
      const current = VERSIONS[(j * 11 + k * 5) % VERSIONS.length] ?? "1.0.0";
      let constraint: string | null = null;
      let candidates: string[] | null = null;
      let expected: string | null;
      if (newestBuild) {
        candidates = repo.tags.filter((t) => t !== "latest");
        annotations.push(`argocd-image-updater.argoproj.io/${alias}.update-strategy: newest-build`);
        annotations.push(`argocd-image-updater.argoproj.io/${alias}.ignore-tags: latest`);
        expected = expectedNewestBuild(repo, current, candidates);
      } else {
        constraint = CONSTRAINTS[(j + k) % CONSTRAINTS.length] ?? null;
        annotations.push(`argocd-image-updater.argoproj.io/${alias}.update-strategy: semver`);
        expected = expectedSemver(current, constraint);
      }
      list.push(`${alias}=${repo.image}${constraint === null ? "" : `:${constraint}`}`);
      images.push(`  - name: ${repo.image}\n    newTag: "${current}"\n`);
      targets.push({ app, alias, repo, current, constraint, newestBuildCandidates: candidates, expected });
    }
    writeFileSync(
      join(appsDir, `${app}.yaml`),
      [
        "apiVersion: argoproj.io/v1alpha1",
        "kind: Application",
        "metadata:",
        `  name: ${app}`,
        "  namespace: argocd",
        "  annotations:",
        `    argocd-image-updater.argoproj.io/image-list: ${list.join(", ")}`,
        "    argocd-image-updater.argoproj.io/write-back-method: git",
        ...annotations.map((a) => `    ${a}`),
        "spec:",
        "  project: default",
        "  source:",
        `    repoURL: ${ORIGIN}`,
        "    targetRevision: HEAD",
        `    path: apps/${app}`,
        "  destination:",
        "    server: https://kubernetes.default.svc",
        `    namespace: ${app}`,
        "",
      ].join("\n"),
    );
    const appDir = join(dir, "apps", app);
    mkdirSync(appDir, { recursive: true });
    writeFileSync(
      join(appDir, "kustomization.yaml"),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n${images.join("")}`,
    );
  }

  writeFileSync(join(dir, "..", `${dir.split("/").pop() ?? "bench"}.registries.conf`), registriesConf(hosts));
  const git = (...args: string[]): void => {
    execFileSync("git", ["-C", dir, ...args], {
      stdio: "ignore",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "bench",
        GIT_AUTHOR_EMAIL: "bench@example.invalid",
        GIT_COMMITTER_NAME: "bench",
        GIT_COMMITTER_EMAIL: "bench@example.invalid",
      },
    });
  };
  git("init", "-q", "-b", "main");
  git("remote", "add", "origin", ORIGIN);
  git("add", "-A");
  git("commit", "-q", "-m", "generated GitOps repo");
  return { dir, appsDir, targets };
}

export function registriesFileOf(checkout: GeneratedCheckout): string {
  return join(checkout.dir, "..", `${checkout.dir.split("/").pop() ?? "bench"}.registries.conf`);
}

/**
 * registries.conf (argocd-image-updater's format): reg<i>.example → the i-th local registry, at the
 * default rate limit, or at `limit` requests per second.
 */
export function registriesConf(hosts: readonly string[], limit?: number): string {
  const entries = hosts.map(
    (host, i) =>
      `  - name: local ${i}\n    prefix: ${REGISTRY_PREFIXES[i] ?? ""}\n    api_url: http://${host}\n${limit === undefined ? "" : `    limit: ${limit}\n`}`,
  );
  return `# Generated by scripts/bench.ts.\nregistries:\n${entries.join("")}`;
}
