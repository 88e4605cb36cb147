package io.leadrouter.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A rotation as {@code GET /lead-rotations/{id}} answers it; {@code json} is the whole answer. */
public record RotationInfo(long id, String accountId, String name, String status, List<String> emails,
    long sequence, JsonObject json) {

  static RotationInfo of(JsonObject j) {
    List<String> emails = new ArrayList<>();
    j.getJsonArray("userRotationArray", new JsonArray()).forEach(e -> emails.add(String.valueOf(e)));
    return new RotationInfo(j.getLong("id"), j.getString("accountId"), j.getString("name"), j.getString("status"),
        List.copyOf(emails), j.getLong("sequence", 0L), j);
  }
}
