package io.leadrouter.store;

import java.util.List;

/**
 * One write-behind flush: the latest position and sequence of each rotation picked since the last flush
 * (one entry per rotation, however many picks) and the assignment rows of those picks. Applying the same
 * batch twice must leave the store as applying it once (a retried flush never double-counts).
 */
public record WriteBatch(List<Progress> progress, List<Assignment> assignments) {

  public WriteBatch {
    progress = List.copyOf(progress);
    assignments = List.copyOf(assignments);
  }

  public record Progress(long rotationId, int position, long sequence) {}

  public boolean isEmpty() {
    return progress.isEmpty() && assignments.isEmpty();
  }
}
