import { describe, expect, it } from "vitest";
import { renderBox } from "../dashboard/index.js";
import { DASHBOARD_LABEL, DASHBOARD_MARKER } from "../plan/index.js";
import { dashboardEditOf } from "./dashboard-edits.js";

const BOT = "argocd-image-pr[bot]";
const before = `${DASHBOARD_MARKER}\n\n${renderBox("recheck", "argocd/app/web", "recheck")}\n`;
const after = before.replace("- [ ]", "- [x]");

function payload(overrides: { [key: string]: unknown } = {}, issue: { [key: string]: unknown } = {}): Record<string, unknown> {
  return {
    action: "edited",
    installation: { id: 77 },
    repository: { full_name: "acme/gitops" },
    sender: { login: "maria", type: "User" },
    changes: { body: { from: before } },
    issue: {
      number: 3,
      html_url: "https://github.com/acme/gitops/issues/3",
      user: { login: BOT, type: "Bot" },
      labels: [{ name: DASHBOARD_LABEL }],
      body: after,
      updated_at: "2026-12-02T01:00:00Z",
      ...issue,
    },
    ...overrides,
  };
}

describe("dashboardEditOf", () => {
  it("a person's tick on the app's dashboard → the editor, the issue and the ticks", () => {
    expect(dashboardEditOf(payload(), BOT)).toEqual({
      trigger: { installationId: 77, owner: "acme", repo: "gitops" },
      issueNumber: 3,
      issueUrl: "https://github.com/acme/gitops/issues/3",
      editLink: "https://github.com/acme/gitops/issues/3#dashboard-edit-2026-12-02T01%3A00%3A00Z",
      editor: "maria",
      ticks: [{ action: "recheck", target: "argocd/app/web" }],
    });
  });

  it.each([
    ["the app's own edit", payload({ sender: { login: BOT, type: "Bot" } })],
    ["another bot's edit", payload({ sender: { login: "renovate[bot]", type: "Bot" } })],
    ["an issue someone else opened", payload({}, { user: { login: "mallory", type: "User" } })],
    ["without the dashboard label", payload({}, { labels: [] })],
    ["a body without the marker", payload({}, { body: after.replace(DASHBOARD_MARKER, "") })],
    ["a pull request", payload({}, { pull_request: { url: "x" } })],
    ["a title edit (no body change)", payload({ changes: { title: { from: "old" } } })],
    ["nothing newly ticked", payload({ changes: { body: { from: after } } })],
    ["another action", payload({ action: "opened" })],
    ["no installation", payload({ installation: undefined })],
  ])("%s → nothing", (_name, event) => {
    expect(dashboardEditOf(event, BOT)).toBeNull();
  });

  it("without the app's login known, the dashboard is an issue a bot opened", () => {
    expect(dashboardEditOf(payload(), null)?.editor).toBe("maria");
    expect(dashboardEditOf(payload({}, { user: { login: "mallory", type: "User" } }), null)).toBeNull();
  });
});
