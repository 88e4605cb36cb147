package io.leadrouter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A rotation's event stream ({@code GET /lead-rotations/{id}/events}) read raw, as it arrives. */
public final class SseStream {

  private final StringBuilder text = new StringBuilder();
  private HttpClientResponse response;
  private volatile boolean ended;

  public static Future<SseStream> open(HttpClient client, int port, long rotation, String token, String account) {
    return open(client, port, rotation, token, account, null);
  }

  /** Resumes after {@code lastEventId} (sent as {@code Last-Event-ID}, as EventSource does on reconnect). */
  public static Future<SseStream> open(HttpClient client, int port, long rotation, String token, String account,
      String lastEventId) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setPort(port).setHost("127.0.0.1")
        .setURI("/lead-rotations/" + rotation + "/events");
    if (token != null) {
      options.addHeader("authorization", "Bearer " + token);
    }
    if (account != null) {
      options.addHeader("x-account-id", account);
    }
    if (lastEventId != null) {
      options.addHeader("last-event-id", lastEventId);
    }
    SseStream stream = new SseStream();
    return client.request(options).compose(r -> r.send()).map(response -> {
      stream.response = response;
      response.handler(stream::append);
      response.endHandler(v -> stream.ended = true);
      return stream;
    });
  }

  public HttpClientResponse response() {
    return response;
  }

  public boolean ended() {
    return ended;
  }

  public synchronized String text() {
    return text.toString();
  }

  private synchronized void append(Buffer b) {
    text.append(b.toString());
  }

  /** Waits (functionally, up to 15 s) until the stream holds {@code count} pick events; returns their data. */
  public List<JsonObject> picks(int count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    List<JsonObject> picks = parse(text());
    while (picks.size() < count && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
      picks = parse(text());
    }
    return picks;
  }

  /** Waits (up to 15 s) until the response ended. */
  public boolean awaitEnd() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!ended && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    return ended;
  }

  /** How many pick events the text holds. */
  public static long countPicks(String text) {
    return text.split("event: pick\n", -1).length - 1;
  }

  /** The sum of the counts of the {@code dropped} events in the text. */
  public static long dropped(String text) {
    long sum = 0;
    for (String event : text.split("\n\n")) {
      if (event.startsWith("event: dropped\n")) {
        sum += new JsonObject(event.split("\n")[1].substring("data: ".length())).getLong("count");
      }
    }
    return sum;
  }

  /**
   * The pick events' data. An event's id, when it has one, is its sequence (a pick another rotation made as
   * the stream's rotation's fallback, or one that came after a higher id, has none: see {@link #ids}).
   */
  static List<JsonObject> parse(String text) {
    List<JsonObject> picks = new ArrayList<>();
    for (String event : text.split("\n\n")) {
      if (event.startsWith("event: pick\n")) {
        String[] lines = event.split("\n");
        JsonObject data = new JsonObject(lines[lines.length - 1].substring("data: ".length()));
        if (lines.length == 3) {
          assertThat(lines[1]).isEqualTo("id: " + data.getLong("sequence"));
        }
        picks.add(data);
      }
    }
    return picks;
  }

  /** The ids of the events in the text, in order. */
  public static List<Long> ids(String text) {
    List<Long> ids = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("id: ")) {
        ids.add(Long.parseLong(line.substring(4)));
      }
    }
    return ids;
  }
}
