package io.leadrouter.client;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A lead to hand to a rotation's next user: the seed's lead fields ({@code email}, {@code firstName}, …).
 * Over the event bus the caller's JWT authenticates; over HTTP, {@code POST /v1/leads} authenticates with the
 * rotation's ingest token instead, so the HTTP client needs {@code ingestToken}.
 */
public record LeadRequest(String accountId, long rotationId, JsonObject fields, String ingestToken) {

  public LeadRequest {
    Objects.requireNonNull(fields, "fields");
    if (fields.containsKey("current_token")) {
      throw new IllegalArgumentException("fields: the ingest token goes in ingestToken, not current_token");
    }
  }

  public static LeadRequest of(String accountId, long rotationId, JsonObject fields) {
    return new LeadRequest(accountId, rotationId, fields, null);
  }

  public LeadRequest withIngestToken(String token) {
    return new LeadRequest(accountId, rotationId, fields, token);
  }
}
