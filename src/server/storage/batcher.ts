/**
 * Group commit: calls that arrive while a batch is being written wait and go together in the next one. Under light load a
 * batch holds one call and waits only for the current turn of the event loop; under heavy load batches grow by
 * themselves, so the fixed cost of a round trip and a commit is shared by everyone who arrived meanwhile.
 */

/** What a batch run answers for one of its items: its result, or the error for that item alone. */
export type BatchOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/** Options of a batcher. */
export interface BatcherOptions {
  /** The most items one batch takes. */
  maxBatch: number;
  /** How many batches may run at once (1: strictly one after another). */
  maxInFlight: number;
}

/** Collects items into batches and runs them, answering every caller with its own outcome. */
export class Batcher<I, O> {
  private queue: Waiting<I, O>[] = [];
  private running = 0;
  private scheduled = false;

  constructor(private readonly run: (items: I[]) => Promise<BatchOutcome<O>[]>, private readonly options: BatcherOptions) {}

  /** Queues an item; resolves with its result once the batch holding it has been written. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.options.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.running >= this.options.maxInFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.running++;
    this.schedule();
    try {
      const outcomes = await this.run(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const outcome = outcomes[i];
        if (!outcome) w.reject(new Error('batch returned no outcome for an item'));
        else if (outcome.ok) w.resolve(outcome.value);
        else w.reject(outcome.error);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.running--;
      this.schedule();
    }
  }
}
