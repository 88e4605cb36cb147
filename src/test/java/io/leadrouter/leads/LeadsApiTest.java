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
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Leads posted with ingest tokens, against a real Postgres. */
@ExtendWith(VertxExtension.class)
class LeadsApiTest {

  private Vertx vertx;
  private String uri;
  private PgStore store;
  private TestApp node;
  private Api api;
  private long rotation;
  private String token;

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    uri = TestPostgres.freshDatabaseUri();
    startNode();
    rotation = await(api.createRotation(new JsonObject().put("name", "web").put("members", new JsonArray()
        .add(new JsonObject().put("email", "ann@example.com").put("weight", 3))
        .add(new JsonObject().put("email", "bob@example.com").put("weight", 1))))).getLong("id");
    HttpResponse<Buffer> created = await(api.post("/lead-rotations/" + rotation + "/tokens",
        new JsonObject().put("name", "Web form")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    token = created.bodyAsJsonObject().getString("token");
    assertThat(token).startsWith("lrt_");
  }

  private void startNode() throws Exception {
    store = await(Postgres.open(vertx, uri, 4));
    node = await(TestApp.start(vertx, store));
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
  }

  private void stopNode() throws Exception {
    await(node.app.stop());
    await(store.close());
  }

  @AfterEach
  void stop() throws Exception {
    stopNode();
    TestPostgres.dropDatabase(uri);
  }

  private HttpResponse<Buffer> postLead(JsonObject lead, String key) throws Exception {
    var req = api.as(null, null).request(HttpMethod.POST, "/v1/leads");
    if (key != null) {
      req.putHeader("Idempotency-Key", key);
    }
    return await(req.sendJsonObject(lead));
  }

  private JsonObject lead(String first) {
    return new JsonObject().put("current_token", token).put("firstName", first).put("lastName", "Doe")
        .put("email", first.toLowerCase() + "@lead.example").put("phone", "+1 555 0100").put("leadSource", "web")
        .put("do_not_call", true).put("mailingCity", "Austin");
  }

  private long sequence() throws Exception {
    return await(api.get("/lead-rotations/" + rotation)).bodyAsJsonObject().getLong("sequence");
  }

  private long leadCount() throws Exception {
    return await(api.get("/v1/leads")).bodyAsJsonObject().getLong("total");
  }

  private HttpResponse<Buffer> postRaw(String json, String key) throws Exception {
    var req = api.as(null, null).request(HttpMethod.POST, "/v1/leads").putHeader("content-type", "application/json");
    if (key != null) {
      req.putHeader("Idempotency-Key", key);
    }
    return await(req.sendBuffer(Buffer.buffer(json)));
  }

  /** Runs SQL on the test database directly (JDBC, the test thread). */
  private void sql(String statement) throws SQLException {
    try (Connection c = Postgres.connectJdbc(uri); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /**
   * A real Postgres refusal of a lead insert, whatever the HTTP edge lets through: a trigger that raises
   * for leads named Refused (an unexpected error) and Invalid (a data error, SQLSTATE 22023).
   */
  private void refuseSomeLeads() throws SQLException {
    sql("CREATE FUNCTION refuse_lead() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + "IF NEW.fields->>'firstName' = 'Refused' THEN RAISE EXCEPTION 'refused by the test'; END IF; "
        + "IF NEW.fields->>'firstName' = 'Invalid' THEN RAISE EXCEPTION 'value refused by the test' USING ERRCODE = '22023'; END IF; "
        + "RETURN NEW; END $$");
    sql("CREATE TRIGGER refuse_lead BEFORE INSERT ON lead FOR EACH ROW EXECUTE PROCEDURE refuse_lead()");
  }

  @Test
  void leadsGetTheOwnersTheScheduleSaysAndAreStored() throws Exception {
    List<String> owners = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (String first : List.of("A", "B", "C", "D", "E")) {
      HttpResponse<Buffer> r = postLead(lead(first), null);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      JsonObject body = r.bodyAsJsonObject();
      owners.add(body.getString("owner"));
      ids.add(Long.parseLong(body.getString("id")));
      assertThat(body.getString("rotationId")).isEqualTo(String.valueOf(rotation));
      assertThat(body.getLong("sequence")).isEqualTo(owners.size());
      assertThat(body.getString("created_by")).isEqualTo("token:Web form");
    }
    // weights 3,1 give a a b a, then repeat
    assertThat(owners).containsExactly("ann@example.com", "ann@example.com", "bob@example.com", "ann@example.com",
        "ann@example.com");
    JsonObject stored = await(api.get("/v1/leads/" + ids.get(2))).bodyAsJsonObject();
    assertThat(stored.getString("firstName")).isEqualTo("C");
    assertThat(stored.getString("owner")).isEqualTo("bob@example.com");
    assertThat(stored.getBoolean("do_not_call")).isTrue();
    assertThat(stored.getBoolean("email_opt_out")).isFalse();
    assertThat(stored.getString("mailingCity")).isEqualTo("Austin");
    // the seed's fields: text ones as sent (unset ones left out), flags always, the service's own always
    assertThat(stored.fieldNames()).containsExactlyInAnyOrder("id", "owner", "ownerUserId", "created_at",
        "created_by", "last_modified_by", "firstName", "lastName", "email", "phone", "leadSource", "mailingCity",
        "do_not_call", "email_opt_out", "fax_opt_out", "invalid_lead", "rotationId", "sequence");
    assertThat(stored.getValue("id")).isInstanceOf(String.class);
    long bob = stored.getLong("ownerUserId");
    JsonObject byOwner = await(api.get("/v1/leads?owner=" + bob)).bodyAsJsonObject();
    assertThat(byOwner.getLong("total")).isEqualTo(1);
    assertThat(await(api.get("/v1/leads?rotationId=" + rotation + "&limit=2")).bodyAsJsonObject()
        .getJsonArray("items")).hasSize(2);
    JsonObject history = await(api.get("/v1/leads/" + ids.get(2) + "/assignments")).bodyAsJsonObject();
    assertThat(history.getJsonArray("agents").getJsonObject(0).getString("email")).isEqualTo("bob@example.com");
    assertThat(history.getJsonArray("agents").getJsonObject(0).getBoolean("primary")).isTrue();
    assertThat(history.getJsonArray("history").getJsonObject(0).getString("kind")).isEqualTo("assigned");
    // another account sees none of it
    Api stranger = api.as(TestApp.token(vertx, "eve@example.com", "7777"), "7777");
    assertThat(await(stranger.get("/v1/leads/" + ids.get(0))).statusCode()).isEqualTo(404);
    assertThat(await(stranger.get("/v1/leads")).bodyAsJsonObject().getLong("total")).isZero();
    assertThat(await(api.as(null, null).get("/v1/leads")).statusCode()).isEqualTo(401);
  }

  @Test
  void revokedAndUnknownTokensAreUnauthorized() throws Exception {
    JsonArray tokens = await(api.get("/lead-rotations/" + rotation + "/tokens")).bodyAsJsonObject().getJsonArray("items");
    assertThat(tokens).hasSize(1);
    assertThat(tokens.getJsonObject(0).containsKey("token")).as("the secret is shown once only").isFalse();
    long tokenId = tokens.getJsonObject(0).getLong("id");
    assertThat(postLead(lead("A").put("current_token", "lrt_nope"), null).statusCode()).isEqualTo(401);
    assertThat(postLead(lead("A").put("current_token", null), null).statusCode()).isEqualTo(401);
    assertThat(await(api.delete("/lead-rotations/" + rotation + "/tokens/" + tokenId)).statusCode()).isEqualTo(204);
    HttpResponse<Buffer> revoked = postLead(lead("A"), null);
    assertThat(revoked.statusCode()).isEqualTo(401);
    assertThat(revoked.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("revoked");
    assertThat(sequence()).isZero();
    assertThat(leadCount()).isZero();
    Api stranger = api.as(TestApp.token(vertx, "eve@example.com", "7777"), "7777");
    assertThat(await(stranger.get("/lead-rotations/" + rotation + "/tokens")).statusCode()).isEqualTo(404);
  }

  @Test
  void archivedRotationsRefuseLeads() throws Exception {
    await(api.patch("/lead-rotations/" + rotation + "/status", new JsonObject().put("status", "archived")));
    HttpResponse<Buffer> r = postLead(lead("A"), null);
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(leadCount()).isZero();
  }

  @Test
  void badFieldsAreRefusedWithNoLeadStoredAndNoPickConsumed() throws Exception {
    for (JsonObject bad : List.of(lead("A").put("do_not_call", "yes"), lead("A").put("firstName", 5),
        lead("A").put("favouriteColour", "red"), lead("A").put("owner", "me@example.com"),
        lead("A").put("email", "not-an-email"), lead("A").put("title", "t".repeat(2001)))) {
      HttpResponse<Buffer> r = postLead(bad, null);
      assertThat(r.statusCode()).as(bad.encode()).isEqualTo(400);
      String field = bad.fieldNames().stream().filter(f -> r.bodyAsString().contains(f + ":")).findFirst().orElse("");
      assertThat(field).as("message names the field: %s", r.bodyAsString()).isNotEmpty();
    }
    assertThat(sequence()).isZero();
    assertThat(leadCount()).isZero();
  }

  @Test
  void fiftyConcurrentRetriesWithOneKeyMakeOnePickAndAnswerAlike() throws Exception {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(api.as(null, null).request(HttpMethod.POST, "/v1/leads").putHeader("Idempotency-Key", "lead-42")
          .sendJsonObject(lead("A")));
    }
    await(Future.join(calls));
    Set<String> bodies = new HashSet<>();
    for (Future<HttpResponse<Buffer>> c : calls) {
      assertThat(c.result().statusCode()).as(c.result().bodyAsString()).isEqualTo(201);
      bodies.add(c.result().bodyAsString());
    }
    assertThat(bodies).hasSize(1);
    assertThat(sequence()).isEqualTo(1);
    assertThat(leadCount()).isEqualTo(1);

    HttpResponse<Buffer> other = postLead(lead("B"), "lead-42");
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("Idempotency-Key");
  }

  @Test
  void nextUserWithAKeyPicksOnceAlsoAcrossARestart() throws Exception {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(api.request(HttpMethod.POST, "/lead-rotations/" + rotation + "/next-user")
          .putHeader("Idempotency-Key", "pick-1").send());
    }
    await(Future.join(calls));
    Set<String> bodies = new HashSet<>();
    calls.forEach(c -> {
      assertThat(c.result().statusCode()).isEqualTo(200);
      bodies.add(c.result().bodyAsString());
    });
    assertThat(bodies).hasSize(1);
    JsonObject first = new JsonObject(bodies.iterator().next());
    assertThat(first.getLong("sequence")).isEqualTo(1);
    assertThat(first.fieldNames()).contains("user", "rotationId", "newPosition", "totalUsers", "currentUser",
        "nextUser", "rotation", "currentPosition");

    stopNode();
    startNode();
    HttpResponse<Buffer> retry = await(api.request(HttpMethod.POST, "/lead-rotations/" + rotation + "/next-user")
        .putHeader("Idempotency-Key", "pick-1").send());
    assertThat(retry.bodyAsString()).isEqualTo(first.encode());
    HttpResponse<Buffer> fresh = await(api.request(HttpMethod.POST, "/lead-rotations/" + rotation + "/next-user")
        .putHeader("Idempotency-Key", "pick-2").send());
    assertThat(fresh.bodyAsJsonObject().getLong("sequence")).isEqualTo(2);
    assertThat(await(api.request(HttpMethod.POST, "/lead-rotations/" + rotation + "/next-user").send())
        .bodyAsJsonObject().getLong("sequence")).as("no key: a plain pick").isEqualTo(3);
  }

  @Test
  void aLeadTheStoreRefusesKeepsItsOnePickForTheRetriesWithTheSameKey() throws Exception {
    refuseSomeLeads();
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> r = postLead(lead("Refused"), "refused-1");
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(503);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("Idempotency-Key");
    }
    assertThat(sequence()).as("picks made by five attempts with one key").isEqualTo(1);
    assertThat(leadCount()).isZero();

    sql("DROP TRIGGER refuse_lead ON lead");
    HttpResponse<Buffer> stored = postLead(lead("Refused"), "refused-1");
    assertThat(stored.statusCode()).as(stored.bodyAsString()).isEqualTo(201);
    assertThat(stored.bodyAsJsonObject().getLong("sequence")).as("the pick the first attempt made").isEqualTo(1);
    assertThat(postLead(lead("Refused"), "refused-1").bodyAsString()).isEqualTo(stored.bodyAsString());
    assertThat(sequence()).isEqualTo(1);
    assertThat(leadCount()).isEqualTo(1);
  }

  @Test
  void valuesTheStoreCannotHoldAreBadRequestsThatPickNothing() throws Exception {
    // NUL cannot be stored in Postgres text or jsonb; a lone surrogate has no UTF-8 form
    String nul = "{\"current_token\":\"" + token + "\",\"firstName\":\"A\\u0000B\"}";
    String surrogate = "{\"current_token\":\"" + token + "\",\"lastName\":\"\\ud800x\"}";
    for (String body : List.of(nul, surrogate)) {
      for (String key : new String[] {null, "bad-text"}) {
        HttpResponse<Buffer> r = postRaw(body, key);
        assertThat(r.statusCode()).as(body + " -> " + r.bodyAsString()).isEqualTo(400);
      }
    }
    assertThat(sequence()).isZero();
    assertThat(leadCount()).isZero();
  }

  @Test
  void aDataErrorOfTheStoreIsABadRequestAndItsRetriesPickNoMore() throws Exception {
    refuseSomeLeads();
    HttpResponse<Buffer> first = postLead(lead("Invalid"), "invalid-1");
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(400);
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> retry = postLead(lead("Invalid"), "invalid-1");
      assertThat(retry.statusCode()).isEqualTo(400);
      assertThat(retry.bodyAsString()).isEqualTo(first.bodyAsString());
    }
    assertThat(sequence()).as("only the first attempt picked").isEqualTo(1);
    assertThat(leadCount()).isZero();
  }

