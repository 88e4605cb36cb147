package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Client side of the owners: sends each command to the owner of its rotation's partition and turns failure
 * replies into {@link ServiceException}. On a single node the owners are reached directly ({@link Direct}) or
 * by the local event bus; a cluster member sends through {@link Failover}, which resends while partitions
 * move and fails over at once when an owner's member leaves.
 */
public final class RotationService {

  private final Vertx vertx;
  private final Partitioner partitioner;
  private final DeliveryOptions options;
  /** Single node: the owners reached without the event bus, or null. */
  private final Direct direct;
  /** Cluster member: the sending that follows the owners as they move, or null. */
  private final Failover failover;

  /** Single node: the owners are in this process and never move. */
  public RotationService(Vertx vertx, Partitioner partitioner, long timeoutMs) {
    this(vertx, partitioner, timeoutMs, null, null);
  }

  /**
   * Single node whose owners enter their partitions in {@code local}: commands go to them directly, not
   * through the event bus (see {@link LocalOwners}); with {@code local} null, through the event bus.
   */
  public RotationService(Vertx vertx, Partitioner partitioner, long timeoutMs, LocalOwners local) {
    this(vertx, partitioner, timeoutMs, local == null ? null : new Direct(vertx, local, timeoutMs), null);
  }

  /** Cluster member: resends while partitions move, fails over at once when an owner's member leaves. */
  public RotationService(Vertx vertx, Partitioner partitioner, long timeoutMs, OwnerWatch watch) {
    this(vertx, partitioner, timeoutMs, null, new Failover(vertx, partitioner, timeoutMs, watch));
  }

  private RotationService(Vertx vertx, Partitioner partitioner, long timeoutMs, Direct direct, Failover failover) {
    this.vertx = vertx;
    this.partitioner = partitioner;
    this.options = new DeliveryOptions(Messages.OPTIONS).setSendTimeout(timeoutMs);
    this.direct = direct;
    this.failover = failover;
  }

  public Future<RotationState> get(String accountId, long rotationId) {
    return send(new Rotation.Get(accountId, rotationId));
  }

  /**
   * A pick; when nobody in the rotation is eligible and it names a fallback rotation, that rotation's pick
   * (with {@code fallbackFrom} this rotation), following at most {@link NoEligible#MAX_CHAIN} fallbacks and
   * never one rotation twice.
   */
  public Future<PickReply> pick(String accountId, long rotationId, String requestId) {
    return pick(accountId, rotationId, requestId, null, new LinkedHashSet<>(List.of(rotationId)));
  }

  private Future<PickReply> pick(String accountId, long rotationId, String requestId, Long origin, Set<Long> seen) {
    Future<PickReply> sent = send(new Rotation.Pick(accountId, rotationId, requestId, origin));
    return sent.recover(t -> {
      if (!(t instanceof ServiceException e) || e.details() == null || !e.details().containsKey(NoEligible.NEXT)) {
        return Future.failedFuture(t);
      }
      long next = e.details().getLong(NoEligible.NEXT);
      JsonObject shown = e.details().copy();
      shown.remove(NoEligible.NEXT);
      if (seen.contains(next) || seen.size() > NoEligible.MAX_CHAIN) {
        return Future.failedFuture(new ServiceException(e.status(), e.code(), e.getMessage()
            + "; its fallback chain ends at rotation " + next + " (" + (seen.contains(next) ? "a cycle" : "too long")
            + ")", shown));
      }
      seen.add(next);
      return pick(accountId, next, requestId, origin == null ? rotationId : origin, seen).recover(f ->
          Future.failedFuture(f instanceof ServiceException fe && fe.code().equals(e.code())
              ? new ServiceException(e.status(), e.code(), e.getMessage() + "; fallback rotation " + next + ": "
                  + fe.getMessage(), shown)
              : f));
    });
  }

  /** The next {@code count} picks as the rotation stands now; uses no sequence number. */
  public Future<Outlook> preview(String accountId, long rotationId, int count) {
    return preview(accountId, rotationId, count, null, new LinkedHashSet<>(List.of(rotationId)));
  }

  /** Where nobody is eligible any more, the fallback rotation's plan goes on (as {@link #pick} would). */
  private Future<Outlook> preview(String accountId, long rotationId, int count, Long origin, Set<Long> seen) {
    Future<Outlook> sent = send(new Rotation.Preview(accountId, rotationId, count));
    return sent.compose(o -> {
      Long next = o.fallbackRotationId();
      int left = count - o.planned().size();
      if (next == null || left <= 0 || seen.contains(next) || seen.size() > NoEligible.MAX_CHAIN) {
        return Future.succeededFuture(o);
      }
      seen.add(next);
      long first = origin == null ? rotationId : origin;
      return preview(accountId, next, left, first, seen).map(more -> {
        List<Rotation.Planned> all = new ArrayList<>(o.planned());
        more.planned().forEach(p -> all.add(p.fallbackFrom() == null ? p.asFallbackOf(first) : p));
        return new Outlook(o.rotation(), all, null);
      }).recover(f -> f instanceof ServiceException e && (e.status() == 404 || e.status() == 409)
          ? Future.succeededFuture(o) // the fallback rotation is gone or not active: a pick would stop here too
          : Future.failedFuture(f));
    });
  }

  /** Every member with its cap counts, owed turns and eligibility now. */
  public Future<Outlook> members(String accountId, long rotationId) {
    return send(new Rotation.Explain(accountId, rotationId));
  }

  public Future<RotationState> update(Rotation.Update update) {
    return send(update);
  }

  /** One member's settings, changed by the owner on the state it holds. */
  public Future<RotationState> update(Rotation.PatchMember patch) {
    return send(patch);
  }

  public Future<RotationState> changeStatus(Rotation.ChangeStatus change) {
    return send(change);
  }

  /** Completes with the rotation as it was before deletion. */
  public Future<RotationState> delete(Rotation.Delete delete) {
    return send(delete);
  }

  @SuppressWarnings("unchecked")
  private <T> Future<T> send(Rotation.Command command) {
    if (failover != null) {
      return (Future<T>) failover.send(command);
    }
    int partition = partitioner.partitionOf(command.rotationId());
    String address = Partitioner.address(partition);
    Future<Object> answer = direct == null ? null : direct.send(partition, address, command);
    if (answer == null) { // no owner reached directly: by the event bus
      answer = vertx.eventBus().request(address, command, options).map(Message::body);
    }
    return answer.transform(ar -> ar.succeeded() ? Future.succeededFuture((T) ar.result())
        : Future.failedFuture(Messages.answer(ar.cause())));
  }
}
