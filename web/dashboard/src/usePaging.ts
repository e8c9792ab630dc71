import { useState } from 'react';

/**
 * Keyset paging (docs/admin-api.md, Conventions): the cursor of the page shown, and the way to
 * the next one or back to the first. Pages are newest first; the list's filters reset it (the
 * list remounts with them, keyed by its filters).
 */
export function usePaging() {
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(1);
  return {
    cursor,
    page,
    next: (nextCursor: string) => {
      setCursor(nextCursor);
      setPage((p) => p + 1);
      document.getElementById('main')?.focus();
    },
    first: () => {
      setCursor(undefined);
      setPage(1);
    },
  };
}
