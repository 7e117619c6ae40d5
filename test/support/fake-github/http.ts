/** The pieces of a request and a reply the fake's routes work with, and GitHub's error bodies. */
import type { Operation } from "./openapi.js";

export type Auth =
  | { readonly kind: "none" }
  | { readonly kind: "app" }
  | {
      readonly kind: "installation";
      readonly installationId: number;
      readonly repositories: ReadonlySet<string> | undefined;
      readonly token: string;
    };

export interface RouteContext {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly params: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly auth: Auth;
  readonly operation: Operation;
  /** The URL the request came to, for Link headers. */
  readonly requestUrl: URL;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  /** A non-JSON body (the `raw` media type); not validated, there is no schema for it. */
  readonly raw?: Buffer;
  readonly headers?: Record<string, string>;
}

/** The client asked for a media type's raw form (`application/vnd.github.raw`, `.v3.raw`), as Probot's config plugin does. */
export function wantsRaw(ctx: RouteContext): boolean {
  const accept = ctx.headers["accept"];
  return (Array.isArray(accept) ? accept.join(",") : (accept ?? ""))
    .split(",")
    .some((t) => /^application\/vnd\.github(\.v3)?\.raw\b/.test(t.trim()));
}

export const DOCS = "https://docs.github.com/rest";

/** An answer GitHub gives as an error: thrown from a route, turned into a reply. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: readonly Record<string, unknown>[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "HttpError";
  }

  reply(): Reply {
    const body: Record<string, unknown> = { message: this.message, documentation_url: DOCS, status: String(this.status) };
    if (this.errors) body["errors"] = this.errors;
    return { status: this.status, body, ...(this.headers ? { headers: this.headers } : {}) };
  }
}

export function notFound(): HttpError {
  return new HttpError(404, "Not Found");
}

export function unprocessable(message: string, errors?: readonly Record<string, unknown>[]): HttpError {
  return new HttpError(422, message, errors);
}

/** One page of `items` as GitHub pages a list: `per_page` (default 30, at most 100), `page`, a Link header. */
export function paginate<T>(ctx: RouteContext, items: readonly T[], wrap?: (page: T[], total: number) => unknown): Reply {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 30) || 30));
  const page = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (n: number): string => {
    const url = new URL(ctx.requestUrl.href);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(n));
    return url.href;
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${link(page - 1)}>; rel="prev"`);
  if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
  if (page > 1) links.push(`<${link(1)}>; rel="first"`);
  return { status: 200, body: wrap ? wrap(slice, items.length) : slice, ...(links.length ? { headers: { link: links.join(", ") } } : {}) };
}
