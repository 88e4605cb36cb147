package io.leadrouter.leads;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A lead's {@code owner} is its owner's current email: a user renamed after the lead came in shows renamed. */
@ExtendWith(VertxExtension.class)
class LeadOwnerNamesTest {

  private String uri;
  private PgStore store;
  private TestApp node;
  private Api api;

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    uri = TestPostgres.freshDatabaseUri();
    store = await(Postgres.open(vertx, uri, 4));
    node = await(TestApp.start(vertx, store));
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
  }

  @AfterEach
  void stop() throws Exception {
    await(node.app.stop());
    await(store.close());
    TestPostgres.dropDatabase(uri);
  }

  @Test
  void leadOwnerFollowsTheDirectoryUsersEmail() throws Exception {
    ownerFollowsTheDirectory(api);
  }

  @Test
  void leadOwnerFollowsTheDirectoryUsersEmailInMemoryToo() throws Exception {
    Vertx other = Vertx.vertx(); // a second node needs a Vert.x of its own
    try {
      TestApp memory = await(TestApp.start(other));
      ownerFollowsTheDirectory(new Api(other, memory.port(), TestApp.token(other, "ops@example.com", "2311"), "2311"));
      await(memory.app.stop());
    } finally {
      await(other.close());
    }
  }

  private static void ownerFollowsTheDirectory(Api api) throws Exception {
    JsonObject rotation = await(api.createRotation(new JsonObject().put("name", "web").put("members", new JsonArray()
        .add(new JsonObject().put("email", "ann@example.com").put("weight", 1)))));
    long userId = Long.parseLong(rotation.getJsonArray("members").getJsonObject(0).getString("userId"));
    String token = await(api.post("/lead-rotations/" + rotation.getLong("id") + "/tokens",
        new JsonObject().put("name", "form"))).bodyAsJsonObject().getString("token");
    HttpResponse<Buffer> posted = await(api.as(null, null).request(HttpMethod.POST, "/v1/leads")
        .sendJsonObject(new JsonObject().put("current_token", token).put("firstName", "Jo").put("lastName", "Doe")
            .put("email", "jo@lead.example")));
    assertThat(posted.statusCode()).as(posted.bodyAsString()).isEqualTo(201);
    assertThat(posted.bodyAsJsonObject().getString("owner")).isEqualTo("ann@example.com");
    String lead = posted.bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> renamed = await(api.put("/users/" + userId, new JsonObject().put("email", "ann.b@example.com")));
    assertThat(renamed.statusCode()).as(renamed.bodyAsString()).isEqualTo(200);

    assertThat(await(api.get("/v1/leads/" + lead)).bodyAsJsonObject().getString("owner")).isEqualTo("ann.b@example.com");
    JsonObject page = await(api.get("/v1/leads?owner=" + userId)).bodyAsJsonObject();
    assertThat(page.getJsonArray("items").getJsonObject(0).getString("owner")).isEqualTo("ann.b@example.com");
    JsonObject users = await(api.get("/users/" + userId)).bodyAsJsonObject();
    assertThat(users.getString("email")).isEqualTo("ann.b@example.com");
    JsonArray integration = await(api.get("/api/integration/GetUsers?orgId=2311")).bodyAsJsonArray();
    assertThat(integration.getJsonObject(0).getString("Email")).isEqualTo("ann.b@example.com");
  }
}
