/**
 * Flux's HelmRelease (`helm.toolkit.fluxcd.io/*`): a manifest whose `spec.values` are the chart's
 * Helm values. The helm editor reads them there (explicit keys relative to `spec.values`, or, as
 * people also write them, from the document root), and so does the manifest editor, so a repo
 * config naming the file without `kind:` edits it too.
 */
import type { Document } from "yaml";

import type { ImageLocator } from "./editor.js";
import { get, getScalar, scalarString, type Source } from "./yaml-text.js";

const VALUES_PREFIX = "spec.values.";

/** Whether the document is a Flux HelmRelease. */
export function isHelmRelease(doc: Document.Parsed, source: Source): boolean {
  const kind = getScalar(doc.contents, "kind", doc);
  const apiVersion = getScalar(doc.contents, "apiVersion", doc);
  return (
    kind !== undefined &&
    apiVersion !== undefined &&
    scalarString(kind, source.text) === "HelmRelease" &&
    (scalarString(apiVersion, source.text) ?? "").startsWith("helm.toolkit.fluxcd.io/")
  );
}

/** The values of a HelmRelease document (`spec.values`), or undefined when it has none. */
export function helmReleaseValues(doc: Document.Parsed): unknown {
  return get(get(doc.contents, "spec", doc), "values", doc);
}

/** Explicit keys written from the document root (`spec.values.image.tag`) made relative to `spec.values`. */
export function relativeToValues(locator: ImageLocator): ImageLocator {
  const keys = locator.helm;
  if (keys === null) return locator;
  const strip = (key: string | null): string | null =>
    key !== null && key.startsWith(VALUES_PREFIX) ? key.slice(VALUES_PREFIX.length) : key;
  return { ...locator, helm: { imageName: strip(keys.imageName), imageTag: strip(keys.imageTag), imageSpec: strip(keys.imageSpec) } };
}
