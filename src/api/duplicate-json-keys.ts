import { visit } from 'jsonc-parser';

/**
 * The first field name that appears twice in one JSON object of `text` (as a dotted path, e.g.
 * `order_amount.value`), or undefined. JSON.parse keeps the last of two equal names silently, so
 * `{"value":100,"value":1}` would become a one-paisa order; the dialects
 * refuse such a body instead. `text` must already have parsed as JSON: jsonc-parser's scanner is
 * used only for its per-property events.
 */
export function duplicateJsonKey(text: string): string | undefined {
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
