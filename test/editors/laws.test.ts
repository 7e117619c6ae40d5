/**
 * The editor laws over generated files: random layout (indent, sequence style, quotes, comments,
 * blank lines, CRLF, BOM, trailing newline or none) around a random image in every format.
 * Only the scalar's bytes change; twice equals once; the value already there changes nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readImage, writeImage, type ImageLocator } from "../../src/editors/index.js";
import { readsAsString } from "../../src/editors/yaml-text.js";
import { expectOnlySpansChanged, locator } from "./support.js";

interface Layout {
  indent: number;
  seqIndent: number;
  eol: "\n" | "\r\n";
  bom: boolean;
  trailingNewline: boolean;
  quote: "" | '"' | "'";
  comment: boolean;
  blank: boolean;
}

const layoutArb: fc.Arbitrary<Layout> = fc.record({
  indent: fc.constantFrom(2, 4),
  seqIndent: fc.constantFrom(0, 2),
  eol: fc.constantFrom("\n" as const, "\r\n" as const),
  bom: fc.boolean(),
  trailingNewline: fc.boolean(),
  quote: fc.constantFrom("" as const, '"' as const, "'" as const),
  comment: fc.boolean(),
  blank: fc.boolean(),
});

const tagArb = fc.oneof(
  fc.constantFrom("1.27", "10", "true", "null", "1e3", "0x1F", "0X1F", "0B1", "0O17", "1_000", "1.", "On", "v1.2.3", "latest"),
  fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,15}$/),
);
const digestArb = fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`);
const repoArb = fc.constantFrom("nginx", "ghcr.io/acme/app", "registry.local:5000/team/api", "quay.io/org/img");

function render(lines: string[], layout: Layout): string {
  const body = lines.join(layout.eol);
  return `${layout.bom ? "\uFEFF" : ""}${body}${layout.trailingNewline ? layout.eol : ""}`;
}

/**
 * Plain when every YAML reader (1.2, 1.1, Go's) reads it back as the same string: a plain `null`
 * tag is a null, and a plain `0X1F` a number to Helm, not a tag.
 */
function quoted(value: string, layout: Layout): string {
  const quote = layout.quote === "" && !readsAsString(value) ? '"' : layout.quote;
  return `${quote}${value}${quote}`;
}

function note(layout: Layout, text: string): string {
  return layout.comment ? ` # ${text}` : "";
}

interface Generated {
  text: string;
  at: ImageLocator;
}

const kustomizeArb = fc
  .record({
    layout: layoutArb,
    repo: repoArb,
    tag: tagArb,
    others: fc.integer({ min: 0, max: 3 }),
    position: fc.nat(3),
    viaNewName: fc.boolean(),
  })
  .map(({ layout, repo, tag, others, position, viaNewName }): Generated => {
    const pad = " ".repeat(layout.seqIndent);
    const key = " ".repeat(layout.seqIndent + 2);
    const entries: string[][] = Array.from({ length: others }, (_, index) => [`${pad}- name: other-${index}`, `${key}newTag: v${index}`]);
    const target = viaNewName
      ? [
          `${pad}- name: app${note(layout, "base name")}`,
          `${key}newName: ${repo}`,
          `${key}newTag: ${quoted(tag, layout)}${note(layout, "pinned")}`,
        ]
      : [`${pad}- name: ${repo}`, `${key}newTag: ${quoted(tag, layout)}${note(layout, "pinned")}`];
    entries.splice(Math.min(position, entries.length), 0, target);
    const lines = [
      "apiVersion: kustomize.config.k8s.io/v1beta1",
      "kind: Kustomization",
      ...(layout.blank ? [""] : []),
      "resources:",
      `${pad}- deployment.yaml`,
      `images:${note(layout, "managed")}`,
      ...entries.flatMap((entry, index) => (layout.blank && index > 0 ? ["", ...entry] : entry)),
    ];
    return { text: render(lines, layout), at: locator("kustomize", repo) };
  });

const helmArb = fc
  .record({ layout: layoutArb, repo: repoArb, tag: tagArb, depth: fc.integer({ min: 0, max: 3 }), explicit: fc.boolean() })
  .map(({ layout, repo, tag, depth, explicit }): Generated => {
    const unit = " ".repeat(layout.indent);
    const parents = Array.from({ length: depth }, (_, index) => `level${index}`);
    const lines = parents.map((name, index) => `${unit.repeat(index)}${name}:`);
    const inner = unit.repeat(depth);
    lines.push(
      `${inner}image:${note(layout, "the app")}`,
      `${inner}${unit}repository: ${repo}`,
      ...(layout.blank ? [""] : []),
      `${inner}${unit}tag: ${quoted(tag, layout)}${note(layout, "app version")}`,
      `${inner}${unit}pullPolicy: IfNotPresent`,
      "replicaCount: 1",
    );
    const path = [...parents, "image"].join(".");
    const at = explicit
      ? locator("helm", repo, { helm: { imageName: `${path}.repository`, imageTag: `${path}.tag` } })
      : locator("helm", repo);
    return { text: render(lines, layout), at };
  });

