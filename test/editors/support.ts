/** Shared helpers for the editor tests: locators, fixture loading and the splice law. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { readImage, type FoundImage, type ImageLocator } from "../../src/editors/index.js";
import { parseImageRef } from "../../src/image-ref/index.js";
import type { HelmKeys, WriteKind } from "../../src/model/index.js";

export const FIXTURES = fileURLToPath(new URL("../__fixtures__/editors/", import.meta.url));

export function fixture(path: string): string {
  return readFileSync(`${FIXTURES}${path}`, "utf8");
}

export interface LocatorOptions {
  kustomizeImageName?: string;
  helm?: Partial<HelmKeys>;
  appName?: string;
  createIfMissing?: boolean;
}

export function locator(kind: WriteKind, image: string, options: LocatorOptions = {}): ImageLocator {
  return {
    kind,
    image: parseImageRef(image),
    kustomizeImageName: options.kustomizeImageName ?? null,
    helm:
      options.helm === undefined
        ? null
        : { imageName: options.helm.imageName ?? null, imageTag: options.helm.imageTag ?? null, imageSpec: options.helm.imageSpec ?? null },
    appName: options.appName ?? null,
    createIfMissing: options.createIfMissing ?? false,
  };
}

export const DIGEST_A = `sha256:${"a".repeat(64)}`;
export const DIGEST_B = `sha256:${"b".repeat(64)}`;

/**
 * The splice law: `edited` is `original` with exactly the scalar spans replaced, every other byte
 * identical. Holds whenever the edit keeps the file's shape (same spans before and after).
 */
export function expectOnlySpansChanged(original: string, edited: string, file: string, at: ImageLocator): void {
  const before = readImage(original, file, at);
  const after = readImage(edited, file, at);
  expect(before).not.toBeNull();
  expect(after).not.toBeNull();
  const old = (before as FoundImage).spans;
  const now = (after as FoundImage).spans;
  expect(now.length).toBe(old.length);
  let rebuilt = "";
  let cursor = 0;
  old.forEach((span, index) => {
    const replacement = now[index];
    if (replacement === undefined) throw new Error("span count changed");
    rebuilt += original.slice(cursor, span.start) + edited.slice(replacement.start, replacement.end);
    cursor = span.end;
  });
  rebuilt += original.slice(cursor);
  expect(rebuilt).toBe(edited);
}
