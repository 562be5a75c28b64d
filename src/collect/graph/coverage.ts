// Which objects of one expanded part are listed, which are claimed by its chain or its far end, and where the
// two should meet (far-end.ts; docs/architecture.md, "Reading each expanded list from both ends").
//
// The chain reads from the front, 100 objects a round trip and cheap in resource units; the far end reads from
// the back, paced by the budget. An object the far end claims in front of where the chain will be when the two
// meet is read twice over: once by the far end, and again (downloaded, then skipped) by the chain passing it.
// So the far end leaves the chain its share: with the chain reading r_c objects a second and the far end
// r_f, the unclaimed remainder U beyond the chain splits at chain + U · r_c / (r_c + r_f).

/** The chain's recent pace is measured over this long. */
const CHAIN_PACE_WINDOW_MS = 5_000;
/**
 * The chain's pace is taken this much faster than measured: it speeds up once the identity lists stop sharing
 * the process with it, and a far end that leaves the chain too much finds the rest of the gap later, while one
 * that takes too much makes the chain download pages already read.
 */
const CHAIN_PACE_MARGIN = 1.5;

export interface CoverageOptions {
  /** Milliseconds, monotonic; a test passes its own. */
  now?: () => number;
  /**
   * Objects a second this part's far end can read at the budget's sustained pace (not what it did read: held
   * back by the meeting place, that would hold it back further). Without it the far end takes from the back
   * with no meeting place.
   */
  farRate?: () => number;
}

export class Coverage {
  private readonly claimed = new Set<string>();
  private readonly listed = new Set<string>();
  /** Listed ids in listing order, and each one's place in the listing; the far end takes from the end. */
  private readonly stack: string[] = [];
  private readonly places: number[] = [];
  private unclaimedListed = 0;
  private listingComplete = false;
  private stopped = false;
  private waiters: Array<() => void> = [];
  private readonly whole: { promise: Promise<void>; resolve: () => void };
  private readonly now: () => number;
  private readonly startedAt: number;
  /** Objects the chain has passed (its pages' sizes), and those the far end claimed. */
  private chainPassed = 0;
  private farClaimed = 0;
  private chainMarks: Array<{ at: number; passed: number }> = [];
  private expected = 0;
  private readonly farRate: (() => number) | undefined;

  constructor(options: CoverageOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.farRate = options.farRate;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    this.whole = { promise, resolve };
  }

  /** Ids the identity list named. */
  list(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.listed.has(id)) continue;
      this.listed.add(id);
      if (this.claimed.has(id)) continue;
      this.stack.push(id);
      this.places.push(this.listed.size - 1);
      this.unclaimedListed += 1;
    }
    this.changed();
  }

  /** How many objects the identity list will name in all (Graph's `$count`), when known. */
  expect(total: number): void {
    this.expected = total;
    this.changed();
  }

  /** The chain read a page of `count` objects. */
  chainRead(count: number): void {
    this.chainPassed += count;
    const at = this.now();
    this.chainMarks.push({ at, passed: this.chainPassed });
    while (this.chainMarks.length > 2 && at - this.chainMarks[0]!.at > CHAIN_PACE_WINDOW_MS)
      this.chainMarks.shift();
    this.changed();
  }

  /** The identity list read to its end: no id outside `listed` needs this aspect. */
  completeListing(): void {
    this.listingComplete = true;
    this.changed();
  }

  /** The chain ended (or the part did): the far end takes nothing more. */
  stop(): void {
    this.stopped = true;
    this.changed();
  }

  /** False when the other reader has claimed the id already. */
  claim(id: string): boolean {
    if (this.claimed.has(id)) return false;
    this.claimed.add(id);
    if (this.listed.has(id)) this.unclaimedListed -= 1;
    this.checkWhole();
    return true;
  }

  /** Gives ids back (a far-end read Graph refused): the chain will read them. */
  release(ids: readonly string[]): void {
    for (const id of ids) {
      if (!this.claimed.delete(id)) continue;
      if (!this.listed.has(id)) continue;
      this.unclaimedListed += 1;
      this.stack.push(id);
      this.places.push(Number.POSITIVE_INFINITY);
    }
  }

  /**
   * Where the chain and the far end should meet, as a place in the listing: the far end claims nothing before
   * it. Until the chain has read a page, its pace is unknown and the far end takes the back half.
   */
  meetingPlace(): number {
    if (!this.farRate) return Number.NEGATIVE_INFINITY;
    const total = Math.max(this.expected, this.listed.size);
    const remaining = Math.max(0, total - this.chainPassed - this.farClaimed);
    if (this.chainPassed === 0) return remaining / 2;
    const now = this.now();
    const since = this.chainMarks[0]!;
    const recent = now - since.at > 0 ? (this.chainPassed - since.passed) / (now - since.at) : 0;
    const average = this.chainPassed / Math.max(1, now - this.startedAt);
    const chainRate = Math.max(recent, average) * CHAIN_PACE_MARGIN;
    const farRate = Math.max(0, this.farRate()) / 1000;
    return this.chainPassed + (remaining * chainRate) / (chainRate + farRate);
  }

  /** Claims up to `count` listed ids from the back, none before the meeting place. */
  takeFromBack(count: number): string[] {
    const taken: string[] = [];
    if (this.stopped) return taken;
    const from = this.meetingPlace();
    while (taken.length < count && this.stack.length > 0) {
      if (this.places[this.places.length - 1]! < from) break;
      const id = this.stack.pop()!;
      this.places.pop();
      if (this.claim(id)) taken.push(id);
    }
    this.farClaimed += taken.length;
    return taken;
  }

  /** Every listed id claimed and the listing complete: the chain may stop once the claims are read. */
  get allClaimed(): boolean {
    return this.listingComplete && this.unclaimedListed === 0;
  }

  /** No more far-end reads to come: stopped, or nothing left to claim. */
  get finished(): boolean {
    return this.stopped || this.allClaimed;
  }

  /** Resolves when `allClaimed` becomes true. */
  whenAllClaimed(): Promise<void> {
    this.checkWhole();
    return this.whole.promise;
  }

  /** Resolves at the next listing, chain page, completion or stop. */
  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  private changed(): void {
    this.checkWhole();
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private checkWhole(): void {
    if (this.allClaimed) this.whole.resolve();
  }
}
