import { createColumnHelper, tableFeatures, useTable, type ColumnDef, type RowData } from '@tanstack/react-table';

/** The one table setup every list uses: core row model only (the API pages, filters and sorts). */
export const features = tableFeatures({});
// A list's columns hold values of different types: `any` is what ColumnDef's own helpers use for that.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Column<T extends RowData> = ColumnDef<typeof features, T, any>;
export const columnHelper = <T extends RowData>() => createColumnHelper<typeof features, T>();

interface DataTableProps<T extends RowData> {
  caption: string;
  columns: Column<T>[];
  data: T[];
  /** Shown in place of the rows when there are none. */
  empty?: string;
  rowKey?: (row: T) => string;
}

/** A list as a real table: a caption, header cells with `scope="col"`, one row per item. */
export function DataTable<T extends RowData>({ caption, columns, data, empty = 'Nothing to show.', rowKey }: DataTableProps<T>) {
  const table = useTable({ features, columns, data, ...(rowKey ? { getRowId: (row: T) => rowKey(row) } : {}) }, () => null);
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col">
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {data.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="empty">
                {empty}
              </td>
            </tr>
          ) : (
            table.getRowModel().rows.map((row) => (
              <tr key={row.id}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