  /** Every field of the seed's lead that a sender sets (the service sets id, owner, created_*, last_modified_by). */
  private static final List<String> SEED_TEXT = List.of("assistant", "assistant_phone", "avatar", "birthdate",
      "controller", "department", "description", "email", "fax", "firstName", "handle", "languages", "lastName",
      "leadSource", "mailingCity", "mailingCountry", "mailingGeocodeAccuracy", "mailingState", "mailingStreet",
      "phone", "photoUrl", "processor", "title");
  private static final List<String> SEED_FLAGS = List.of("do_not_call", "email_opt_out", "fax_opt_out",
      "invalid_lead");

  @Test
  void everySeedLeadFieldIsAcceptedAndAnUnknownOneIsRefusedByName() throws Exception {
    JsonObject all = new JsonObject().put("current_token", token);
    SEED_TEXT.forEach(f -> all.put(f, f.equals("email") ? "x@lead.example" : "v-" + f));
    SEED_FLAGS.forEach(f -> all.put(f, true));
    HttpResponse<Buffer> r = postLead(all, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject stored = await(api.get("/v1/leads/" + r.bodyAsJsonObject().getString("id"))).bodyAsJsonObject();
    SEED_TEXT.forEach(f -> assertThat(stored.getString(f)).as(f).isEqualTo(all.getString(f)));
    SEED_FLAGS.forEach(f -> assertThat(stored.getBoolean(f)).as(f).isTrue());

    HttpResponse<Buffer> typo = postLead(lead("A").put("firstname", "a"), null);
    assertThat(typo.statusCode()).isEqualTo(400);
    assertThat(typo.bodyAsJsonObject().getJsonObject("error").getString("message"))
        .startsWith("firstname: unknown field");
    assertThat(sequence()).as("only the good lead picked").isEqualTo(1);
  }

  @Test
  void aKeyedLeadRefusedWhileArchivedIsAcceptedOnceReactivated() throws Exception {
    await(api.patch("/lead-rotations/" + rotation + "/status", new JsonObject().put("status", "archived")));
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> r = postLead(lead("A"), "while-archived");
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
    }
    await(api.patch("/lead-rotations/" + rotation + "/status", new JsonObject().put("status", "active")));
    HttpResponse<Buffer> accepted = postLead(lead("A"), "while-archived");
    assertThat(accepted.statusCode()).as("the 409 was not replayed: %s", accepted.bodyAsString()).isEqualTo(201);
    assertThat(postLead(lead("A"), "while-archived").bodyAsString()).as("the 201 is").isEqualTo(accepted.bodyAsString());
    assertThat(sequence()).isEqualTo(1);
    assertThat(leadCount()).isEqualTo(1);

    await(api.patch("/lead-rotations/" + rotation + "/status", new JsonObject().put("status", "queued")));
    HttpResponse<Buffer> queued = await(api.request(HttpMethod.POST, "/lead-rotations/" + rotation + "/next-user")
        .putHeader("Idempotency-Key", "pick-queued").send());
    assertThat(queued.statusCode()).isEqualTo(409);
    await(api.patch("/lead-rotations/" + rotation + "/status", new JsonObject().put("status", "active")));
    HttpResponse<Buffer> picked = await(api.request(HttpMethod.POST, "/lead-rotations/" + rotation + "/next-user")
        .putHeader("Idempotency-Key", "pick-queued").send());
    assertThat(picked.statusCode()).as(picked.bodyAsString()).isEqualTo(200);
    assertThat(picked.bodyAsJsonObject().getLong("sequence")).isEqualTo(2);
  }

