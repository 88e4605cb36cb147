package io.leadrouter.client;

import io.vertx.core.json.JsonObject;

/** A stored lead with its owner (the rotation's pick, {@code sequence}); {@code json} is the whole answer. */
public record Lead(String id, String owner, Long ownerUserId, long rotationId, long sequence, JsonObject json) {

  static Lead of(JsonObject j) {
    Object rotation = j.getValue("rotationId");
    Object ownerId = j.getValue("ownerUserId");
    return new Lead(String.valueOf(j.getValue("id")), j.getString("owner"),
        ownerId == null ? null : Long.valueOf(String.valueOf(ownerId)),
        rotation == null ? 0 : Long.parseLong(String.valueOf(rotation)), j.getLong("sequence", 0L), j);
  }
}
