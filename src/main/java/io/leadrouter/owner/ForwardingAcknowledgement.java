package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.rotation.RotationState;
import io.vertx.core.Future;

/**
 * An {@link Acknowledgement} that does what {@code delegate} does: a decorator overrides only what it adds
 * to ({@link AckOnCommit}: when a pick is answered; {@link PickEvents}: announcing picks and deletions).
 */
abstract class ForwardingAcknowledgement implements Acknowledgement {

  protected final Acknowledgement delegate;

  ForwardingAcknowledgement(Acknowledgement delegate) {
    this.delegate = delegate;
  }

  @Override
  public Future<Loaded> load(long id, int partition) {
    return delegate.load(id, partition);
  }

  @Override
  public void attach(long id, Loaded loaded) {
    delegate.attach(id, loaded);
  }

  @Override
  public void detach(long id) {
    delegate.detach(id);
  }

  @Override
  public Future<Void> pick(long id, UserPicked picked, RotationState after) {
    return delegate.pick(id, picked, after);
  }

  @Override
  public boolean settled(long id) {
    return delegate.settled(id);
  }

  @Override
  public Future<Void> whenSettled(long id) {
    return delegate.whenSettled(id);
  }

  @Override
  public Future<Void> save(long id, RotationState before, RotationState next) {
    return delegate.save(id, before, next);
  }

  @Override
  public Future<Void> delete(long id) {
    return delegate.delete(id);
  }

  @Override
  public Future<Void> release(long id, Future<Void> numbersBack) {
    return delegate.release(id, numbersBack);
  }

  @Override
  public int buffered() {
    return delegate.buffered();
  }

  @Override
  public int unacknowledged() {
    return delegate.unacknowledged();
  }

  @Override
  public Future<Void> idle() {
    return delegate.idle();
  }
}