const manifestArb = fc
  .record({ layout: layoutArb, repo: repoArb, tag: tagArb, docs: fc.integer({ min: 1, max: 3 }), matches: fc.integer({ min: 1, max: 3 }) })
  .map(({ layout, repo, tag, docs, matches }): Generated => {
    const u = " ".repeat(layout.indent);
    const pad = " ".repeat(layout.seqIndent);
    const doc = (index: number): string[] => [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata:",
      `${u}name: web-${index}`,
      "spec:",
      `${u}template:`,
      `${u}${u}spec:`,
      `${u}${u}${u}containers:`,
      ...Array.from({ length: matches }, (_, c) => [
        `${u}${u}${u}${pad}- name: c${c}`,
        `${u}${u}${u}${pad}  image: ${quoted(`${repo}:${tag}`, layout)}${note(layout, "pinned")}`,
      ]).flat(),
    ];
    const lines = Array.from({ length: docs }, (_, index) => doc(index)).flatMap((each, index) => (index === 0 ? each : ["---", ...each]));
    return { text: render(lines, layout), at: locator("manifest", repo) };
  });

const applicationArb = fc
  .record({ layout: layoutArb, repo: repoArb, tag: tagArb, helm: fc.boolean() })
  .map(({ layout, repo, tag, helm }): Generated => {
    const u = " ".repeat(layout.indent);
    const pad = " ".repeat(layout.seqIndent);
    const source = helm
      ? [
          `${u}${u}helm:`,
          `${u}${u}${u}parameters:`,
          `${u}${u}${u}${pad}- name: image.repository`,
          `${u}${u}${u}${pad}  value: ${repo}`,
          `${u}${u}${u}${pad}- name: image.tag`,
          `${u}${u}${u}${pad}  value: ${quoted(tag, layout)}${note(layout, "tag")}`,
        ]
      : [
          `${u}${u}kustomize:`,
          `${u}${u}${u}images:`,
          `${u}${u}${u}${pad}- ${quoted(`app=${repo}:${tag}`, layout)}${note(layout, "image")}`,
        ];
    const lines = [
      "apiVersion: argoproj.io/v1alpha1",
      "kind: Application",
      "metadata:",
      `${u}name: demo`,
      "spec:",
      `${u}source:`,
      `${u}${u}repoURL: https://github.com/acme/gitops.git`,
      ...source,
    ];
    return { text: render(lines, layout), at: locator("application", repo, { appName: "demo" }) };
  });

const generatedArb = fc.oneof(kustomizeArb, helmArb, manifestArb, applicationArb);

describe("editor laws over generated files", () => {
  it("only the scalar's bytes change, twice equals once, re-read confirms", () => {
    fc.assert(
      fc.property(generatedArb, tagArb, fc.option(digestArb, { nil: null }), ({ text, at }, tag, digest) => {
        const file = "generated.yaml";
        const before = readImage(text, file, at);
        expect(before).not.toBeNull();
        // Kustomize and Helm entries here have no digest key: adding one inserts a key, which the
        // unit tests pin exactly; the splice law is for edits that keep the file's shape.
        const to = { tag, digest: at.kind === "kustomize" || at.kind === "helm" ? null : digest };
        const once = writeImage(text, file, at, to);
        expect(readImage(once, file, at)).toMatchObject(to);
        expect(writeImage(once, file, at, to)).toBe(once);
        expectOnlySpansChanged(text, once, file, at);
      }),
      { numRuns: 400 },
    );
  });

  it("writing the value already there returns the identical string", () => {
    fc.assert(
      fc.property(generatedArb, ({ text, at }) => {
        const found = readImage(text, "generated.yaml", at);
        expect(writeImage(text, "generated.yaml", at, { tag: found?.tag ?? null, digest: found?.digest ?? null })).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it("kustomize: writing a missing image twice adds one entry, never a second", () => {
    fc.assert(
      fc.property(kustomizeArb, tagArb, ({ text }, tag) => {
        const at = locator("kustomize", "ghcr.io/newcomer/img", { createIfMissing: true });
        const once = writeImage(text, "k.yaml", at, { tag, digest: null });
        expect(writeImage(once, "k.yaml", at, { tag, digest: null })).toBe(once);
        expect(once.startsWith(text)).toBe(true);
        expect(once.split("ghcr.io/newcomer/img").length).toBe(2);
        expect(readImage(once, "k.yaml", at)).toMatchObject({ tag, digest: null, occurrences: 1 });
      }),
      { numRuns: 200 },
    );
  });
});
