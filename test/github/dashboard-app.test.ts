/**
 * Ticks on the dashboard issue, through the Probot app with signed webhooks: the editor's
 * permission asked of the fake GitHub, the state stored on its branch, passes against a real registry.
 */
import { describe, expect, it } from "vitest";
import { createStateStore } from "../../src/github/index.js";
import { silentLogger } from "../../src/log/index.js";
import { DASHBOARD_LABEL } from "../../src/plan/index.js";
import type { State } from "../../src/state/index.js";
import type { FakeGitHub, FakeRepo } from "../support/fake-github/index.js";
import type { TestRegistry } from "../support/registry.js";
import { startApp } from "./support-app.js";
import { startScenario, type Scenario } from "./support-scenario.js";
import { clientFor, useFakeGitHubAndRegistry } from "./support.js";

let fake: FakeGitHub;
let registry: TestRegistry;
useFakeGitHubAndRegistry((started) => ({ fake, registry } = started));

const DEV = "argocd/web-dev/web";

async function startDashboardApp() {
  const app = await startApp(fake);
  return {
    deliver: app.deliver,
    passes: () => app.passes.length,
    /** Deliver every webhook the fake would have sent since the last call, then wait for the app; returns them. */
    async deliverAll() {
      const events = fake.events();
      fake.resetEvents();
      for (const event of events) await app.deliver(event);
      await app.idle();
      return events;
    },
    async install(fullName: string, expectedPasses: number): Promise<void> {
      await app.deliver({
        name: "installation_repositories",
        payload: { action: "added", installation: { id: 77 }, repositories_added: [{ full_name: fullName }], sender: { login: "octocat" } },
      });
      await app.idle(expectedPasses);
    },
    /** Waits (at most 10 s) until `count` passes have reported. */
    async untilPasses(count: number): Promise<void> {
      for (let i = 0; i < 400 && app.passes.length < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    },
    stop: app.stop,
  };
}

function dashboardOf(repo: FakeRepo) {
  const issue = repo.issues().find((i) => !i.isPull && i.labels.includes(DASHBOARD_LABEL) && i.state === "open");
  if (issue === undefined) throw new Error("no dashboard issue");
  return { number: issue.number, body: issue.body ?? "" };
}

function tick(body: string, action: "recheck" | "unpin", id: string): string {
  const marker = `- [ ] <!-- argocd-image-pr:box ${action} ${encodeURIComponent(id).replace(/-/g, "%2D")} -->`;
  expect(body).toContain(marker);
  return body.replace(marker, marker.replace("- [ ]", "- [x]"));
}

const audit = { at: "2026-12-01T10:00:00.000Z", link: "https://github.com/acme/gitops/issues/1#issuecomment-1" };

async function pinAndHold(s: Scenario): Promise<void> {
  const store = createStateStore({ client: clientFor(fake), owner: "acme", repo: s.fullName.split("/")[1] ?? "", log: silentLogger });
  await store.update((state: State) => ({
    state: {
      ...state,
      targets: {
        [DEV]: {
          pin: { tag: "1.27.0", by: "alice", why: "/pin web-dev/web 1.27.0", ...audit },
          holds: [{ above: "1.28.0", until: "newer", pr: null, by: "alice", why: "rolled back by hand", ...audit }],
          refused: [],
        },
      },
    },
    message: "test: pin and hold",
    result: null,
  }));
}

/** A scenario whose target is pinned and held, the app installed, its first pass done and its dashboard open. */
async function pinnedAndHeld() {
  const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
  await pinAndHold(s);
  const app = await startDashboardApp();
  await app.install(s.fullName, 1);
  await app.deliverAll();
  return { s, app, before: dashboardOf(s.repo) };
}

async function stateOf(s: Scenario): Promise<State> {
  return (
    await createStateStore({ client: clientFor(fake), owner: "acme", repo: s.fullName.split("/")[1] ?? "", log: silentLogger }).read()
  ).state;
}

describe("ticks on the dashboard", () => {
  it("a maintainer ticks recheck → a pass, which redraws the body unticked; the app's own edits start nothing", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    const app = await startDashboardApp();
    try {
      await app.install(s.fullName, 1);
      await app.deliverAll(); // the app's own events (its issue, its PR): no pass
      expect(app.passes()).toBe(1);
      const before = dashboardOf(s.repo);
      s.repo.setPermission("maria", "maintain");
      s.repo.editIssue(before.number, "maria", tick(before.body, "recheck", DEV));
      await app.deliverAll();
      await app.untilPasses(2);
      expect(app.passes()).toBe(2);
      expect(dashboardOf(s.repo).body).toBe(before.body);
      // The redraw is the app's own edit: delivered, it starts no pass.
      await app.deliverAll();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(app.passes()).toBe(2);
      expect(s.repo.comments(before.number)).toEqual([]);
    } finally {
      app.stop();
    }
  }, 60_000);

  it("a maintainer ticks lift the pin / hold on a pinned and held target → both lifted in the state, the editor recorded, the body redrawn; a redelivery changes nothing", async () => {
    const { s, app, before } = await pinnedAndHeld();
    try {
      expect(before.body).toContain("- pinned at **1\\.27\\.0** by alice");
      s.repo.setPermission("maria", "write");
      s.repo.editIssue(before.number, "maria", tick(before.body, "unpin", DEV));
      const edited = (await app.deliverAll()).filter((e) => e.name === "issues" && e.action === "edited");
      expect(edited).toHaveLength(1);
      await app.untilPasses(2);
      const target = (await stateOf(s)).targets[DEV];
      expect(target?.pin).toBeUndefined();
      expect(target?.holds[0]?.lifted).toMatchObject({ by: "maria", link: expect.stringContaining(`/issues/${before.number}`) });
      expect(s.git("log", "-1", "--format=%s%n%b", "argocd-image-pr/state").trim()).toMatch(
        new RegExp(`^unpin: ${DEV}\nBy maria at \\S+: \\S+/issues/${before.number}#dashboard-edit-\\S+$`),
      );
      const [reply] = s.repo.comments(before.number);
      expect(reply?.user).toBe(fake.botLogin);
      expect(reply?.body).toContain("Lifted argocd\\/web\\-dev\\/web (pin 1\\.27\\.0) (hold above 1\\.28\\.0)");
      expect(dashboardOf(s.repo).body).not.toContain("pinned at");
      // The same delivery again: nothing more to lift, nothing said, the state as it was.
      const lifted = await stateOf(s);
      for (const event of edited) await app.deliver(event);
      await app.untilPasses(3);
      expect(app.passes()).toBe(3);
      expect(s.repo.comments(before.number)).toHaveLength(1);
      expect(await stateOf(s)).toEqual(lifted);
    } finally {
      app.stop();
    }
  }, 60_000);

  it("a read-only user ticks → a polite refusal, the state unchanged, no pass", async () => {
    const { s, app, before } = await pinnedAndHeld();
    try {
      const stored = await stateOf(s);
      s.repo.setPermission("rita", "read");
      s.repo.editIssue(before.number, "rita", tick(tick(before.body, "unpin", DEV), "recheck", DEV));
      await app.deliverAll();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(app.passes()).toBe(1);
      expect(await stateOf(s)).toEqual(stored);
      expect(s.repo.comments(before.number).map((c) => [c.user, c.body])).toEqual([
        [
          fake.botLogin,
          "Sorry, rita: only people with write, maintain or admin permission on this repository can command the app. Nothing changed.",
        ],
      ]);
    } finally {
      app.stop();
    }
  }, 60_000);
});
