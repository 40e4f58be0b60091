/**
 * Per-record isolation for list pages (docs/kit.md, "one bad record"): a vendor page is mapped
 * record by record, and a record that fails its shape check (mapOne returns null) or throws while
 * being mapped is left out and counted instead of failing the whole page. The reader reports the
 * count as `UserPage.skipped`; the users walk turns it into one SOURCE_BAD_RESPONSE error per
 * source, next to the good records. Nothing of the bad record is kept but its position and,
 * when `idOf` can read one, its native id — never its content, which may hold personal data.
 */
export interface SkippedRecord {
  /** Position in the vendor page. */
  index: number;
  /** The vendor's id for the record when it could be read, else null. */
  nativeId: string | null;
}

export interface MappedPage<T> {
  /** One slot per vendor record, null where the record was skipped: keeps offsets into the page exact. */
  slots: Array<T | null>;
  /** The good records, in vendor order. */
  records: T[];
  skipped: SkippedRecord[];
}

export function mapPage<T>(raw: readonly unknown[], mapOne: (record: unknown) => T | null, idOf?: (record: unknown) => string | null): MappedPage<T> {
  const slots: Array<T | null> = [];
  const records: T[] = [];
  const skipped: SkippedRecord[] = [];
  raw.forEach((record, index) => {
    let mapped: T | null;
    try {
      mapped = mapOne(record);
    } catch {
      mapped = null;
    }
    slots.push(mapped);
    if (mapped === null) skipped.push({ index, nativeId: safeId(idOf, record) });
    else records.push(mapped);
  });
  return { slots, records, skipped };
}

function safeId(idOf: ((record: unknown) => string | null) | undefined, record: unknown): string | null {
  try {
    return idOf?.(record) ?? null;
  } catch {
    return null;
  }
}
