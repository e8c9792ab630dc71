import { visit } from 'jsonc-parser';

/**
 * The first field name that appears twice in one JSON object of `text` (as a dotted path, e.g.
 * `order_amount.value`), or undefined. JSON.parse keeps the last of two equal names silently, so
 * `{"value":100,"value":1}` would become a one-paisa order; the dialects
 * refuse such a body instead. `text` must already have parsed as JSON: jsonc-parser's scanner is
 * used only for its per-property events. Given what the text parsed into, the scan runs only when
 * the text names more properties than the parsed objects hold (parsing keeps one of two equal
 * names, and drops `__proto__`), which a cheap count of the text's property names tells.
 */
export function duplicateJsonKey(text: string, parsed?: unknown): string | undefined {
  if (parsed !== undefined && nameCount(text) === propertyCount(parsed)) return undefined;
  // Open objects and arrays, innermost last; an array's items are named `path[]`.
  const open: { names: Set<string> | undefined; path: string }[] = [];
  let pending: string | undefined;
  let found: string | undefined;
  const join = (parent: string | undefined, name: string) => (parent ? `${parent}.${name}` : name);
  const here = () => {
    const top = open.at(-1);
    return top?.names ? top.path : top ? `${top.path}[]` : '';
  };
  const enter = (names: Set<string> | undefined) => {
    open.push({ names, path: pending ?? here() });
    pending = undefined;
  };
  visit(text, {
    onObjectBegin: () => {
      enter(new Set());
    },
    onArrayBegin: () => {
      enter(undefined);
    },
    onObjectEnd: () => void open.pop(),
    onArrayEnd: () => void open.pop(),
    onObjectProperty: (name) => {
      const names = open.at(-1)?.names;
      if (!names) return;
      if (names.has(name)) found ??= join(here(), name);
      names.add(name);
      pending = join(here(), name);
    },
    onLiteralValue: () => {
      pending = undefined;
    },
  });
  return found;
}

/**
 * Every string of a JSON text, whole, and whether a colon follows it (then it is a property name).
 * Matching whole strings from the start keeps the scan in step with the text: the next quote is
 * always the opening of the next string.
 */
const STRING = /"[^"\\]*(?:\\.[^"\\]*)*"(\s*:)?/g;

/** How many property names `text` has, counted without parsing it again. */
function nameCount(text: string): number {
  let names = 0;
  STRING.lastIndex = 0;
  for (let match = STRING.exec(text); match; match = STRING.exec(text)) if (match[1]) names++;
  return names;
}

/** How many properties the objects of a parsed value hold in all. */
function propertyCount(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += propertyCount(item);
    return count;
  }
  for (const inner of Object.values(value)) count += 1 + propertyCount(inner);
  return count;
}
