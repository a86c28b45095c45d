/** Pieces shorter than this are copied together rather than kept as views (see SegmentList). */
const SMALL_PIECE = 512;
/** First size of a block that small pieces are copied into; it doubles up to MAX_BLOCK. */
const MIN_BLOCK = 64;
const MAX_BLOCK = 16 * 1024;
/** `parts` while empty; never pushed to (see append). */
const NONE: Uint8Array[] = [];

/**
 * Bytes held as a list of segments: large pieces as views into the chunks they came in (no
 * copy), small pieces copied into blocks that grow by doubling.
 *
 * Why: a view costs ~100 bytes of object, whatever its length. A server that trickles a line a
 * byte per read, or sends an event as thousands of 1-byte `data:` lines, would otherwise make the
 * bridge hold ~100 times the bytes it was sent (the caps count bytes, not views). With pieces
 * under 512 bytes coalesced, the overhead stays under ~20 % of the data: views are at least
 * 512 bytes, and a block is at most twice what it holds. Each small byte is copied at most about
 * twice (into its block, and once more for each doubling), so the work stays O(n).
 */
export class SegmentList {
  /** The segments in order; the last one may be a view of a block still being filled. */
  parts: Uint8Array[] = NONE;
  /** Total bytes held. */
  bytes = 0;
  /** The block that `parts`' last segment views, while small pieces are being copied into it. */
  private block: Uint8Array | undefined;
  private blockUsed = 0;

  /** Appends `piece`: kept as a view when it is large (or `asView`), else copied into a block. */
  push(piece: Uint8Array, asView = false): void {
    const n = piece.length;
    if (n === 0) return;
    this.bytes += n;
    if (n >= SMALL_PIECE || asView) {
      this.append(piece);
      this.block = undefined; // order: later small pieces start a new block after this view
      return;
    }
    let block = this.block;
    if (block === undefined || this.blockUsed + n > block.length) {
      if (block !== undefined && this.blockUsed + n <= MAX_BLOCK) {
        // Grow: the block's content moves to one twice the size (and room for this piece).
        const grown = new Uint8Array(Math.min(MAX_BLOCK, Math.max(block.length * 2, this.blockUsed + n)));
        grown.set(block.subarray(0, this.blockUsed));
        block = grown;
      } else {
        block = new Uint8Array(Math.max(MIN_BLOCK, n));
        this.blockUsed = 0;
        this.append(block); // replaced by a view of the right length below
      }
      this.block = block;
    }
    block.set(piece, this.blockUsed);
    this.blockUsed += n;
    this.parts[this.parts.length - 1] = block.subarray(0, this.blockUsed);
  }

  /**
   * The first segment makes a list of exactly one: most SSE events have one data line, and a list
   * grown from [] by push allocates room for 17 (measured: ~15 % of small-event throughput).
   */
  private append(segment: Uint8Array): void {
    if (this.parts.length === 0) this.parts = [segment];
    else this.parts.push(segment);
  }

  /** Hands the segments over and starts empty. */
  take(): Uint8Array[] {
    const parts = this.parts;
    this.clear();
    return parts;
  }

  clear(): void {
    this.parts = NONE;
    this.bytes = 0;
    this.block = undefined;
    this.blockUsed = 0;
  }
}
