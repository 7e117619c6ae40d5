/**
 * The example GitOps repo (examples/gitops) and the registry content that tells its stories.
 * Shared by `npm run demo`, the end-to-end plan tests and the benchmark's sanity check, so the
 * demo people run is the one the tests check.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pushImage } from "./registry.js";

export const EXAMPLE_DIR = resolve(fileURLToPath(new URL("../../examples/gitops", import.meta.url)));
export const EXAMPLE_ORIGIN = "https://github.com/example-org/gitops.git";

interface SeedTag {
  readonly tag: string;
  readonly created: string;
  readonly platforms?: readonly string[];
}

function day(n: number): string {
  return new Date(Date.UTC(2026, 9, 1 + n, 9, 0, 0)).toISOString();
}

/** Repository (path inside the registry) → tags, with build dates that tell each story. */
export const EXAMPLE_TAGS: ReadonlyMap<string, readonly SeedTag[]> = new Map([
  [
    // Story 1: SHA tags from every commit on main, release tags, and a moving `latest`.
    "some-gcp-project/some-image-name",
    [
      { tag: "1d2e3f4", created: day(1) },
      { tag: "v1.3.0", created: day(2) },
      { tag: "5a6b7c8", created: day(3) },
      { tag: "v1.3.1", created: day(5) },
      { tag: "9c0ffee", created: day(8) },
      { tag: "test", created: day(9) }, // a hand-pushed tag: allow-tags keeps it out of dev
      { tag: "v1.4.0", created: day(9) },
      { tag: "latest", created: day(10) }, // newest of all: ignore-tags keeps it out
    ],
  ],
  [
    // Story 2: nginx-unprivileged on GHCR, 1.27.x wanted, newer lines published.
    "nginxinc/nginx-unprivileged",
    [
      ...["1.26.0", "1.26.1", "1.26.2", "1.26.3"].map((tag, i) => ({ tag, created: day(i) })),
      ...["1.27.0", "1.27.1", "1.27.2", "1.27.3", "1.27.4"].map((tag, i) => ({
        tag,
        created: day(10 + i),
        platforms: ["linux/amd64", "linux/arm64/v8"],
      })),
      { tag: "1.27.4-alpine", created: day(14) },
      { tag: "1.27", created: day(14) },
      { tag: "1.28.0", created: day(20) },
      { tag: "1.29.1", created: day(30) },
      { tag: "mainline", created: day(30) },
      { tag: "stable", created: day(20) },
      { tag: "latest", created: day(30) },
    ],
  ],
  ["example-org/web", ["2.3.0", "2.3.1", "2.3.2", "2.4.0", "3.0.0"].map((tag, i) => ({ tag, created: day(i) }))],
  ["library/busybox", ["1.35.0", "1.36.0", "1.36.1", "1.37.0", "latest"].map((tag, i) => ({ tag, created: day(i) }))],
]);

/** The commit an example image says it was built from (`org.opencontainers.image.revision`). */
export function exampleRevision(repository: string, tag: string): string {
  return createHash("sha1").update(`${repository}:${tag}`).digest("hex");
}

/**
 * Push every example image to the registry at `host` (`127.0.0.1:PORT`), labelled with its source
 * and revision. Returns what each `repository:tag` points at (the index digest for multi-arch).
 */
export async function seedExampleRegistry(host: string): Promise<ReadonlyMap<string, string>> {
  const digests = new Map<string, string>();
  for (const [repository, tags] of EXAMPLE_TAGS) {
    for (const seed of tags) {
      const pushed = await pushImage(host, repository, seed.tag, {
        created: seed.created,
        format: repository.startsWith("nginxinc/") ? "oci" : "docker",
        labels: {
          "org.opencontainers.image.source": `https://github.com/${repository}`,
          "org.opencontainers.image.revision": exampleRevision(repository, seed.tag),
        },
        ...(seed.platforms === undefined ? {} : { platforms: seed.platforms }),
      });
      digests.set(`${repository}:${seed.tag}`, pushed.digest);
    }
  }
  return digests;
}

/** registries.conf that sends the example's registries to the local one (same repository paths). */
export function exampleRegistriesConf(host: string): string {
  const entry = (name: string, prefix: string, extra = ""): string =>
    `  - name: ${name}\n    prefix: ${prefix}\n    api_url: http://${host}\n${extra}`;
  return [
    "# The example's registries, all served by one local registry (see scripts/demo.ts).",
    "registries:",
    entry("GCR (local)", "asia.gcr.io"),
    entry("GHCR (local)", "ghcr.io"),
    entry("Docker Hub (local)", "docker.io", "    defaultns: library\n    default: true\n"),
  ].join("\n");
}

export interface ExampleCheckout {
  readonly dir: string;
  readonly registriesFile: string;
  git(...args: string[]): string;
}

/** A fresh git checkout of the example, with `origin` set as on GitHub, and its registries.conf. */
export function checkoutExample(host: string, parent = tmpdir()): ExampleCheckout {
  const dir = mkdtempSync(join(parent, "argocd-image-pr-example-"));
  cpSync(EXAMPLE_DIR, dir, { recursive: true });
  const git = (...args: string[]): string =>
    execFileSync("git", ["-C", dir, ...args], {
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "demo",
        GIT_AUTHOR_EMAIL: "demo@example.invalid",
        GIT_COMMITTER_NAME: "demo",
        GIT_COMMITTER_EMAIL: "demo@example.invalid",
      },
    });
  git("init", "-q", "-b", "main");
  git("remote", "add", "origin", EXAMPLE_ORIGIN);
  git("add", "-A");
  git("commit", "-q", "-m", "example GitOps repo");
  const registriesFile = join(dir, "..", `${dir.split("/").pop() ?? "example"}.registries.conf`);
  writeFileSync(registriesFile, exampleRegistriesConf(host));
  return { dir, registriesFile, git };
}
