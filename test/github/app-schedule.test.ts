/**
 * The cron tick of `argocd-image-pr run` (issue 9, "How it runs"): every installation of the app,
 * every repository each may reach, one pass each — on `tick()` and on the schedule itself.
 */
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { createReconcileApp } from "../../src/app/index.js";
import { writeGroup } from "../../src/github/index.js";
import type { ClusterOptions, ReconcileReport } from "../../src/pipeline/index.js";
import { startSchedule } from "../../src/scheduler/index.js";
import type { FakeGitHub } from "../support/fake-github/index.js";
import { startFakeKube } from "../support/fake-kube.js";
import type { TestRegistry } from "../support/registry.js";
import { startApp as startCommentApp } from "./support-app.js";
import { startScenario } from "./support-scenario.js";
import { INSTALLATION, useFakeGitHubAndRegistry } from "./support.js";

let fake: FakeGitHub;
let registry: TestRegistry;
useFakeGitHubAndRegistry((started) => ({ fake, registry } = started));

const OTHER_INSTALLATION = 78;

async function startApp(schedule: string | null, cluster: ClusterOptions | null = null) {
  const passes: string[] = [];
  const { appFn, handle } = createReconcileApp({
    registry: {},
    schedule,
    cluster,
    debounceMs: 50,
    concurrency: 4,
    onPass: (trigger, report: ReconcileReport | Error) => {
      passes.push(
        `${trigger.installationId} ${trigger.owner}/${trigger.repo} ${report instanceof Error ? `error ${report.message}` : report.actions.map((a) => a.kind).join(",") || "nothing"}`,
      );
    },
  });
  const probot = new Probot({
    appId: fake.appId,
    privateKey: fake.privateKey,
    secret: fake.webhookSecret,
    baseUrl: fake.url,
    Octokit: ProbotOctokit.defaults({
      throttle: { write: writeGroup(0), notifications: writeGroup(0, "notifications"), retryAfterBaseValue: 1 },
      retry: { retryAfterBaseValue: 1 },
    }),
    log: pino({ level: process.env["TEST_LOG"] ?? "silent" }),
  });
  await probot.load(appFn);
  return { passes, handle };
}

/** A scenario whose Application lives in the cluster only (the repo config names no manifests), and that cluster. */
async function clusterScenario() {
  const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"], config: "version: 1\n" });
  const live = (name: string, repoURL: string) => ({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name,
      namespace: "argocd",
      labels: { env: "dev" },
      annotations: {
        "argocd-image-updater.argoproj.io/image-list": `web=${s.image}:~1.27`,
        "argocd-image-updater.argoproj.io/write-back-method": "git",
      },
    },
    spec: {
      source: { repoURL, path: "overlays/dev", targetRevision: "HEAD" },
      destination: { name: "in-cluster", namespace: "web-dev" },
    },
    status: { sourceType: "Kustomize" },
  });
  const kube = await startFakeKube([
    {
      group: "argoproj.io",
      version: "v1alpha1",
      plural: "applications",
      kind: "Application",
      // The second deploys from another repository: not this repository's target.
      items: [live("web-dev", `https://github.com/${s.fullName}.git`), live("elsewhere", "https://github.com/acme/other.git")],
    },
    { group: "argocd-image-updater.argoproj.io", version: "v1alpha1", plural: "imageupdaters", kind: "ImageUpdater", items: [] },
  ]);
  return { s, kube };
}

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

