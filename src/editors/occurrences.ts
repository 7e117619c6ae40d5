/**
 * Occurrence builders shared by the editors: an image written as one string (`repo:tag@digest`,
 * `name=newName:tag`), and a tag held in its own scalar with an optional digest beside it.
 */
import type { Scalar } from "yaml";
import type { ErrorContext } from "../errors/index.js";
import { splitReference } from "../image-ref/index.js";
import type { ImageVersion, Occurrence, Span } from "./editor.js";
import { conflict, isMisreadPlain, replaceScalar, scalarString, type Replacement, type Source } from "./yaml-text.js";

export interface ImageString {
  /** `name=` of an Argo CD kustomize image override, or "" */
  readonly alias: string;
  readonly name: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

/** Split `[alias=]name[:tag][@digest]` without validating (the way Docker splits it). */
export function splitImageString(value: string, allowAlias: boolean): ImageString {
  let rest = value;
  let alias = "";
  const equals = allowAlias ? rest.indexOf("=") : -1;
  if (equals !== -1) {
    alias = rest.slice(0, equals + 1);
    rest = rest.slice(equals + 1);
  }
  return { alias, ...splitReference(rest) };
}

export function formatImageString(parts: ImageString): string {
  const tag = parts.tag === null ? "" : `:${parts.tag}`;
  const digest = parts.digest === null ? "" : `@${parts.digest}`;
  return `${parts.alias}${parts.name}${tag}${digest}`;
}

function spanOf(node: Scalar): Span[] {
  return node.range ? [{ start: node.range[0], end: node.range[1] }] : [];
}

/** An image written as one string scalar. `parts.name` may differ from the alias (Argo CD `a=b:t`). */
export function imageStringOccurrence(source: Source, node: Scalar, parts: ImageString, context: ErrorContext): Occurrence {
  const current = formatImageString(parts);
  return {
    name: parts.name,
    tag: parts.tag,
    digest: parts.digest,
    spans: spanOf(node),
    rewrite(to: ImageVersion): Replacement[] {
      const next = formatImageString({ ...parts, tag: to.tag ?? parts.tag, digest: to.digest });
      return next === current ? [] : [replaceScalar(source, node, next, context)];
    },
  };
}

/**
 * A tag in its own scalar (`tag: 1.2.3`, a Helm parameter's `value`), with the digest in a sibling
 * scalar when the file has one, else appended to the tag as `tag@digest`.
 */
export function tagOccurrence(source: Source, name: string, tagNode: Scalar, digestNode: Scalar | null, context: ErrorContext): Occurrence {
  const rawTag = scalarString(tagNode, source.text) ?? "";
  const misread = isMisreadPlain(tagNode, source.text);
  const rawDigest = digestNode === null ? "" : (scalarString(digestNode, source.text) ?? "");
  const embedded = digestNode === null ? rawTag.indexOf("@") : -1;
  const tag = (embedded === -1 ? rawTag : rawTag.slice(0, embedded)) || null;
  const digest = (embedded === -1 ? rawDigest : rawTag.slice(embedded + 1)) || null;
  return {
    name,
    tag,
    digest,
    spans: [...spanOf(tagNode), ...(digestNode === null ? [] : spanOf(digestNode))],
    rewrite(to: ImageVersion): Replacement[] {
      const nextTag = to.tag ?? tag;
      if (digestNode !== null) {
        const replacements: Replacement[] = [];
        if (nextTag !== null && (nextTag !== tag || misread)) replacements.push(replaceScalar(source, tagNode, nextTag, context));
        const nextDigest = to.digest ?? "";
        if (nextDigest !== rawDigest) replacements.push(replaceScalar(source, digestNode, nextDigest, context));
        return replacements;
      }
      if (nextTag === null) {
        throw conflict(
          "the file has no tag and no digest key to pin the digest to",
          context,
          "add a tag (or a digest key) next to the image, or write a tag as well",
        );
      }
      const next = to.digest === null ? nextTag : `${nextTag}@${to.digest}`;
      return next === rawTag && !misread ? [] : [replaceScalar(source, tagNode, next, context)];
    },
  };
}