  @Test
  void aRetryWithTheSameJsonInAnotherKeyOrderAndSpacingIsTheSameRequest() throws Exception {
    String first = "{\"current_token\":\"" + token + "\",\"firstName\":\"A\",\"do_not_call\":true}";
    String reordered = "{ \"do_not_call\" : true,\n  \"firstName\": \"A\", \"current_token\": \"" + token + "\" }";
    HttpResponse<Buffer> a = postRaw(first, "json-1");
    assertThat(a.statusCode()).as(a.bodyAsString()).isEqualTo(201);
    HttpResponse<Buffer> b = postRaw(reordered, "json-1");
    assertThat(b.statusCode()).as(b.bodyAsString()).isEqualTo(201);
    assertThat(b.bodyAsString()).isEqualTo(a.bodyAsString());
    assertThat(postRaw(first.replace("\"A\"", "\"B\""), "json-1").statusCode()).as("another request").isEqualTo(422);
    assertThat(sequence()).isEqualTo(1);

    String body = "{\"a\":1,\"b\":[{\"y\":2,\"x\":1}]}";
    String same = " {\"b\": [ {\"x\":1, \"y\":2} ], \"a\": 1} ";
    HttpResponse<Buffer> p1 = await(api.request(HttpMethod.POST, "/lead-rotations/" + rotation + "/next-user")
        .putHeader("Idempotency-Key", "json-2").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
    HttpResponse<Buffer> p2 = await(api.request(HttpMethod.POST, "/lead-rotations/" + rotation + "/next-user")
        .putHeader("Idempotency-Key", "json-2").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(same)));
    assertThat(p1.statusCode()).isEqualTo(200);
    assertThat(p2.bodyAsString()).isEqualTo(p1.bodyAsString());
    assertThat(sequence()).isEqualTo(2);
  }
}
