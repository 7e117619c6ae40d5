/**
 * `npm run bench:app`: GitHub API calls of reconcile passes for one repository with 10
 * Applications (fake GitHub, real local registry): the first pass that opens the 10 PRs, an update
 * in place (one image gets a newer tag), and a pass with nothing new — the dashboard issue kept
 * too. Reads, writes, 304s.
 * Counts, not timings: writes are spaced by Probot's throttling in production (1 s apart).
 */
import { createDashboardIssue, createGitHubClient, createGitHubRepoPort, createStateStore } from "../src/github/index.js";
import { silentLogger } from "../src/log/index.js";
import { createReconcileEngine, createRepoLock, reconcileRepo } from "../src/pipeline/index.js";
import { createRegistryClient } from "../src/registry/index.js";
import { startFakeGitHub } from "../test/support/fake-github/index.js";
import { pushImage, startRegistry } from "../test/support/registry.js";
import { application, kustomization } from "../test/support/scenario-files.js";

const APPS = 10;
const INSTALLATION = 9;

async function main(): Promise<void> {
  const [registry, github] = await Promise.all([startRegistry(), startFakeGitHub()]);
  try {
    const files: Record<string, string> = {
      ".github/argocd-image-pr.yml": "version: 1\napplications: [apps]\n",
      "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
    };
    // The base runs every image, so each overlay's kustomization deploys its image (the engine checks that).
    const containers: string[] = [];
    for (let i = 0; i < APPS; i += 1) {
      containers.push(`        - name: app-${i}\n          image: ${registry.host}/bench/app-${i}:1.0.0\n`);
    }
    files["base/deployment.yaml"] =
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bench\nspec:\n  template:\n    spec:\n      containers:\n${containers.join("")}`;
    for (let i = 0; i < APPS; i += 1) {
      const image = `${registry.host}/bench/app-${i}`;
      for (const [n, tag] of ["1.0.0", "1.0.1"].entries())
        await pushImage(registry.host, `bench/app-${i}`, tag, { created: new Date(Date.UTC(2026, 0, 1, n)).toISOString(), format: "oci" });
      files[`apps/app-${i}.yaml`] = application(`app-${i}`, "bench/gitops", `overlays/app-${i}`, image, "^1");
      files[`overlays/app-${i}/kustomization.yaml`] = kustomization(image, "1.0.0");
    }
    const repo = await github.createRepo("bench/gitops", { files, installationId: INSTALLATION });
    const client = createGitHubClient({
      baseUrl: github.url,
      token: github.installationToken(INSTALLATION),
      log: silentLogger,
      tuning: { writeSpacingMs: 0, retryAfterBaseValue: 1 },
    });
    const port = createGitHubRepoPort({ client, owner: "bench", repo: "gitops", log: silentLogger });
    // The state as the app reads it each pass (pins, holds, refusals): its reads are in the figures.
    const state = createStateStore({ client, owner: "bench", repo: "gitops", log: silentLogger });
    const lock = createRepoLock();
    const at = { client, owner: "bench", repo: "gitops", log: silentLogger };
    // The dashboard issue, as the app keeps it (one conditional read when nothing changed).
    const dashboard = { issue: createDashboardIssue({ ...at, botLogin: github.botLogin }) };
    const rows: string[] = [];
    const pass = async (name: string, expected: number | null): Promise<void> => {
      github.resetLog();
      const registryClient = createRegistryClient({});
      try {
        const report = await reconcileRepo({
          port,
          engine: createReconcileEngine({ registry: registryClient, cluster: null, concurrency: 8 }),
          dryRun: false,
          log: silentLogger,
          lock,
          state,
          dashboard,
        });
        // Figures of a pass that did not do what its name says would mislead: fail instead.
        const problems = report.problems.filter((problem) => problem.severity !== "warning");
        if (problems.length > 0 || report.failed) throw new Error(`${name}: the pass failed: ${JSON.stringify(problems)}`);
        if (expected !== null && report.actions.length !== expected)
          throw new Error(
            `${name}: ${report.actions.length} actions, expected ${expected} (${report.actions.map((a) => a.kind).join(", ")})`,
          );
        const requests = github.requests;
        const notModified = requests.filter((r) => r.status === 304).length;
        const writes = github.writes().length;
        const reads = requests.length - writes;
        const kinds = [...report.actions.map((a) => a.kind), ...(report.dashboard?.writes.length ? ["dashboard"] : [])].reduce<
          Record<string, number>
        >((acc, kind) => ({ ...acc, [kind]: (acc[kind] ?? 0) + 1 }), {});
        rows.push(
          `${name.padEnd(34)} ${String(reads).padStart(6)} ${String(notModified).padStart(6)} ${String(reads - notModified).padStart(9)} ${String(writes).padStart(7)}   ${JSON.stringify(kinds)}`,
        );
      } finally {
        await registryClient.close();
      }
    };
    await pass(`first pass: opens ${APPS} PRs`, APPS);
    await pushImage(registry.host, "bench/app-3", "1.0.2", { created: new Date(Date.UTC(2026, 0, 2)).toISOString(), format: "oci" });
    await pass("update in place (app-3 → 1.0.2)", 1);
    await pass("nothing new", 0);
    await pass("nothing new, again", 0);
    process.stdout.write(
      `GitHub API calls of one reconcile pass, repository with ${APPS} Applications (${repo.pulls().length} PRs open at the end)\n\n`,
    );
    process.stdout.write(
      `${"pass".padEnd(34)} ${"reads".padStart(6)} ${"304s".padStart(6)} ${"counted".padStart(9)} ${"writes".padStart(7)}   actions\n`,
    );
    process.stdout.write(`${rows.join("\n")}\n\n"counted": reads that count against the rate limit (every read but a 304).\n`);
  } finally {
    await Promise.all([registry.stop(), github.close()]);
  }
}

await main();
