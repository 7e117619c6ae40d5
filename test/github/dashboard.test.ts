/**
 * The dashboard issue end to end: the fake GitHub and a real registry, passes as the app runs them.
 */
import { describe, expect, it } from "vitest";
import { DASHBOARD_LABEL, DASHBOARD_MARKER } from "../../src/plan/index.js";
import type { FakeGitHub } from "../support/fake-github/index.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { application, kustomization, startScenario } from "./support-scenario.js";
import { clientFor, useFakeGitHubAndRegistry, writeSequence } from "./support.js";

let fake: FakeGitHub;
let registry: TestRegistry;
useFakeGitHubAndRegistry((started) => ({ fake, registry } = started));

function dashboards(repo: {
  issues(): { labels: readonly string[]; isPull: boolean; state: string; body: string | null; number: number }[];
}) {
  return repo.issues().filter((i) => !i.isPull && i.labels.includes(DASHBOARD_LABEL));
}

describe("the dashboard issue", () => {
  it("the first pass opens it listing every target; a second pass writes nothing; a new tag edits it once", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"], prod: true, dashboard: true });
    fake.resetLog();
    const first = await s.pass();
    expect(first.dashboard).toMatchObject({ ok: true });
    const writes = writeSequence(fake);
    expect(writes.slice(-2)).toEqual(["POST issues/create-label", "POST issues/create"]);
    const [issue, ...others] = dashboards(s.repo);
    expect(others).toEqual([]);
    expect(issue?.state).toBe("open");
    const body = issue?.body ?? "";
    expect(body.startsWith(DASHBOARD_MARKER)).toBe(true);
    // One PR per Application, each shown on its targets.
    const open = s.repo.pulls().filter((p) => p.state === "open");
    expect(open).toHaveLength(2);
    const prOf = (app: string): number | undefined => open.find((p) => p.head === `argocd-image-pr/${app}`)?.number;
    const dev = body.indexOf(`- on main: 1\\.27\\.0\n- newest eligible: **1\\.27\\.3** in #${prOf("web-dev")}\n`);
    const prod = body.indexOf(`- on main: 1\\.27\\.0\n- newest eligible: **1\\.27\\.3** in #${prOf("web-prod")}\n`);
    expect(body.indexOf("### Application argocd\\/web\\-dev")).toBeLessThan(dev);
    expect(dev).toBeLessThan(body.indexOf("### Application argocd\\/web\\-prod"));
    expect(body.indexOf("### Application argocd\\/web\\-prod")).toBeLessThan(prod);
    expect(body).toContain("- on main: 1\\.27\\.0");
    expect(first.dashboard?.number).toBe(issue?.number);

    fake.resetLog();
    const second = await s.pass();
    expect(second.dashboard).toEqual({ number: issue?.number, writes: [], ok: true });
    expect(writeSequence(fake)).toEqual([]);
    // Its one read is conditional: once the app has read the issue it wrote, nothing changed is a 304.
    fake.resetLog();
    await s.pass();
    expect(writeSequence(fake)).toEqual([]);
    const reads = fake.requests.filter((r) => r.operationId === "issues/list-for-repo");
    expect(reads.map((r) => r.status)).toEqual([304]);

    await s.push("1.27.4");
    fake.resetLog();
    await s.pass();
    const edits = writeSequence(fake).filter((w) => w.startsWith("PATCH issues/update"));
    expect(edits).toEqual(["PATCH issues/update"]);
    const [edited] = dashboards(s.repo);
    expect(edited?.body).toContain("**1\\.27\\.4** in #");
    fake.resetLog();
    await s.pass();
    expect(writeSequence(fake)).toEqual([]);
  });

  it("an issue a person opened with the label and marker is not the dashboard; of two the app opened, the oldest is kept", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0"], dashboard: true });
    const forged = s.repo.openIssue("mallory", "argocd-image-pr dashboard", `${DASHBOARD_MARKER}\n- [ ] fake`, [DASHBOARD_LABEL]);
    const client = clientFor(fake);
    const [owner = "", repo = ""] = s.fullName.split("/");
    const made: number[] = [];
    for (let i = 0; i < 2; i += 1)
      made.push(
        (
          await client.request("POST /repos/{owner}/{repo}/issues", {
            owner,
            repo,
            title: "d",
            body: `${DASHBOARD_MARKER}\nold`,
            labels: [DASHBOARD_LABEL],
          })
        ).data.number,
      );
    fake.resetLog();
    await s.pass();
    expect(writeSequence(fake)).toEqual(["POST issues/create-comment", "PATCH issues/update", "PATCH issues/update"]);
    const states = new Map(dashboards(s.repo).map((i) => [i.number, i.state]));
    expect([states.get(forged), states.get(made[0] ?? 0), states.get(made[1] ?? 0)]).toEqual(["open", "open", "closed"]);
    expect(s.repo.issues().find((i) => i.number === forged)?.body).toBe(`${DASHBOARD_MARKER}\n- [ ] fake`);
    expect(s.repo.issues().find((i) => i.number === made[0])?.body).toContain("- up to date:");
    expect(s.repo.comments(made[1] ?? 0).map((c) => c.body)).toEqual([expect.stringContaining(`The dashboard is #${made[0]}`)]);
  });

  it("--dry-run lists the writes and makes none", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"], dashboard: true });
    fake.resetLog();
    const report = await s.pass({ dryRun: true });
    expect(report.dashboard?.writes).toEqual([
      `POST /repos/${s.fullName}/labels — create label "argocd-image-pr:dashboard"`,
      `POST /repos/${s.fullName}/issues — open the dashboard`,
    ]);
    expect(fake.writes()).toEqual([]);
    expect(dashboards(s.repo)).toEqual([]);
  });

  it("a registry that refuses the app's credentials shows on the target with its fix; the other targets are listed as usual", async () => {
    const locked = await startRegistry({ auth: "htpasswd" });
    try {
      const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"], dashboard: true });
      const image = `${locked.host}/acme/api`;
      await s.repo.push("main", {
        "apps/api.yaml": application("api", s.fullName, "overlays/api", image, "~2.0"),
        "overlays/api/kustomization.yaml": kustomization(image, "2.0.0").replace("../../base", "deployment.yaml"),
        "overlays/api/deployment.yaml": `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ${image}:2.0.0\n`,
      });
      const report = await s.pass();
      expect(report.dashboard?.ok).toBe(true);
      const body = dashboards(s.repo)[0]?.body ?? "";
      const api = body.slice(body.indexOf("### Application argocd\\/api"), body.indexOf("### Application argocd\\/web\\-dev"));
      // The error and the fix its hint gives, escaped.
      expect(api).toContain(
        "- **error** (overlays\\/api\\/kustomization\\.yaml): " +
          `${locked.host.replace(/[.:]/g, "\\$&")}\\/acme\\/api\\: tags\\/list was refused \\(HTTP 401\\) \\(${locked.host.replace(/[.:]/g, "\\$&")} requires credentials\\: add them to registries\\.conf`,
      );
      expect(report.problems.map((p) => p.target)).toEqual(["argocd/api/web"]);
      expect(body).toContain("newest eligible: **1\\.27\\.3**");
    } finally {
      await locked.stop();
    }
  });

  it("an unreadable state file shows at the top with its fix; the targets are still listed", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0"], dashboard: true });
    await s.repo.push("argocd-image-pr/state", { "state.json": "{ not json" });
    await s.pass();
    const body = dashboards(s.repo)[0]?.body ?? "";
    const problems = body.indexOf("## Problems");
    expect(problems).toBeGreaterThan(0);
    expect(body).toContain(
      "state\\.json is not JSON \\(restore it from the branch\\'s history \\(git log on the state branch\\) or delete the branch to start over\\)",
    );
    // The pass reports it (and proposes nothing while it stands): a repository-level error.
    expect(body).toMatch(/^- \*\*error\*\*: [^\n]*state\\\.json is not JSON/m);
    expect(body).toContain("- could not be decided this pass");
    expect(problems).toBeLessThan(body.indexOf("### Application argocd\\/web\\-dev"));
  });

  it("a repo config that cannot be used shows at the top with its fix on the open dashboard; none is opened while it is broken", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0"], dashboard: true });
    await s.pass();
    await s.repo.push("main", { ".github/argocd-image-pr.yml": "version: 1\napplications: [apps]\nrebase: sometimes\n" });
    const report = await s.pass();
    const [problem] = report.problems.filter((p) => p.target === null || p.target === undefined);
    expect(problem?.message).toBeDefined();
    const body = dashboards(s.repo)[0]?.body ?? "";
    expect(body).toContain("- **error**: the repo config could not be read, so no pull request was changed this pass");
    expect(body).toContain(
      "- **error**: \\.github\\/argocd\\-image\\-pr\\.yml\\: rebase\\: Invalid option\\: expected one of &quot;conflicted&quot;\\|&quot;behind&quot;\\|&quot;never&quot; \\(see schema\\/argocd\\-image\\-pr\\.schema\\.json",
    );
    expect(body).toContain("## Targets\n\nNone read: the repo config above cannot be used.");
    expect(body.indexOf("## Problems")).toBeLessThan(body.indexOf("## Targets"));

    const fresh = await startScenario(fake, registry, {
      tags: ["1.27.0"],
      dashboard: true,
      config: "version: 1\napplications: [apps]\nrebase: sometimes\n",
    });
    await fresh.pass();
    expect(dashboards(fresh.repo)).toEqual([]);
  });

  it("dashboard: false in the repo config → the open dashboard is closed with a comment, once; then no more writes", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0"], dashboard: true });
    await s.pass();
    const [issue] = dashboards(s.repo);
    expect(issue?.state).toBe("open");
    expect(issue?.body).toContain("- up to date:");
    await s.repo.push("main", { ".github/argocd-image-pr.yml": "version: 1\napplications: [apps]\ndashboard: false\n" });
    fake.resetLog();
    await s.pass();
    expect(writeSequence(fake)).toEqual(["POST issues/create-comment", "PATCH issues/update"]);
    expect(dashboards(s.repo).map((i) => i.state)).toEqual(["closed"]);
    const comments = s.repo.comments(issue?.number ?? 0);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain("`dashboard: false`");
    fake.resetLog();
    await s.pass();
    expect(writeSequence(fake)).toEqual([]);
  });
});
