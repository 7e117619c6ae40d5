/**
 * GitHub's official OpenAPI description (`@octokit/openapi`), loaded once per process: which
 * operation a request is, and whether its parameters, JSON body and the fake's response validate
 * against that operation's schemas. Validators are compiled lazily per operation with ajv.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export type SpecName = "api.github.com" | "ghes-3.19";

interface Parameter {
  readonly name: string;
  readonly in: "path" | "query" | "header" | "cookie";
  readonly required: boolean;
  readonly schema: JsonObject;
}

export interface Operation {
  readonly operationId: string;
  readonly method: string;
  readonly template: string;
  readonly parameters: readonly Parameter[];
  readonly requestBody: { readonly required: boolean; readonly schema: JsonObject | undefined } | undefined;
  readonly responses: Readonly<Record<string, JsonObject | null>>;
}

export interface RouteMatch {
  readonly operation: Operation;
  readonly pathParams: Record<string, string>;
}

interface Route {
  readonly regex: RegExp;
  readonly names: readonly string[];
  readonly literal: number;
  readonly operations: ReadonlyMap<string, Operation>;
}

/** Path parameters whose value may hold slashes (GitHub accepts them unencoded). */
const GREEDY = new Set(["ref", "path", "basehead"]);

export class OpenApi {
  readonly #routes: Route[] = [];
  readonly #ajv: Ajv;
  readonly #coercing: Ajv;
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(spec: JsonObject) {
    const components = spec["components"] as JsonObject;
    const parameters = (components["parameters"] ?? {}) as Record<string, JsonObject>;
    const responses = (components["responses"] ?? {}) as Record<string, JsonObject>;
    const deref = (node: JsonObject, pool: Record<string, JsonObject>, prefix: string): JsonObject => {
      const ref = node["$ref"];
      if (typeof ref !== "string") return node;
      const found = pool[ref.slice(prefix.length)];
      if (!ref.startsWith(prefix) || !found) throw new Error(`openapi: unresolvable ${ref}`);
      return found;
    };
    for (const [template, item] of Object.entries(spec["paths"] as Record<string, JsonObject>)) {
      const names: string[] = [];
      const segments = template.split("/");
      const pattern = segments
        .map((segment, index) =>
          segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_m, name: string) => {
            names.push(name);
            return index === segments.length - 1 && GREEDY.has(name) ? "(.+)" : "([^/]+)";
          }),
        )
        .join("/");
      const operations = new Map<string, Operation>();
      for (const [method, raw] of Object.entries(item)) {
        if (!["get", "put", "post", "patch", "delete", "head"].includes(method)) continue;
        const op = raw as JsonObject;
        const params = [...((item["parameters"] ?? []) as JsonObject[]), ...((op["parameters"] ?? []) as JsonObject[])].map((p) => {
          const resolved = deref(p, parameters, "#/components/parameters/");
          return {
            name: resolved["name"] as string,
            in: resolved["in"] as Parameter["in"],
            required: resolved["required"] === true,
            schema: (resolved["schema"] ?? {}) as JsonObject,
          };
        });
        const body = op["requestBody"] as JsonObject | undefined;
        const bodySchema = body
          ? (((body["content"] as JsonObject | undefined)?.["application/json"] as JsonObject | undefined)?.["schema"] as
              JsonObject | undefined)
          : undefined;
        const out: Record<string, JsonObject | null> = {};
        for (const [status, response] of Object.entries((op["responses"] ?? {}) as Record<string, JsonObject>)) {
          const resolved = deref(response, responses, "#/components/responses/");
          const content = resolved["content"] as JsonObject | undefined;
          const json = content?.["application/json"] as JsonObject | undefined;
          out[status] = (json?.["schema"] as JsonObject | undefined) ?? null;
        }
        operations.set(method.toUpperCase(), {
          operationId: op["operationId"] as string,
          method: method.toUpperCase(),
          template,
          parameters: params,
          requestBody: body ? { required: body["required"] === true, schema: bodySchema } : undefined,
          responses: out,
        });
      }
      this.#routes.push({ regex: new RegExp(`^${pattern}$`), names, literal: template.replace(/\{[^}]+\}/g, "").length, operations });
    }
    // Literal segments win over parameters: /repos/{o}/{r}/commits/{ref}/status before …/commits/{ref}.
    this.#routes.sort((a, b) => b.literal - a.literal);
    const schemas = { $id: "gh", components: { schemas: toJsonSchema(components["schemas"] as Json) } };
    const make = (coerceTypes: boolean): Ajv => {
      const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, coerceTypes, logger: false, inlineRefs: false });
      addFormats(ajv);
      // GitHub's own noreply addresses for bots (`41898282+github-actions[bot]@users.noreply.github.com`)
      // fail ajv-formats' "email"; GitHub sends them where the description says format: email.
      ajv.addFormat("email", /^[^\s@]+@[^\s@]+$/);
      ajv.addSchema(schemas);
      return ajv;
    };
    this.#ajv = make(false);
    this.#coercing = make(true);
  }

  /** The operation a method and path (without the API prefix or query) is, or null. */
  match(method: string, path: string): RouteMatch | null | "method-not-allowed" {
    let pathOnly = false;
    for (const route of this.#routes) {
      const found = route.regex.exec(path);
      if (!found) continue;
      const operation = route.operations.get(method);
      if (!operation) {
        pathOnly = true;
        continue;
      }
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, index) => {
        pathParams[name] = decodeURIComponent(found[index + 1] ?? "");
      });
      return { operation, pathParams };
    }
    return pathOnly ? "method-not-allowed" : null;
  }

  /** Violations of the operation's parameters (coerced from strings) and JSON body. */
  validateRequest(operation: Operation, pathParams: Record<string, string>, query: URLSearchParams, body: unknown): string[] {
    const problems: string[] = [];
    const queryValues: Record<string, unknown> = {};
    for (const [key, value] of query) queryValues[key] = value;
    const known = new Set(operation.parameters.filter((p) => p.in === "query").map((p) => p.name));
    for (const key of Object.keys(queryValues))
      if (!known.has(key)) problems.push(`query parameter "${key}" is not a parameter of ${operation.operationId}`);
    for (const parameter of operation.parameters) {
      if (parameter.in !== "path" && parameter.in !== "query") continue;
      const value = parameter.in === "path" ? pathParams[parameter.name] : queryValues[parameter.name];
      if (value === undefined) {
        if (parameter.required) problems.push(`${parameter.in} parameter "${parameter.name}" is required`);
        continue;
      }
      const holder = { value };
      const validate = this.#compile(
        `${operation.operationId} param ${parameter.name}`,
        { type: "object", properties: { value: parameter.schema } },
        this.#coercing,
      );
      if (!validate(holder))
        problems.push(
          ...describe(
            `${parameter.in} parameter "${parameter.name}"`,
            validate.errors?.map((e) => ({ ...e, instancePath: e.instancePath.replace(/^\/value/, "") })),
          ),
        );
    }
    if (operation.requestBody === undefined) {
      if (body !== undefined) problems.push(`${operation.operationId} takes no request body`);
    } else if (body === undefined) {
      if (operation.requestBody.required) problems.push(`${operation.operationId} requires a JSON body`);
    } else if (operation.requestBody.schema) {
      const validate = this.#compile(`${operation.operationId} body`, operation.requestBody.schema, this.#ajv);
      if (!validate(body)) problems.push(...describe("request body", validate.errors));
    }
    return problems;
  }

  /** Violations of the response body against the operation's response schema for that status. */
  validateResponse(operation: Operation, status: number, body: unknown): string[] {
    const key = String(status);
    if (!(key in operation.responses))
      return [`${operation.operationId} documents no ${status} response (it documents ${Object.keys(operation.responses).join(", ")})`];
    const schema = operation.responses[key];
    // No schema documented (GitHub still sends its {message} error body): nothing to validate against.
    if (schema === null || schema === undefined) return [];
    if (body === undefined) return [`${operation.operationId} ${status} documents a JSON body, the fake sent none`];
    const validate = this.#compile(`${operation.operationId} response ${status}`, schema, this.#ajv);
    return validate(body) ? [] : describe(`response ${status}`, validate.errors);
  }

  #compile(key: string, schema: JsonObject, ajv: Ajv): ValidateFunction {
    const cached = this.#validators.get(key);
    if (cached) return cached;
    const validate = ajv.compile(toJsonSchema(rebase(schema)) as JsonObject);
    this.#validators.set(key, validate);
    return validate;
  }
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Points local `#/components/…` references of an inline schema at the shared "gh" document. */
function rebase(node: Json): Json {
  if (Array.isArray(node)) return node.map(rebase);
  if (node === null || typeof node !== "object") return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node))
    out[key] = key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `gh${value}` : rebase(value);
  return out;
}

