/** One Kubernetes label-selector requirement (`matchExpressions[]`), as apimachinery evaluates it. */

export type SelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist";

export function isSelectorOperator(operator: unknown): operator is SelectorOperator {
  return operator === "In" || operator === "NotIn" || operator === "Exists" || operator === "DoesNotExist";
}

/** Whether a label's value (undefined: the label is absent) meets the requirement. */
export function meetsRequirement(operator: SelectorOperator, value: string | undefined, values: readonly string[]): boolean {
  switch (operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
  }
}
