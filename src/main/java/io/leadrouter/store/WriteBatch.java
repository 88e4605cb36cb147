package io.leadrouter.store;

import io.leadrouter.rotation.Ledger;
import java.util.List;

/**
 * One write-behind flush: the latest position, sequence and {@link Ledger} of each rotation picked since the
 * last flush (one entry per rotation, however many picks) and the assignment rows of those picks. Applying
 * the same batch twice must leave the store as applying it once (a retried flush never double-counts): the
 * ledger is written with the position, under the same sequence guard, so it never moves backwards either.
 */
public record WriteBatch(List<Progress> progress, List<Assignment> assignments) {

  public WriteBatch {
    progress = List.copyOf(progress);
    assignments = List.copyOf(assignments);
  }

  public record Progress(long rotationId, int position, long sequence, Ledger ledger) {
    public Progress {
      ledger = ledger == null ? Ledger.EMPTY : ledger;
    }

    /** An empty ledger. */
    public Progress(long rotationId, int position, long sequence) {
      this(rotationId, position, sequence, Ledger.EMPTY);
    }
  }

  public boolean isEmpty() {
    return progress.isEmpty() && assignments.isEmpty();
  }
}
