/**
 * GitHub's GraphQL endpoint, as far as the app uses it: the `enablePullRequestAutoMerge` and
 * `disablePullRequestAutoMerge` mutations. A small parser reads the document; a hand-written
 * schema (the input types, the enum, the payload and PullRequest fields) checks it the way GitHub's
 * schema would, and answers selection sets field by field.
 */

type Value =
  | { kind: "var"; name: string }
  | { kind: "literal"; value: unknown }
  | { kind: "object"; fields: Record<string, Value> }
  | { kind: "list"; items: Value[] };

export interface Field {
  readonly alias: string;
  readonly name: string;
  readonly args: Record<string, Value>;
  readonly selections: Field[] | undefined;
}

export interface Document {
  readonly operation: "query" | "mutation";
  readonly variables: Record<string, { type: string; default: Value | undefined }>;
  readonly selections: Field[];
}

export class GraphqlSchemaError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** A runtime refusal (GitHub's `UNPROCESSABLE`, `NOT_FOUND`…), not a malformed request. */
export class GraphqlExecutionError extends Error {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  const re = /\s+|,|#[^\n]*|(\.\.\.|[{}()[\]:$!=@])|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([_A-Za-z][_0-9A-Za-z]*)/y;
  let index = 0;
  while (index < source.length) {
    re.lastIndex = index;
    const match = re.exec(source);
    if (!match) throw new GraphqlSchemaError(`Parse error on "${source.slice(index, index + 10)}"`, "parseError");
    index = re.lastIndex;
    const token = match[1] ?? match[2] ?? match[3] ?? match[4];
    if (token !== undefined) tokens.push(token);
  }
  return tokens;
}

export function parseDocument(source: string): Document {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const next = (): string => {
    const token = tokens[at++];
    if (token === undefined) throw new GraphqlSchemaError("Parse error: unexpected end of document", "parseError");
    return token;
  };
  const expect = (token: string): void => {
    const got = next();
    if (got !== token) throw new GraphqlSchemaError(`Parse error on "${got}", expected "${token}"`, "parseError");
  };
  const name = (): string => {
    const token = next();
    if (!/^[_A-Za-z]/.test(token)) throw new GraphqlSchemaError(`Parse error on "${token}", expected a name`, "parseError");
    return token;
  };
  const type = (): string => {
    let out: string;
    if (peek() === "[") {
      next();
      out = `[${type()}]`;
      expect("]");
    } else out = name();
    if (peek() === "!") {
      next();
      out += "!";
    }
    return out;
  };
  const value = (): Value => {
    const token = next();
    if (token === "$") return { kind: "var", name: name() };
    if (token === "{") {
      const fields: Record<string, Value> = {};
      while (peek() !== "}") {
        const key = name();
        expect(":");
        fields[key] = value();
      }
      next();
      return { kind: "object", fields };
    }
    if (token === "[") {
      const items: Value[] = [];
      while (peek() !== "]") items.push(value());
      next();
      return { kind: "list", items };
    }
    if (token.startsWith('"')) return { kind: "literal", value: JSON.parse(token) as string };
    if (/^-?\d/.test(token)) return { kind: "literal", value: Number(token) };
    if (token === "true" || token === "false") return { kind: "literal", value: token === "true" };
    if (token === "null") return { kind: "literal", value: null };
    return { kind: "literal", value: { enum: token } };
  };
  const selectionSet = (): Field[] => {
    expect("{");
    const fields: Field[] = [];
    while (peek() !== "}") {
      if (peek() === "...") {
        next();
        if (next() !== "on")
          throw new GraphqlSchemaError("Fragment spreads are not supported by the fake; use inline fragments", "parseError");
        name();
        fields.push(...selectionSet());
        continue;
      }
      let alias = name();
      let fieldName = alias;
      if (peek() === ":") {
        next();
        fieldName = name();
      }
      const args: Record<string, Value> = {};
      if (peek() === "(") {
        next();
        while (peek() !== ")") {
          const key = name();
          expect(":");
          args[key] = value();
        }
        next();
      }
      const selections = peek() === "{" ? selectionSet() : undefined;
      fields.push({ alias, name: fieldName, args, selections });
      alias = "";
    }
    next();
    return fields;
  };
  let operation: Document["operation"] = "query";
  const variables: Document["variables"] = {};
  if (peek() === "query" || peek() === "mutation") {
    operation = next() as Document["operation"];
    if (peek() !== "(" && peek() !== "{") name();
    if (peek() === "(") {
      next();
      while (peek() !== ")") {
        expect("$");
        const variable = name();
        expect(":");
        const declared = type();
        let fallback: Value | undefined;
        if (peek() === "=") {
          next();
          fallback = value();
        }
        variables[variable] = { type: declared, default: fallback };
      }
      next();
    }
  }
  const selections = selectionSet();
  if (at !== tokens.length) throw new GraphqlSchemaError(`Parse error on "${tokens[at] ?? ""}": one operation per document`, "parseError");
  return { operation, variables, selections };
}

/** Substitutes variables; enum literals become their names. */
export function evaluate(value: Value, variables: Record<string, unknown>): unknown {
  switch (value.kind) {
    case "var":
      return variables[value.name];
    case "literal":
      return value.value !== null && typeof value.value === "object" && "enum" in value.value
        ? (value.value as { enum: string }).enum
        : value.value;
    case "object":
      return Object.fromEntries(Object.entries(value.fields).map(([k, v]) => [k, evaluate(v, variables)]));
    case "list":
      return value.items.map((v) => evaluate(v, variables));
  }
}

interface InputField {
  readonly type: "ID" | "String" | "GitObjectID" | "PullRequestMergeMethod";
  readonly required: boolean;
}

/** The input types of the two mutations, from GitHub's public schema. */
export const INPUT_TYPES: Record<string, Record<string, InputField>> = {
  EnablePullRequestAutoMergeInput: {
    pullRequestId: { type: "ID", required: true },
    mergeMethod: { type: "PullRequestMergeMethod", required: false },
    commitHeadline: { type: "String", required: false },
    commitBody: { type: "String", required: false },
    authorEmail: { type: "String", required: false },
    expectedHeadOid: { type: "GitObjectID", required: false },
    clientMutationId: { type: "String", required: false },
  },
  DisablePullRequestAutoMergeInput: {
    pullRequestId: { type: "ID", required: true },
    clientMutationId: { type: "String", required: false },
  },
};

export const MUTATIONS: Record<string, string> = {
  enablePullRequestAutoMerge: "EnablePullRequestAutoMergeInput",
  disablePullRequestAutoMerge: "DisablePullRequestAutoMergeInput",
};

export function checkInput(typeName: string, input: unknown): Record<string, unknown> {
  const fields = INPUT_TYPES[typeName];
  if (!fields) throw new GraphqlSchemaError(`Unknown input type ${typeName}`, "undefinedType");
  if (input === null || typeof input !== "object" || Array.isArray(input))
    throw new GraphqlSchemaError(`Argument 'input' on Field expects an object of type ${typeName}!`, "argumentLiteralsIncompatible");
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record))
    if (!fields[key]) throw new GraphqlSchemaError(`InputObject '${typeName}' doesn't accept argument '${key}'`, "argumentNotAccepted");
  for (const [key, field] of Object.entries(fields)) {
    const value = record[key];
    if (value === undefined || value === null) {
      if (field.required)
        throw new GraphqlSchemaError(
          `Argument '${key}' on InputObject '${typeName}' is required. Expected type ${field.type}!`,
          "missingRequiredInputObjectAttribute",
        );
      continue;
    }
    if (typeof value !== "string")
      throw new GraphqlSchemaError(
        `Argument '${key}' on InputObject '${typeName}' has an invalid value (${JSON.stringify(value)}). Expected type '${field.type}'.`,
        "argumentLiteralsIncompatible",
      );
    if (field.type === "PullRequestMergeMethod" && !["MERGE", "SQUASH", "REBASE"].includes(value))
      throw new GraphqlSchemaError(
        `Argument 'mergeMethod' on InputObject '${typeName}' has an invalid value (${value}). Expected type 'PullRequestMergeMethod'.`,
        "argumentLiteralsIncompatible",
      );
    if (field.type === "GitObjectID" && !/^[0-9a-f]{40}$/.test(value))
      throw new GraphqlSchemaError(
        `Argument '${key}' on InputObject '${typeName}' has an invalid value (${value}). Expected type 'GitObjectID'.`,
        "argumentLiteralsIncompatible",
      );
  }
  return record;
}

