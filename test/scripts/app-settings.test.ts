/**
 * `.env.example` lists every setting (issue 9: "`.env.example` lists every setting"), and app.yml
 * subscribes to every event the app handles: both read from the code, so a new setting or
 * event that is not written down fails here.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMENT_EVENTS } from "../../src/app/comment-app.js";
import { TRIGGER_EVENTS } from "../../src/app/triggers.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [file] : [];
  });
}

function matches(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1] ?? "");
}

/** Environment variables our code reads (each way it reads them), and those Probot's `run` and setup flow read. */
function settingsRead(): string[] {
  const ours = sources(path.join(ROOT, "src")).flatMap((file) => {
    const text = readFileSync(file, "utf8");
    return [
      ...matches(text, /env\["([A-Z][A-Z0-9_]*)"\]/g),
      ...matches(text, /value\(env, "([A-Z][A-Z0-9_]*)"\)/g),
      ...matches(text, /fromEnv\("([A-Z][A-Z0-9_]*)"/g),
      ...matches(text, /"(ARGOCD_IMAGE_PR_[A-Z0-9_]+)"/g),
    ];
  });
  const probot = [
    ...matches(readFileSync(path.join(ROOT, "node_modules/probot/lib/bin/read-env-options.js"), "utf8"), /env\.([A-Z][A-Z0-9_]*)/g),
    ...matches(readFileSync(path.join(ROOT, "node_modules/probot/lib/apps/setup.js"), "utf8"), /process\.env\.([A-Z][A-Z0-9_]*)/g),
  ];
  // PROJECT_DOMAIN is set by Glitch, Probot's old hosting, not by a user.
  return [...new Set([...ours, ...probot])].filter((name) => name !== "PROJECT_DOMAIN").sort();
}

describe(".env.example", () => {
  it("lists every setting the app and Probot read (as NAME= or a commented # NAME=)", () => {
    const example = readFileSync(path.join(ROOT, ".env.example"), "utf8");
    const listed = new Set(matches(example, /^#?\s*([A-Z][A-Z0-9_]*)=/gm));
    const read = settingsRead();
    expect(read).toEqual(
      expect.arrayContaining(["SCHEDULE", "GHE_HOST", "GHE_PROTOCOL", "APP_ID", "ARGOCD_IMAGE_PR_REGISTRIES", "NO_SMEE_SETUP"]),
    );
    expect(read.filter((name) => !listed.has(name))).toEqual([]);
  });
});

describe("app.yml", () => {
  const manifest = parse(readFileSync(path.join(ROOT, "app.yml"), "utf8")) as {
    default_events: string[];
    default_permissions: Record<string, string>;
  };

  it("subscribes to every event the app handles (installation events come to every app unasked)", () => {
    const handled: readonly string[] = [...TRIGGER_EVENTS, ...COMMENT_EVENTS];
    const needed = handled.filter((event) => event !== "installation" && event !== "installation_repositories");
    expect(needed).toContain("issue_comment");
    expect(needed.filter((event) => !manifest.default_events.includes(event))).toEqual([]);
  });

  it("asks for the permissions its events and writes need, no admin", () => {
    expect(manifest.default_permissions).toMatchObject({
      metadata: "read",
      contents: "write",
      pull_requests: "write",
      issues: "write",
      checks: "read",
      statuses: "read",
    });
    expect(Object.values(manifest.default_permissions).filter((level) => level === "admin")).toEqual([]);
  });
});
