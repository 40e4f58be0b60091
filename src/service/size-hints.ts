/**
 * How many users each source had the last time a `users` walk read it to the end with no filter
 * (or the mirror counted them). Only a hint — users come and go — used for one decision: whether
 * the next source's first page will certainly be needed, so it can be asked in parallel
 * (docs/architecture.md §5, "parallel sources"). Per process, created once at start.
 */
export class SizeHints {
  private readonly sizes = new Map<string, number>();

  get(sourceId: string): number | undefined {
    return this.sizes.get(sourceId);
  }

  set(sourceId: string, users: number): void {
    this.sizes.set(sourceId, users);
  }
}
