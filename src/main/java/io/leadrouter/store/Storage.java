package io.leadrouter.store;

import io.vertx.core.Future;

/**
 * One opened store: its ports, each handed only to the consumers that use it, and its lifecycle. The
 * wiring holds this; consumers never do. The leads have their own port ({@code leads.LeadStore}), which the
 * wiring builds on the same database: this package knows nothing of leads.
 *
 * <ul>
 *   <li>{@link RotationStore}: the owners (rotation state, sequence blocks, write-behind flush) and the
 *       rotation routes (create, list);
 *   <li>{@link Directory}: users and teams, for the directory routes, members and reassignment;
 *   <li>{@link AssignmentLog}: the history and stats reads, and retention.
 * </ul>
 */
public abstract class Storage {

  private final RotationStore rotations;
  private final Directory directory;
  private final AssignmentLog assignmentLog;

  protected Storage(RotationStore rotations, Directory directory, AssignmentLog assignmentLog) {
    this.rotations = rotations;
    this.directory = directory;
    this.assignmentLog = assignmentLog;
  }

  public final RotationStore rotations() {
    return rotations;
  }

  public final Directory directory() {
    return directory;
  }

  public final AssignmentLog assignmentLog() {
    return assignmentLog;
  }

  /** Completes once the store answers (readiness); the in-memory store always does. */
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  public abstract Future<Void> close();
}
