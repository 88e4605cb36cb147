package io.leadrouter.owner;

import io.leadrouter.error.ApiException;
import io.leadrouter.error.ErrorKind;
import io.vertx.core.json.JsonObject;

/**
 * A failed command as the owners' client reports it: the failure code of the owner's reply (an HTTP status
 * of the {@link io.leadrouter.error.ErrorKind} table), or 503 when no owner answered.
 */
public final class ServiceException extends ApiException {

  public ServiceException(int status, String message) {
    super(status, message);
  }

  /** With a finer code and details (see {@link ApiException#details()}). */
  public ServiceException(int status, String code, String message, JsonObject details) {
    super(ErrorKind.of(status), code, message, details);
  }
}
