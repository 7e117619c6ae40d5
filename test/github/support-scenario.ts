/**
 * One end-to-end scenario: a GitOps repo on the fake GitHub (an Application kept in the repo,
 * listed by the repo config's `applications:`), a real registry on 127.0.0.1 with its tags, and
 * a reconcile pass as `reconcile` runs it (a fresh registry client per pass, as the app does).
 */
import { execFileSync } from "node:child_process";
import {
  createDashboardIssue,
  createGitHubRepoPort,
  createStateStore,
  type GitHubRepoPort,
  type StateStore,
} from "../../src/github/index.js";
import { silentLogger } from "../../src/log/index.js";
import { createReconcileEngine, createRepoLock, reconcileRepo, type ReconcileReport } from "../../src/pipeline/index.js";
import { createRegistryClient } from "../../src/registry/index.js";
import type { FakeGitHub, FakeRepo } from "../support/fake-github/index.js";
import { pushImage, type TestRegistry } from "../support/registry.js";
import { application, kustomization } from "../support/scenario-files.js";
import { clientFor, INSTALLATION } from "./support.js";

export { application, kustomization } from "../support/scenario-files.js";

export const DEV_FILE = "overlays/dev/kustomization.yaml";
export const PROD_FILE = "overlays/prod/kustomization.yaml";
export const SOURCE = "https://github.com/acme/web";

export function revisionOf(tag: string): string {
  return Buffer.from(`rev-${tag}`).toString("hex").padEnd(40, "0").slice(0, 40);
}

export interface Scenario {
  readonly repo: FakeRepo;
  readonly fullName: string;
  readonly image: string;
  readonly imageRepo: string;
  push(tag: string): Promise<void>;
  /** The repository's state store (its own client, as a command handler in another process would have). */
  readonly state: StateStore;
  /** One pass; `restart` makes a fresh port (no caches), as after a restart of the process. */
  /** `state`: another store for this pass (one that races, fails…). */
  pass(options?: { dryRun?: boolean; restart?: boolean; state?: StateStore }): Promise<ReconcileReport>;
  /** `git diff` of the branch against its merge base with main, as a reviewer sees it. */
  diff(branch: string): string;
  git(...args: string[]): string;
}

let count = 0;
const created = (i: number): string => new Date(Date.UTC(2026, 9, 1, 9, i)).toISOString();

export async function startScenario(
  fake: FakeGitHub,
  registry: TestRegistry,
  /** `dashboard`: each pass keeps the dashboard issue too, as the app does. */
  options: { tags: readonly string[]; prod?: boolean; config?: string; dashboard?: boolean },
): Promise<Scenario> {
  count += 1;
  const name = `gitops-${process.pid}-${count}`;
  const fullName = `acme/${name}`;
  const imageRepo = `acme/web-${process.pid}-${count}`;
  const image = `${registry.host}/${imageRepo}`;
  let pushed = 0;
  const push = async (tag: string): Promise<void> => {
    pushed += 1;
    await pushImage(registry.host, imageRepo, tag, {
      created: created(pushed),
      format: "oci",
      labels: { "org.opencontainers.image.source": SOURCE, "org.opencontainers.image.revision": revisionOf(tag) },
    });
  };
  for (const tag of options.tags) await push(tag);
  const files: Record<string, string> = {
    ".github/argocd-image-pr.yml": options.config ?? "version: 1\napplications: [apps]\n",
    "apps/web-dev.yaml": application("web-dev", fullName, "overlays/dev", image, "~1.27"),
    [DEV_FILE]: kustomization(image, "1.27.0"),
    "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
    "base/deployment.yaml": `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}:1.27.0\n`,
  };
  if (options.prod === true) {
    files["apps/web-prod.yaml"] = application("web-prod", fullName, "overlays/prod", image, "~1.27");
    files[PROD_FILE] = kustomization(image, "1.27.0");
  }
  const repo = await fake.createRepo(fullName, { files, installationId: INSTALLATION });
  const lock = createRepoLock();
  let port: GitHubRepoPort = createGitHubRepoPort({ client: clientFor(fake), owner: "acme", repo: name, log: silentLogger });
  const dashboardOf = () => {
    const client = clientFor(fake);
    const at = { client, owner: "acme", repo: name, log: silentLogger };
    return { issue: createDashboardIssue({ ...at, botLogin: fake.botLogin }) };
  };
  let dashboard = options.dashboard === true ? dashboardOf() : undefined;
  const git = (...args: string[]): string => execFileSync("git", ["--git-dir", repo.gitDir, ...args], { encoding: "utf8" });
  let state = createStateStore({ client: clientFor(fake), owner: "acme", repo: name, log: silentLogger });
  return {
    repo,
    fullName,
    get state() {
      return state;
    },
    image,
    imageRepo,
    push,
    async pass(passOptions = {}) {
      if (passOptions.restart === true) {
        port = createGitHubRepoPort({ client: clientFor(fake), owner: "acme", repo: name, log: silentLogger });
        state = createStateStore({ client: clientFor(fake), owner: "acme", repo: name, log: silentLogger });
        if (dashboard !== undefined) dashboard = dashboardOf();
      }
      const client = createRegistryClient({});
      try {
        const engine = createReconcileEngine({ registry: client, cluster: null, concurrency: 4 });
        return await reconcileRepo({
          port,
          engine,
          dryRun: passOptions.dryRun ?? false,
          log: silentLogger,
          lock,
          state: passOptions.state ?? state,
          appLogin: fake.botLogin,
          ...(dashboard === undefined ? {} : { dashboard }),
        });
      } finally {
        await client.close();
      }
    },
    diff(branch) {
      return git("diff", `main...${branch}`);
    },
    git,
  };
}