/**
 * OpenAPI 3.0's `nullable: true` as JSON Schema: `type: [t, "null"]` (and null among an enum's
 * values), or `anyOf: [schema, {type: null}]` where there is no type (a $ref, allOf, oneOf).
 */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "nullable" || key === "discriminator") continue;
    // `properties`, `examples` … hold names, not keywords: map their values, keep their keys.
    out[key] = key === "example" || key === "examples" || key === "enum" || key === "required" ? value : toJsonSchema(value);
  }
  // Erratum: GitHub's description says an installation's account is a Simple User *and* an
  // Enterprise (allOf) in GET /app/installations; it is one or the other (anyOf, as elsewhere).
  const allOf = out["allOf"];
  if (
    Array.isArray(allOf) &&
    allOf.length === 2 &&
    allOf.every((s) => s !== null && typeof s === "object" && !Array.isArray(s)) &&
    allOf.map((s) => (s as JsonObject)["title"]).join() === "Simple User,Enterprise"
  ) {
    delete out["allOf"];
    out["anyOf"] = allOf;
  }
  if (node["nullable"] !== true) return out;
  if (typeof out["type"] === "string") {
    out["type"] = [out["type"], "null"];
    if (Array.isArray(out["enum"]) && !out["enum"].includes(null)) out["enum"] = [...out["enum"], null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

function describe(where: string, errors: ErrorObject[] | null | undefined): string[] {
  const list = (errors ?? [])
    .slice(0, 8)
    .map(
      (e) =>
        `${where}${e.instancePath || ""} ${e.message ?? "is invalid"}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ""}`,
    );
  return list.length ? list : [`${where} is invalid`];
}

const loaded = new Map<SpecName, OpenApi>();

/** The description, parsed once per process (the JSON is 11–13 MB). */
export function openApi(name: SpecName = "api.github.com"): OpenApi {
  const cached = loaded.get(name);
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve("@octokit/openapi/package.json")), "generated");
  const api = new OpenApi(JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as JsonObject);
  loaded.set(name, api);
  return api;
}
