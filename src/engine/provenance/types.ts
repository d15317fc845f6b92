/**
 * The shapes provenance answers in. They are also the `--json` output of `gitops-sandbox explain`, `render
 * --provenance` and `affects`, so they stay plain JSON: repo-relative POSIX paths, 1-based lines and columns.
 */

/** A place in a source file. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One transformation that set or changed a field, in the order they ran. */
export interface HistoryEntry {
  /** Where the instruction was written; null only for what kustomize decides on its own (`detail` says so). */
  file: string | null;
  line: number | null;
  column: number | null;
  /** 'namePrefix', 'images', 'patch (strategic merge)', 'replacement', 'nameReference', 'hash suffix', … */
  operation: string;
  detail: string;
}

/** Where one rendered field came from. */
export interface FieldProvenance {
  /** JSON pointer into the rendered object (`/spec/template/spec/containers/0/image`). */
  path: string;
  /** The rendered value (maps and lists whole). Secret data is masked. */
  value: unknown;
  /**
   * The YAML node the field came from: for a scalar its value, for a map or list the key that names it (a list
   * item: the item). A field a transformation created has the transformation's line; null only when kustomize
   * made the field without any instruction, and then `history` says so.
   */
  origin: SourceLocation | null;
  /** Changes in the order they ran; the last entry (or `origin` when empty) set the final value. */
  history: HistoryEntry[];
}

/** A rendered object's id. */
export interface ObjectId {
  group: string;
  version: string;
  kind: string;
  /** '' for cluster-scoped objects and objects without a namespace. */
  namespace: string;
  name: string;
}

/** `explain --json`, and one element of `render --provenance`. */
export interface ObjectProvenance {
  object: ObjectId;
  fields: FieldProvenance[];
}
