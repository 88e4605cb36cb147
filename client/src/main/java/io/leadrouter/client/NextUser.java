package io.leadrouter.client;

import io.vertx.core.json.JsonObject;

/**
 * A pick: whom the lead goes to ({@code userId}, {@code email}), the pick's {@code sequence} (never handed out
 * twice for a rotation), the schedule positions, and the whole answer as the API sent it ({@code json}).
 */
public record NextUser(long rotationId, long sequence, long userId, String email, String nextEmail,
    int currentPosition, int newPosition, int totalUsers, JsonObject json) {

  static NextUser of(JsonObject j) {
    JsonObject user = j.getJsonObject("user", new JsonObject());
    return new NextUser(Long.parseLong(String.valueOf(j.getValue("rotationId"))), j.getLong("sequence"),
        user.getLong("id", 0L), j.getString("currentUser"), j.getString("nextUser"), j.getInteger("currentPosition", 0),
        j.getInteger("newPosition", 0), j.getInteger("totalUsers", 0), j);
  }
}