/** The output types the mutations answer, field → null (a scalar) or the field's type. */
export const OUTPUT_TYPES: Record<string, Record<string, string | null>> = {
  EnablePullRequestAutoMergePayload: { clientMutationId: null, actor: "Actor", pullRequest: "PullRequest" },
  DisablePullRequestAutoMergePayload: { clientMutationId: null, actor: "Actor", pullRequest: "PullRequest" },
  Actor: { login: null, id: null, avatarUrl: null, url: null },
  PullRequest: {
    id: null,
    number: null,
    title: null,
    url: null,
    state: null,
    merged: null,
    headRefName: null,
    baseRefName: null,
    headRefOid: null,
    autoMergeRequest: "AutoMergeRequest",
  },
  AutoMergeRequest: { enabledAt: null, mergeMethod: null, commitHeadline: null, commitBody: null, authorEmail: null, enabledBy: "Actor" },
};

export const PAYLOAD_TYPES: Record<string, string> = {
  enablePullRequestAutoMerge: "EnablePullRequestAutoMergePayload",
  disablePullRequestAutoMerge: "DisablePullRequestAutoMergePayload",
};

/** Checks a selection set against OUTPUT_TYPES before anything runs, as GitHub validates a document. */
export function checkSelections(typeName: string, selections: readonly Field[] | undefined, path: string): void {
  const fields = OUTPUT_TYPES[typeName];
  if (!fields) throw new GraphqlSchemaError(`the fake does not know type ${typeName}`, "undefinedType");
  if (!selections)
    throw new GraphqlSchemaError(
      `Field must have selections (field '${path}' returns ${typeName} but has no selections.)`,
      "selectionMismatch",
    );
  for (const field of selections) {
    if (field.name === "__typename") continue;
    if (!(field.name in fields))
      throw new GraphqlSchemaError(`Field '${field.name}' doesn't exist on type '${typeName}'`, "undefinedField");
    if (Object.keys(field.args).length)
      throw new GraphqlSchemaError(
        `Field '${field.name}' doesn't accept argument '${Object.keys(field.args)[0] ?? ""}'`,
        "argumentNotAccepted",
      );
    const type = fields[field.name];
    if (type) checkSelections(type, field.selections, field.name);
    else if (field.selections)
      throw new GraphqlSchemaError(`Selections can't be made on scalars (field '${field.name}' returns a scalar)`, "selectionMismatch");
  }
}

/** A type of the answer: scalar fields are values, object fields are nested resolvers. */
export interface GqlObject {
  readonly __typename: string;
  readonly [field: string]: unknown;
}

export function select(object: GqlObject | null, selections: readonly Field[] | undefined, path: string): unknown {
  if (object === null) return null;
  if (!selections)
    throw new GraphqlSchemaError(
      `Field must have selections (field '${path}' returns ${object.__typename} but has no selections.)`,
      "selectionMismatch",
    );
  const out: Record<string, unknown> = {};
  for (const field of selections) {
    const key = field.alias || field.name;
    if (field.name === "__typename") {
      out[key] = object.__typename;
      continue;
    }
    if (!(field.name in object))
      throw new GraphqlSchemaError(`Field '${field.name}' doesn't exist on type '${object.__typename}'`, "undefinedField");
    const value = object[field.name];
    if (value !== null && typeof value === "object" && "__typename" in value)
      out[key] = select(value as GqlObject, field.selections, field.name);
    else {
      if (field.selections)
        throw new GraphqlSchemaError(`Selections can't be made on scalars (field '${field.name}' returns a scalar)`, "selectionMismatch");
      out[key] = value;
    }
  }
  return out;
}
