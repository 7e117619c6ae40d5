/**
 * Plain Kubernetes manifests: every `containers[].image`, `initContainers[].image` and
 * `ephemeralContainers[].image`, at any depth, in every document of the file. That covers every
 * workload kind (Deployment, StatefulSet, DaemonSet, Job, Pod, CronJob's jobTemplate, Argo Rollout,
 * a `List`…) without knowing any of them.
 */
import { isMap, isScalar, isSeq } from "yaml";
import { repositoryKey, sameRepository } from "../image-ref/index.js";
import type { Editor, Occurrence } from "./editor.js";
import { findInValues } from "./helm.js";
import { helmReleaseValues, isHelmRelease } from "./helm-release.js";
import { imageStringOccurrence, splitImageString } from "./occurrences.js";
import { deref, getScalar, scalarString, walkMaps } from "./yaml-text.js";

const CONTAINER_LISTS = new Set(["containers", "initContainers", "ephemeralContainers"]);

export const manifestEditor: Editor = {
  kind: "manifest",
  find(source, locator, context) {
    const wanted = repositoryKey(locator.image);
    const found: Occurrence[] = [];
    for (const doc of source.docs) {
      for (const map of walkMaps(doc.contents)) {
        for (const pair of map.items) {
          // `containers: *anchor` reads the anchored list (its images are edited once, at the anchor).
          const list = deref(pair.value, doc);
          if (!isScalar(pair.key) || !CONTAINER_LISTS.has(String(pair.key.value)) || !isSeq(list)) continue;
          for (const item of list.items) {
            const container = deref(item, doc);
            if (!isMap(container)) continue;
            const image = getScalar(container, "image", doc);
            const value = image === undefined ? null : scalarString(image, source.text);
            if (image === undefined || value === null) continue;
            const parts = splitImageString(value, false);
            if (sameRepository(parts.name, wanted)) found.push(imageStringOccurrence(source, image, parts, context));
          }
        }
      }
    }
    // A Flux HelmRelease runs the image its spec.values name (a repo config file without kind:).
    for (const doc of source.docs) {
      if (isHelmRelease(doc, source)) found.push(...findInValues(source, helmReleaseValues(doc), doc, { ...locator, helm: null }, context));
    }
    return found;
  },
  explainMissing() {
    return null;
  },
  create() {
    return null;
  },
};
