package io.leadrouter.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Several picks of one rotation made in one call, in order. A batch cut short (a member's failure, nobody
 * eligible any more) lists the picks made and, in {@code error} ({@code code}, {@code message}), why the rest were
 * not; a complete one has {@code error == null}. {@code json} is the whole answer.
 */
public record Picks(long rotationId, int requested, List<Pick> picks, JsonObject error, JsonObject json) {

  /** One pick of the batch. */
  public record Pick(long sequence, long userId, String email, int currentPosition) {}

  static Picks of(JsonObject j) {
    List<Pick> picks = new ArrayList<>();
    for (Object o : j.getJsonArray("picks", new JsonArray())) {
      JsonObject p = (JsonObject) o;
      JsonObject user = p.getJsonObject("user", new JsonObject());
      picks.add(new Pick(p.getLong("sequence"), user.getLong("id", 0L), user.getString("email"),
          p.getInteger("currentPosition", 0)));
    }
    return new Picks(Long.parseLong(String.valueOf(j.getValue("rotationId"))), j.getInteger("requested", picks.size()),
        List.copyOf(picks), j.getJsonObject("error"), j);
  }
}
