/** `tags`: the tags of one image as a pass sees them, with metadata on request. */
import { formatImageRef, parseImageRef } from "../image-ref/index.js";
import { createRegistryClient } from "../registry/index.js";
import type { RegistryClientOptions } from "../registry/index.js";

export interface TagRow {
  readonly tag: string;
  readonly digest?: string | null;
  readonly created?: string | null;
  readonly platforms?: readonly string[];
}

export interface TagsResult {
  readonly image: string;
  readonly tags: readonly TagRow[];
}

export interface ListTagsOptions {
  readonly registry: RegistryClientOptions;
  readonly metadata: boolean;
  readonly platform?: string;
}

/** List the tags (and metadata) of `image`. Throws AppError subclasses. */
export async function listImageTags(image: string, options: ListTagsOptions): Promise<TagsResult> {
  const ref = parseImageRef(image);
  const client = createRegistryClient(options.registry);
  try {
    const tags = await client.listTags(ref);
    const name = formatImageRef({ ...ref, tag: null, digest: null });
    if (!options.metadata) return { image: name, tags: tags.map((tag) => ({ tag })) };
    const platform = options.platform;
    const rows = await Promise.all(
      tags.map(async (tag): Promise<TagRow> => {
        const d = await client.getTagDetails(ref, tag, platform === undefined ? {} : { platform });
        return { tag, digest: d.digest, created: d.created, platforms: d.platforms };
      }),
    );
    return { image: name, tags: rows };
  } finally {
    await client.close();
  }
}
