package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation.Command;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;

/**
 * A command handed to an owner in this process without the event bus ({@link LocalOwners}): the owner
 * answers it as it answers a message, and the answer completes the sender's promise. A failure reply is the
 * {@link ReplyException} the event bus would have delivered, so the sender reads both alike.
 */
final class LocalCommand implements Message<Command> {

  private final String address;
  private final Command command;
  private final Promise<Object> answer;
  private MultiMap headers;

  LocalCommand(String address, Command command, Promise<Object> answer) {
    this.address = address;
    this.command = command;
    this.answer = answer;
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public MultiMap headers() {
    if (headers == null) {
      headers = MultiMap.caseInsensitiveMultiMap();
    }
    return headers;
  }

  @Override
  public Command body() {
    return command;
  }

  @Override
  public String replyAddress() {
    return null;
  }

  @Override
  public boolean isSend() {
    return true;
  }

  @Override
  public void reply(Object message, DeliveryOptions options) {
    if (message instanceof ReplyException failure) {
      answer.tryFail(failure);
    } else {
      answer.tryComplete(message);
    }
  }

  @Override
  public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
    return Future.failedFuture(new UnsupportedOperationException("an owner's answer to a local command ends it"));
  }
}
