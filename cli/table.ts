// Lists for people: a header row and aligned columns; `--json` prints the same rows as JSON lines instead.
import { printable } from '../src/core/printable';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
}

/** Format rows as aligned columns under a header; the last column is not padded. */
export function table<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): string {
  const cells = rows.map((row) =>
    columns.map((c) => {
      const v = c.value(row);
      return v === null || v === undefined || v === '' ? '—' : String(v);
    }),
  );
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n');
}

/**
 * Print rows as JSON lines (one object a line, easy to pipe into jq) or as a table. JSON lines escape what a
 * terminal would act on (C1 controls, bidi overrides) as \uXXXX, which is still the same JSON value.
 */
export function printRows<T>(
  rows: readonly T[],
  columns: ReadonlyArray<Column<T>>,
  json: boolean | undefined,
  toJson: (row: T) => unknown = (r) => r,
): void {
  if (json) {
    for (const row of rows) console.log(printable(JSON.stringify(toJson(row))));
    return;
  }
  console.log(table(rows, columns));
}
