package io.leadrouter.store;

import io.leadrouter.error.ApiException;
import io.leadrouter.error.ErrorKind;

/** A store failure the caller can explain; its kind is one of the API's error kinds. */
public class StoreException extends ApiException {

  public enum Kind {
    NOT_FOUND(ErrorKind.NOT_FOUND), CONFLICT(ErrorKind.CONFLICT), INVALID(ErrorKind.INVALID),
    UNAVAILABLE(ErrorKind.UNAVAILABLE);

    private final ErrorKind error;

    Kind(ErrorKind error) {
      this.error = error;
    }
  }

  private final Kind kind;

  public StoreException(Kind kind, String message) {
    this(kind, message, null);
  }

  public StoreException(Kind kind, String message, Throwable cause) {
    super(kind.error, message, cause, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
