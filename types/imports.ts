/** Bulk import of the registry (regions, schools, stations) and of a school's pupils with their guardians' phones. */
import type { Stage, StationKind } from './domain';

/** What a file imports: the registry (administrators; 妇联 staff within their region) or a school's pupils (its leader or psychology teacher). */
export type ImportKind = 'regions' | 'schools' | 'stations' | 'pupils';

/** What a row of the file does: adds, changes, leaves as it is, or cannot be imported. */
export type ImportOutcome = 'new' | 'changed' | 'unchanged' | 'error';

/** A problem with one cell (`C7`: column C of row 7), or with the whole row (`A7`). */
export interface ImportCellError {
  cell: string;
  message: string;
}

/** The outcome of one data row. */
export interface ImportRowResult {
  /** The row number in the sheet (the header is row 1). */
  row: number;
  outcome: ImportOutcome;
  /** What the row is, as the file names it (a region code and name, a school's name, a pupil's number and name). */
  label: string;
  /** The fields a changed row changes (Chinese column names). */
  changes: string[];
  errors: ImportCellError[];
}

/** Rows by outcome. */
export interface ImportCounts {
  new: number;
  changed: number;
  unchanged: number;
  error: number;
}

/** POST /api/imports/preview and POST /api/imports: the file (.xlsx or .csv) as base64. */
export interface ImportInput {
  kind: ImportKind;
  /** The school of a pupil list; null for the registry. */
  schoolId: string | null;
  fileName: string;
  dataBase64: string;
}

/** The dry run: every row's outcome (rows with errors first, then in file order); nothing is written. */
export interface ImportPreviewOutput {
  kind: ImportKind;
  total: number;
  counts: ImportCounts;
  /** What else the import does, in Chinese (e.g. the classes it opens). */
  notes: string[];
  rows: ImportRowResult[];
}

/** The import, written in one transaction (refused as a whole when any row has an error). */
export interface ImportCommitOutput {
  kind: ImportKind;
  total: number;
  counts: ImportCounts;
  notes: string[];
}

/** PUT /api/admin/regions/{id} */
export interface UpdateRegionInput {
  name: string;
}

/** PUT /api/admin/schools/{id} */
export interface UpdateSchoolInput {
  name: string;
  stages: Stage[];
}

/** PUT /api/admin/stations/{id} */
export interface UpdateStationInput {
  name: string;
  kind: StationKind;
  address: string;
}
