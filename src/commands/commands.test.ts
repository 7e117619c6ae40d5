import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  helpReply,
  malformedReply,
  parseComment,
  quoteInput,
  refusalReply,
  resolveCommandTarget,
  unknownTagReply,
  unknownTargetReply,
  type ParsedComment,
} from "./index.js";

const USER = { type: "User" } as const;

function command(body: string, place: "pull-request" | "dashboard" = "pull-request"): ParsedComment {
  return parseComment(body, USER, place);
}

describe("parseComment", () => {
  it.each([
    ["/pin 1.27.3", { kind: "pin", target: null, tag: "1.27.3" }],
    ["/pin   v2.0.0-rc.1  ", { kind: "pin", target: null, tag: "v2.0.0-rc.1" }],
    ["thanks!\n/unpin", { kind: "unpin", target: null }],
    ["/rollback", { kind: "rollback" }],
    ["/recheck", { kind: "recheck", target: null }],
    ["/help", { kind: "help" }],
    ["   /help", { kind: "help" }],
    ["/pin my-app-dev/web 1.27.3", { kind: "pin", target: { namespace: null, application: "my-app-dev", alias: "web" }, tag: "1.27.3" }],
    [
      "/pin argocd/my-app-dev/web 1.27.3",
      { kind: "pin", target: { namespace: "argocd", application: "my-app-dev", alias: "web" }, tag: "1.27.3" },
    ],
    ["/pin 1.0\r\n/unpin", { kind: "pin", target: null, tag: "1.0" }],
  ])("%j on a pull request → %j", (body, expected) => {
    expect(command(body)).toMatchObject({ kind: "command", command: expected });
  });

  it.each([
    ["/pin my-app-dev/web 1.27.3", { kind: "pin", target: { namespace: null, application: "my-app-dev", alias: "web" }, tag: "1.27.3" }],
    ["/unpin ns/app/web", { kind: "unpin", target: { namespace: "ns", application: "app", alias: "web" } }],
    ["/recheck", { kind: "recheck", target: null }],
    ["/recheck app/web", { kind: "recheck", target: { namespace: null, application: "app", alias: "web" } }],
  ])("%j on the dashboard → %j", (body, expected) => {
    expect(command(body, "dashboard")).toMatchObject({ kind: "command", command: expected });
  });

  it.each([
    ["> /pin 1.2.3", "a quote"],
    [">/pin 1.2.3", "a quote without space"],
    ["  > > /pin 1.2.3", "a nested quote"],
    ["```\n/pin 1.2.3\n```", "a fenced code block"],
    ["~~~~\n/pin 1.2.3\n~~~\n```\n~~~~", "a fence closes only on its own kind and length"],
    ["    /pin 1.2.3", "indented code"],
    ["please /pin 1.2.3", "not at the start of a line"],
    ["`/pin 1.2.3`", "inline code"],
    ["<!--\n/pin 1.2.3\n-->", "an HTML comment"],
    ["<!-- /pin 1.2.3 -->", "a one-line HTML comment"],
    ["/pinned 1.2.3", "another word"],
    ["/deploy prod", "another tool's command"],
    ["/PIN 1.2.3", "upper case"],
    ["", "nothing"],
  ])("%j is no command (%s)", (body) => {
    expect(command(body)).toEqual({ kind: "none" });
  });

  it("reads the command after a closed fence and a closed HTML comment", () => {
    expect(command("```\n/pin 1\n```\n<!--\nx\n-->\n/pin 2")).toMatchObject({ kind: "command", command: { tag: "2" }, line: 7 });
  });

  it.each(["Bot", "Organization", "Mannequin"])("a %s author never commands", (type) => {
    expect(parseComment("/pin 1.2.3", { type }, "pull-request")).toEqual({ kind: "none" });
  });

  it.each([
    ["/pin", "pull-request", "/pin needs a tag", "/pin <tag>"],
    ["/pin 1.2.3 4.5.6", "pull-request", "the target is not", "/pin <tag>"],
    ["/pin a/b/c/d 1.0", "pull-request", "the target is not", "/pin <tag>"],
    ["/pin -bad", "pull-request", "not a valid OCI tag", "/pin <tag>"],
    [`/pin ${"a".repeat(129)}`, "pull-request", "not a valid OCI tag", "/pin <tag>"],
    ["/pin 1.2.3;rm", "pull-request", "not a valid OCI tag", "/pin <tag>"],
    ["/pin <b>x</b>", "pull-request", "not a valid OCI tag", "/pin <tag>"],
    ["/pin 1.27.3", "dashboard", "needs the target and a tag", "/pin <application>/<alias> <tag>"],
    ["/unpin", "dashboard", "needs the target", "/unpin <application>/<alias>"],
    ["/unpin a b", "pull-request", "at most a target", "/unpin"],
    ["/help me", "pull-request", "takes no arguments", "/help"],
    ["/rollback", "dashboard", "merged update pull request", "/rollback"],
    ["/recheck web/x/y/z", "dashboard", "the target is not", "/recheck [<application>/<alias>]"],
  ] as const)("%j on %s is malformed: %s", (body, place, problem, usage) => {
    const parsed = command(body, place);
    expect(parsed).toMatchObject({ kind: "malformed", usage, line: 1 });
    expect(parsed.kind === "malformed" && parsed.problem).toContain(problem);
  });

  it("a repo-config target may use upper case and underscores (its name's alphabet)", () => {
    expect(command("/pin Web_App/x 1.0", "dashboard")).toMatchObject({
      kind: "command",
      command: { target: { application: "Web_App", alias: "x" } },
    });
  });

  it("64 KB of markdown, HTML and mentions: no crash, no command; over 64 KB is not read", () => {
    const noise = "> /pin 1\n<div>@team #1 **x**</div>\n```\n".repeat(1_500).slice(0, 65_530);
    expect(noise.length).toBeLessThanOrEqual(65_536);
    expect(command(noise)).toEqual({ kind: "none" });
    expect(command(`${"x".repeat(65_537)}\n/pin 1.0`)).toEqual({ kind: "none" });
    expect(command(`${"a ".repeat(30_000)}\n/pin 1.0`)).toMatchObject({ kind: "command", line: 2 });
  });

  it("property: a quoted or fenced command line is never a command, whatever surrounds it", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom("> /pin 1.0", "```\n/pin 1.0\n```"), (before, wrapped) => {
        const safeBefore = before.replace(/`{3,}|~{3,}|<!--|\//g, "");
        expect(command(`${safeBefore}\n${wrapped}`)).toEqual({ kind: "none" });
      }),
    );
  });

  it("property: any text parses without throwing, and a command's tag is always a valid tag", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500, unit: "grapheme" }), (body) => {
        const parsed = command(`/pin ${body}`);
        if (parsed.kind === "command" && parsed.command.kind === "pin")
          expect(parsed.command.tag).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/);
      }),
    );
  });
});

describe("resolveCommandTarget", () => {
  const ids = ["argocd/web/nginx", "team-a/web/nginx", "argocd/api/app", "site/nginx"];
  it.each([
    [
      { namespace: "team-a", application: "web", alias: "nginx" },
      { kind: "found", id: "team-a/web/nginx" },
    ],
    [
      { namespace: null, application: "api", alias: "app" },
      { kind: "found", id: "argocd/api/app" },
    ],
    [
      { namespace: null, application: "site", alias: "nginx" },
      { kind: "found", id: "site/nginx" },
    ],
    [
      { namespace: null, application: "web", alias: "nginx" },
      { kind: "ambiguous", ids: ["argocd/web/nginx", "team-a/web/nginx"] },
    ],
    [{ namespace: "other", application: "web", alias: "nginx" }, { kind: "unknown" }],
    [{ namespace: null, application: "nope", alias: "x" }, { kind: "unknown" }],
  ])("%j → %j", (target, expected) => {
    expect(resolveCommandTarget(target, ids)).toEqual(expected);
  });
});

describe("replies never echo input unescaped", () => {
  const hostile = [
    "@octocat",
    "<img src=x onerror=alert(1)>",
    "[x](https://evil.example)",
    "#1",
    "\u202e\u0007\u001b[2J",
    "**bold** `code` |a|b|",
    "x".repeat(10_000),
  ];
  it.each(hostile.map((value) => [value.slice(0, 40), value]))("%j", (_label, value) => {
    const replies = [
      unknownTargetReply(value, []),
      unknownTargetReply(value, [value]),
      unknownTagReply(value, value),
      refusalReply(value),
      quoteInput(value),
    ];
    for (const reply of replies) {
      expect(reply).not.toMatch(/@[A-Za-z0-9]/);
      expect(reply).not.toContain("<img");
      expect(reply).not.toMatch(/\]\(/);
      expect(reply).not.toMatch(/(^|[^\\])#1/);
      expect(reply).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
      expect(reply.length).toBeLessThan(3_000);
    }
  });

  it("the malformed reply names the problem and the usage", () => {
    const parsed = parseComment("/pin", USER, "dashboard");
    if (parsed.kind !== "malformed") throw new Error("expected malformed");
    expect(malformedReply(parsed)).toBe(
      "Nothing changed: /pin on the dashboard needs the target and a tag.\n\nUsage: `/pin <application>/<alias> <tag>`\n\nComment `/help` for every command.",
    );
  });

  it("help lists every command with its usage for the place", () => {
    expect(helpReply("dashboard")).toContain("`/pin <application>/<alias> <tag>`");
    expect(helpReply("pull-request")).toContain("`/pin <tag>`");
    for (const name of ["/pin", "/unpin", "/rollback", "/recheck", "/help"]) expect(helpReply("pull-request")).toContain(name);
  });
});
