import { describe, expect, it } from "vitest";
import { triggersOf } from "../../src/app/index.js";
import type { FakeGitHub } from "../support/fake-github/index.js";
import type { TestRegistry } from "../support/registry.js";
import { DEV_FILE, kustomization, startScenario } from "./support-scenario.js";
import { startApp } from "./support-app.js";
import { useFakeGitHubAndRegistry } from "./support.js";

let fake: FakeGitHub;
let registry: TestRegistry;
useFakeGitHubAndRegistry((started) => ({ fake, registry } = started));

describe("argocd-image-pr run: webhooks → debounced passes", () => {
  it("installation → PR; the app's own events start no pass; a merge and a push to main → the next pass writes nothing but the dashboard's new line; a newer tag with a push → the PR", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    const app = await startApp(fake, { debounceMs: 1_500 });
    const installed = {
      action: "added",
      installation: { id: 77 },
      repositories_added: [{ full_name: s.fullName }],
      sender: { login: "octocat" },
    };
    // A burst of deliveries becomes one pass.
    await Promise.all([
      app.deliver({ name: "installation_repositories", payload: installed }),
      app.deliver({ name: "installation_repositories", payload: installed }),
    ]);
    await app.idle(1);
    expect(app.passes).toEqual([`${s.fullName} create`]);
    expect(s.repo.pulls()).toHaveLength(1);

    // Everything the app's writes made GitHub send: none asks for a pass.
    const own = fake.events();
    expect(own.length).toBeGreaterThan(0);
    fake.resetEvents();
    for (const event of own) await app.deliver(event);
    await app.idle();
    expect(app.passes).toHaveLength(1);

    await s.repo.mergePull(1, { by: "octocat" });
    const merged = fake.events();
    fake.resetEvents();
    fake.resetLog();
    for (const event of merged) await app.deliver(event);
    await app.idle(2);
    expect(app.passes.slice(1)).toEqual([`${s.fullName} nothing`]);
    // No PR action; the dashboard's one edit: the target is up to date now.
    expect(fake.writes().map((w) => `${w.method} ${w.operationId}`)).toEqual(["PATCH issues/update"]);
    expect(s.repo.issues().find((i) => !i.isPull)?.body).toContain("- up to date:");

    await s.push("1.27.4");
    await s.repo.push("main", { "README.md": "# a push\n" }, { author: "octocat" });
    const pushed = fake.events();
    fake.resetEvents();
    for (const event of pushed) await app.deliver(event);
    await app.idle(3);
    // The merged PR's branch was kept: the app adopts it for the new update (a new PR, not the merged one).
    expect(app.passes.slice(2)).toEqual([`${s.fullName} adopt`]);
    // (#2 is the dashboard issue.)
    expect(s.repo.pulls().map((p) => [p.number, p.state])).toEqual([
      [1, "closed"],
      [3, "open"],
    ]);
    expect(await s.repo.readFile("argocd-image-pr/web-dev", DEV_FILE)).toBe(kustomization(s.image, "1.27.4"));
    app.stop();
  }, 180_000);

  it.each([
    ["push to an app branch", "push", { ref: "refs/heads/argocd-image-pr/x" }, 0],
    ["push to main", "push", { ref: "refs/heads/main" }, 1],
    ["push to the state branch (a command or a pass stored the state)", "push", { ref: "refs/heads/argocd-image-pr/state" }, 0],
    ["a person's push to the state branch", "push", { ref: "refs/heads/argocd-image-pr/state", sender: { login: "alice" } }, 0],
    ["a PR opened (the app's own doing)", "pull_request", { action: "opened", pull_request: { head: { ref: "argocd-image-pr/x" } } }, 0],
    ["a person's label", "pull_request", { action: "labeled", pull_request: { head: { ref: "argocd-image-pr/x" } } }, 1],
    ["a label on someone else's PR", "pull_request", { action: "labeled", pull_request: { head: { ref: "feature" } } }, 0],
    ["checks completed on an app branch", "check_suite", { action: "completed", check_suite: { head_branch: "argocd-image-pr/x" } }, 1],
    ["a status on an app branch", "status", { branches: [{ name: "argocd-image-pr/x" }] }, 1],
    [
      "the app's own label",
      "pull_request",
      { action: "labeled", pull_request: { head: { ref: "argocd-image-pr/x" } }, sender: { login: "app[bot]" } },
      0,
    ],
  ])("%s → %s pass(es)", (_, event, payload, expected) => {
    const full = { installation: { id: 1 }, repository: { full_name: "acme/gitops" }, sender: { login: "octocat" }, ...payload };
    expect(triggersOf(event, full, "app[bot]")).toHaveLength(expected);
  });
});
