-- Orders and payments are updated in place several times each (state, status, timestamps). With
-- room left on each page, an update can be HOT: the new row version stays on the same page and no
-- index gets a new entry, so each update touches one page instead of one per index, and writes
-- one page image to the WAL after a checkpoint instead of several. Applies to pages written from
-- now on.
alter table orders set (fillfactor = 80);
alter table payments set (fillfactor = 80);