describe("the cron tick", () => {
  it("lists the installations and their repositories and runs one pass for each (two installations, four repositories)", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await fake.createRepo("acme/notes", { installationId: INSTALLATION });
    await fake.createRepo("globex/deploy", { installationId: OTHER_INSTALLATION });
    await fake.createRepo("globex/infra", { installationId: OTHER_INSTALLATION });
    const { passes, handle } = await startApp(null);
    fake.resetLog();
    await handle.tick();
    await until(() => passes.length >= 4, "four passes");
    await handle.idle();
    expect([...passes].sort()).toEqual([
      `${INSTALLATION} ${s.fullName} create`,
      `${INSTALLATION} acme/notes nothing`,
      `${OTHER_INSTALLATION} globex/deploy nothing`,
      `${OTHER_INSTALLATION} globex/infra nothing`,
    ]);
    // The tick's own reads: the installations as the app, each one's repositories as that installation.
    const listing = fake.requests
      .filter((r) => r.operationId === "apps/list-installations" || r.operationId === "apps/list-repos-accessible-to-installation")
      .map((r) => r.operationId);
    expect(listing).toEqual([
      "apps/list-installations",
      "apps/list-repos-accessible-to-installation",
      "apps/list-repos-accessible-to-installation",
    ]);
    expect(s.repo.pulls().map((p) => p.head)).toEqual(["argocd-image-pr/web-dev"]);

    // A second tick: a pass each again, and nothing left to write.
    passes.length = 0;
    fake.resetLog();
    await handle.tick();
    await until(() => passes.length >= 4, "four passes");
    await handle.idle();
    expect(passes.filter((p) => !p.endsWith(" nothing"))).toEqual([]);
    expect(fake.writes()).toEqual([]);

    // A third: the process kept each repository's conditional reads, so the passes cost 304s only
    // (free of the rate limit) — the tick's own listing and the access tokens aside.
    passes.length = 0;
    fake.resetLog();
    await handle.tick();
    await until(() => passes.length >= 4, "four passes");
    await handle.idle();
    const passReads = fake.requests.filter(
      (r) =>
        r.method === "GET" &&
        !["apps/list-installations", "apps/list-repos-accessible-to-installation", "apps/get-authenticated"].includes(r.operationId ?? ""),
    );
    expect(passReads.length).toBeGreaterThan(4 * 4);
    // No state was ever stored: its ref is a 404 each pass (GitHub sends no ETag with a 404).
    expect(passReads.filter((r) => r.status !== 304).map((r) => `${r.operationId} ${r.status}`)).toEqual(
      Array.from({ length: 4 }, () => "git/get-ref 404"),
    );
    expect(fake.writes().filter((w) => w.operationId !== "apps/create-installation-access-token")).toEqual([]);
    handle.stop();
  });

  it("the schedule ticks on its own (every second here: node-cron's six fields)", async () => {
    await fake.createRepo("globex/scheduled", { installationId: OTHER_INSTALLATION });
    const { passes, handle } = await startApp("* * * * * *");
    try {
      await until(() => passes.filter((p) => p.includes("globex/scheduled")).length >= 2, "two scheduled passes of globex/scheduled");
    } finally {
      handle.stop();
    }
    await handle.idle();
    expect(passes.every((p) => !p.includes(" error "))).toBe(true);
  });

  it("with a cluster (run --kubeconfig): the live Applications whose source is the repository get their PR, destination included", async () => {
    const { s, kube } = await clusterScenario();
    try {
      const { passes, handle } = await startApp(null, { kubeconfig: kube.kubeconfig });
      await handle.tick();
      await until(() => passes.some((p) => p.includes(s.fullName)), "the pass of the scenario's repository");
      await handle.idle();
      handle.stop();
      expect(passes.filter((p) => p.includes(s.fullName))).toEqual([`${INSTALLATION} ${s.fullName} create`]);
      const [pull] = s.repo.pulls().filter((p) => p.state === "open");
      expect(pull?.head).toBe("argocd-image-pr/web-dev");
      expect(pull?.body).toContain("| Destination | in\\-cluster \\/ web\\-dev |");
      expect(kube.unexpected()).toEqual([]);
    } finally {
      await kube.close();
    }
  });

  it("with a cluster, a command in a comment finds the cluster's targets too (/pin on the PR of a live Application)", async () => {
    const { s, kube } = await clusterScenario();
    try {
      const app = await startCommentApp(fake, { cluster: { kubeconfig: kube.kubeconfig } });
      try {
        await app.deliver({
          name: "installation_repositories",
          payload: {
            action: "added",
            installation: { id: INSTALLATION },
            repositories_added: [{ full_name: s.fullName }],
            sender: { login: "octocat" },
          },
        });
        await app.idle(1);
        const [pull] = s.repo.pulls();
        expect(pull?.head).toBe("argocd-image-pr/web-dev");
        s.repo.setPermission("maria", "maintain");
        fake.resetEvents();
        s.repo.addComment(pull?.number ?? 0, "maria", "/pin 1.27.0");
        const event = fake.events().find((e) => e.name === "issue_comment");
        fake.resetEvents();
        if (event === undefined) throw new Error("the fake sent no issue_comment");
        await app.deliver(event);
        await app.idle();
        expect(app.comments).toEqual([{ kind: "answered", command: "pin", changed: true, replyId: expect.any(Number) as number }]);
        // The reply (the pass that follows applies the pin: the base holds 1.27.0, so the PR is closed as moot after it).
        const reply = s.repo.comments(pull?.number ?? 0).find((c) => c.body.includes("<!-- argocd-image-pr:reply "));
        expect(reply?.body).toContain("Pinned argocd\\/web\\-dev\\/web at 1\\.27\\.0.");
      } finally {
        await app.idle();
        app.stop();
      }
    } finally {
      await kube.close();
    }
  });

  it("a bad cron expression is refused naming SCHEDULE and the fix", () => {
    expect(() => startSchedule("every two minutes", async () => undefined)).toThrow(
      'SCHEDULE "every two minutes" is not a cron expression (write five fields, e.g. "*/2 * * * *" for every two minutes; "off" for webhooks only)',
    );
  });
});
