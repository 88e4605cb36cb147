package io.leadrouter.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.leadrouter.Stores;
import io.leadrouter.edge.Contract;
import io.leadrouter.store.memory.InMemoryStore;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document served at {@code /openapi.json} is the contract: every route is documented, and real
 * responses of every operation, for every documented status, pass vert.x-openapi's {@link ResponseValidator}
 * (status, content type, body against the schema; response objects are closed, so an undocumented field fails).
 */
@ExtendWith(VertxExtension.class)
class OpenApiContractTest {

  /** Routes without a JWT ({@code POST /v1/leads} authenticates with the ingest token in its body). */
  static final Set<String> PUBLIC = Set.of("GET /health/live", "GET /health/ready", "GET /metrics",
      "GET /openapi.json", "POST /v1/leads", "GET /", "GET /console/config.json");

  /** Routes before the body handler: no body limit. */
  static final Set<String> BEFORE_BODY_HANDLER = Set.of("GET /health/live", "GET /health/ready", "GET /metrics",
      "GET /openapi.json", "GET /", "GET /console/config.json");

  private static final String ACCOUNT = "2311";
  private static final int WRITE_BUFFER_MAX = 50;

  private final AtomicBoolean storeDown = new AtomicBoolean();
  private Vertx vertx;
  private TestApp node;
  private Api api;
  private Api anonymous;
  private Api twoAccounts;
  private Api stranger;
  private JsonObject document;
  private OpenAPIContract contract;
  private ResponseValidator validator;
  /** "operationId status" of every validated response. */
  private final Set<String> exercised = new TreeSet<>();

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    node = await(TestApp.start(vertx, FlakyStore.wrap(Stores.of(new InMemoryStore()), storeDown),
        "--write-buffer-max", String.valueOf(WRITE_BUFFER_MAX)));
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", ACCOUNT), ACCOUNT);
    anonymous = api.as(null, null);
    twoAccounts = api.as(TestApp.token(vertx, "ops@example.com", ACCOUNT, "9999"), null);
    stranger = api.as(TestApp.token(vertx, "eve@example.com", "7777"), ACCOUNT);
    HttpResponse<Buffer> served = await(anonymous.get("/openapi.json"));
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.getHeader("content-type")).isEqualTo("application/json");
    document = served.bodyAsJsonObject();
    // loading validates the document against the OpenAPI 3.1 meta-schema and resolves every $ref
    contract = await(OpenAPIContract.from(vertx, Contract.parseable(document)));
    validator = ResponseValidator.create(vertx, contract);
    validate(HttpMethod.GET, "/openapi.json", served);
  }

  @AfterEach
  void stop() throws Exception {
    storeDown.set(false);
    await(node.app.stop());
  }

  // ---- the document lists exactly the routes ----------------------------------------------------------

  @Test
  void everyRouteIsDocumentedAndNothingElse() throws Exception {
    Set<String> documented = contract.operations().stream()
        .map(op -> op.getHttpMethod().name() + " " + op.getOpenAPIPath().replaceAll("\\{([^}]+)}", ":$1"))
        .collect(Collectors.toCollection(TreeSet::new));
    // both ways against the routes of the router the running node really built
    assertThat(node.app.httpRoutes()).as("the router's routes").containsExactlyElementsOf(documented);
    assertThat(contract.getVersion().name()).isEqualTo("V3_1");

    // bearer JWT everywhere except the public routes, which say so explicitly
    assertThat(document.getJsonArray("security")).isEqualTo(new JsonArray().add(new JsonObject().put("bearerAuth", new JsonArray())));
    for (Operation op : contract.operations()) {
      String route = op.getHttpMethod().name() + " " + op.getOpenAPIPath().replaceAll("\\{([^}]+)}", ":$1");
      JsonObject raw = rawOperation(op);
      if (PUBLIC.contains(route)) {
        assertThat(raw.getJsonArray("security")).as(route).isEqualTo(new JsonArray());
      } else {
        assertThat(raw.containsKey("security")).as(route + " must inherit the bearer requirement").isFalse();
      }
      assertThat(op.getOperationId()).as(route).isNotBlank();
    }
  }

  // ---- every operation, every documented status, validated --------------------------------------------

  @Test
  void everyOperationAnswersAsDocumented() throws Exception {
    // public routes
    call(200, anonymous, HttpMethod.GET, "/health/live", null);
    JsonObject ready = json(call(200, anonymous, HttpMethod.GET, "/health/ready", null));
    assertThat(ready.getString("status")).isEqualTo("UP");
    assertThat(call(200, anonymous, HttpMethod.GET, "/metrics", null).bodyAsString()).contains("leadrouter_");
    HttpResponse<Buffer> root = await(anonymous.request(HttpMethod.GET, "/").followRedirects(false).send());
    assertThat(root.statusCode()).isEqualTo(302);
    validate(HttpMethod.GET, "/", root);
    assertThat(json(call(200, anonymous, HttpMethod.GET, "/console/config.json", null)).getBoolean("devMode")).isFalse();

    // users
    long ann = id(call(201, api, HttpMethod.POST, "/users", new JsonObject().put("email", "ann@example.com")
        .put("name", "Ann").put("roles", new JsonArray().add("loan-officer"))));
    long bob = id(call(201, api, HttpMethod.POST, "/users", new JsonObject().put("email", "bob@example.com")
        .put("roles", new JsonArray().add("loan-officer")).put("active", true)));
    call(409, api, HttpMethod.POST, "/users", new JsonObject().put("email", "ANN@example.com"));
    call(400, api, HttpMethod.POST, "/users", rejectedByRequestSchema("createUser", new JsonObject().put("email", "no-at-sign")));
    call(415, api, HttpMethod.POST, "/users", text("email=ann@example.com"));
    call(200, api, HttpMethod.GET, "/users?limit=10&offset=0", null);
    call(200, api, HttpMethod.GET, "/users/" + ann, null);
    call(404, api, HttpMethod.GET, "/users/999999", null);
    call(400, api, HttpMethod.GET, "/users/abc", null);
    call(200, api, HttpMethod.PUT, "/users/" + bob, new JsonObject().put("name", "Bob")
        .put("roles", new JsonArray().add("loan-officer").add("closer")));
    call(409, api, HttpMethod.PUT, "/users/" + bob, new JsonObject().put("email", "ann@example.com"));
    call(404, api, HttpMethod.PUT, "/users/999999", new JsonObject().put("name", "Nobody"));
    call(400, api, HttpMethod.PUT, "/users/" + bob, rejectedByRequestSchema("updateUser", new JsonObject().put("active", "yes")));
    call(400, api, HttpMethod.POST, "/users", rejectedByRequestSchema("createUser", new JsonObject()
        .put("email", "cy@example.com").put("role", "closer")));
    call(400, api, HttpMethod.PUT, "/users/" + bob, rejectedByRequestSchema("updateUser", new JsonObject().put("nme", "B")));
    call(415, api, HttpMethod.PUT, "/users/" + bob, text("name=Bob"));
    long temp = id(call(201, api, HttpMethod.POST, "/users", new JsonObject().put("email", "temp@example.com")));
    call(204, api, HttpMethod.DELETE, "/users/" + temp, null);
    call(404, api, HttpMethod.DELETE, "/users/" + temp, null);
    call(400, api, HttpMethod.DELETE, "/users/-1", null);

    // teams
    long team = id(call(201, api, HttpMethod.POST, "/teams", new JsonObject().put("name", "Closers")
        .put("members", new JsonArray().add(new JsonObject().put("userId", ann)).add("carl@example.com"))));
    call(400, api, HttpMethod.POST, "/teams", rejectedByRequestSchema("createTeam", new JsonObject().put("name", "")));
    call(400, api, HttpMethod.POST, "/teams", rejectedByRequestSchema("createTeam", new JsonObject().put("name", "T")
        .put("members", new JsonArray().add(new JsonObject().put("email", "ann@example.com").put("weight", 2)))));
    call(415, api, HttpMethod.POST, "/teams", text("name=Closers"));
    call(200, api, HttpMethod.GET, "/teams", null);
    call(200, api, HttpMethod.GET, "/teams/" + team, null);
    call(404, api, HttpMethod.GET, "/teams/999999", null);
    call(400, api, HttpMethod.GET, "/teams/0", null);
    call(200, api, HttpMethod.PUT, "/teams/" + team, new JsonObject().put("active", true).put("members", new JsonArray()
        .add(new JsonObject().put("userId", String.valueOf(ann))).add(new JsonObject().put("email", "carl@example.com").put("name", "Carl"))));
    call(404, api, HttpMethod.PUT, "/teams/999999", new JsonObject().put("name", "Nobody"));
    call(400, api, HttpMethod.PUT, "/teams/" + team, rejectedByRequestSchema("updateTeam", new JsonObject().put("name", " ")));
    call(415, api, HttpMethod.PUT, "/teams/" + team, text("name=x"));
    long tempTeam = id(call(201, api, HttpMethod.POST, "/teams", new JsonObject().put("name", "Temp").put("active", false)));
    call(204, api, HttpMethod.DELETE, "/teams/" + tempTeam, null);
    call(404, api, HttpMethod.DELETE, "/teams/" + tempTeam, null);
    call(400, api, HttpMethod.DELETE, "/teams/x", null);

    // lead rotations
    long weighted = id(call(201, api, HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", "Inbound web")
        .put("members", new JsonArray().add(new JsonObject().put("userId", ann).put("weight", 3))
            .add(new JsonObject().put("email", "bob@example.com").put("weight", 1)).add("dan@example.com"))));
    JsonObject fromTeam = json(call(201, api, HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", "From team")
        .put("teamId", team)));
    assertThat(fromTeam.containsKey("team")).isTrue();
    long queued = id(call(201, api, HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", "Seed style")
        .put("status", "queued").put("userRotationArray", new JsonArray().add("ann@example.com"))));
    long empty = id(call(201, api, HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", "Empty")
        .put("members", new JsonArray())));
    call(400, api, HttpMethod.POST, "/lead-rotations", rejectedByRequestSchema("createLeadRotation", new JsonObject()
        .put("name", "x").put("members", new JsonArray().add(new JsonObject().put("email", "a@example.com").put("weight", 11)))));
    call(400, api, HttpMethod.POST, "/lead-rotations", rejectedByRequestSchema("createLeadRotation", new JsonObject()
        .put("name", "x").put("members", new JsonArray().add(new JsonObject().put("email", "a@example.com").put("weigth", 5)))));
    call(400, api, HttpMethod.PUT, "/lead-rotations/" + weighted, rejectedByRequestSchema("updateLeadRotation",
        new JsonObject().put("nmae", "x")));
    call(400, api, HttpMethod.PATCH, "/lead-rotations/" + weighted + "/status", rejectedByRequestSchema(
        "changeLeadRotationStatus", new JsonObject().put("status", "active").put("reason", "x")));
    call(415, api, HttpMethod.POST, "/lead-rotations", text("name=x"));
    call(200, api, HttpMethod.GET, "/lead-rotations", null);
    call(200, api, HttpMethod.GET, "/lead-rotations?status=active&teamId=" + team + "&limit=10&offset=0", null);
    call(400, api, HttpMethod.GET, "/lead-rotations?status=paused", null);
    call(200, api, HttpMethod.GET, "/lead-rotations/" + weighted, null);
    call(200, api, HttpMethod.GET, "/lead-rotations/" + fromTeam.getLong("id"), null);
    call(404, api, HttpMethod.GET, "/lead-rotations/999999", null);
    call(400, api, HttpMethod.GET, "/lead-rotations/abc", null);

    for (int i = 0; i < 3; i++) {
      call(200, api, HttpMethod.GET, "/lead-rotations/" + weighted + "/next-user", null, "x-request-id", "req-" + i);
    }
    call(409, api, HttpMethod.GET, "/lead-rotations/" + queued + "/next-user", null);
    call(409, api, HttpMethod.GET, "/lead-rotations/" + empty + "/next-user", null);
    call(404, api, HttpMethod.GET, "/lead-rotations/999999/next-user", null);
    call(400, api, HttpMethod.GET, "/lead-rotations/abc/next-user", null);
    call(400, api, HttpMethod.GET, "/lead-rotations/" + weighted + "/next-user", null, "Idempotency-Key", "use-post");

    JsonObject first = json(call(200, api, HttpMethod.POST, "/lead-rotations/" + weighted + "/next-user", null,
        "Idempotency-Key", "pick-1"));
    JsonObject replay = json(call(200, api, HttpMethod.POST, "/lead-rotations/" + weighted + "/next-user", null,
        "Idempotency-Key", "pick-1"));
    assertThat(replay).isEqualTo(first);
    call(200, api, HttpMethod.POST, "/lead-rotations/" + weighted + "/next-user", null);
    call(422, api, HttpMethod.POST, "/lead-rotations/" + fromTeam.getLong("id") + "/next-user", null,
        "Idempotency-Key", "pick-1");
    call(409, api, HttpMethod.POST, "/lead-rotations/" + queued + "/next-user", null);
    call(404, api, HttpMethod.POST, "/lead-rotations/999999/next-user", null);
    call(400, api, HttpMethod.POST, "/lead-rotations/" + weighted + "/next-user", null, "Idempotency-Key", "has space");
    String nextUsers = "/lead-rotations/" + weighted + "/next-users";
    JsonObject batch = json(call(200, api, HttpMethod.POST, nextUsers, new JsonObject().put("count", 3),
        "Idempotency-Key", "batch-1"));
    assertThat(batch.getJsonArray("picks")).hasSize(3);
    call(422, api, HttpMethod.POST, "/lead-rotations/" + fromTeam.getLong("id") + "/next-users",
        new JsonObject().put("count", 3), "Idempotency-Key", "batch-1");
    call(409, api, HttpMethod.POST, "/lead-rotations/" + queued + "/next-users", new JsonObject().put("count", 2));
    call(404, api, HttpMethod.POST, "/lead-rotations/999999/next-users", new JsonObject().put("count", 2));
    call(400, api, HttpMethod.POST, nextUsers, new JsonObject().put("count", 0));
    call(415, api, HttpMethod.POST, nextUsers, text("count=2"));

    // pick history and fairness (the log is written behind: wait for the flush)
    long deadline = System.currentTimeMillis() + 10_000;
    while (json(call(200, api, HttpMethod.GET, "/lead-rotations/" + weighted + "/assignments", null))
        .getJsonArray("items").isEmpty()) {
      assertThat(System.currentTimeMillis()).as("picks in the assignment log").isLessThan(deadline);
      Thread.sleep(20);
    }
    call(200, api, HttpMethod.GET, "/lead-rotations/" + weighted + "/assignments?userId=" + ann
        + "&from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z&limit=2&offset=0", null);
    call(400, api, HttpMethod.GET, "/lead-rotations/" + weighted + "/assignments?from=2020-01-02T00:00:00Z&to=2020-01-01T00:00:00Z", null);
    call(404, api, HttpMethod.GET, "/lead-rotations/999999/assignments", null);
    JsonObject stats = json(call(200, api, HttpMethod.GET, "/lead-rotations/" + weighted + "/stats", null));
    assertThat(stats.getLong("totalPicks")).isPositive();
    call(200, api, HttpMethod.GET, "/lead-rotations/" + weighted + "/stats?from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z", null);
    call(400, api, HttpMethod.GET, "/lead-rotations/" + weighted + "/stats?to=soon", null);
    call(404, api, HttpMethod.GET, "/lead-rotations/999999/stats", null);

    // members: settings, eligibility and preview; nobody eligible is a 409 naming every member's reason
    String members = "/lead-rotations/" + weighted + "/members";
    JsonObject capped = json(call(200, api, HttpMethod.PATCH, members + "/" + ann, new JsonObject().put("paused", false)
        .put("caps", new JsonObject().put("day", 50))));
    assertThat(capped.getJsonArray("members").getJsonObject(0).getJsonObject("caps").getInteger("day")).isEqualTo(50);
    call(404, api, HttpMethod.PATCH, members + "/999999", new JsonObject().put("paused", true));
    call(400, api, HttpMethod.PATCH, members + "/" + ann, rejectedByRequestSchema("patchRotationMember",
        new JsonObject().put("weight", 11)));
    call(415, api, HttpMethod.PATCH, members + "/" + ann, text("paused=true"));
    assertThat(json(call(200, api, HttpMethod.GET, members, null)).getJsonArray("members")).hasSize(3);
    call(404, api, HttpMethod.GET, "/lead-rotations/999999/members", null);
    call(400, api, HttpMethod.GET, "/lead-rotations/abc/members", null);
    assertThat(json(call(200, api, HttpMethod.GET, "/lead-rotations/" + weighted + "/preview?count=5", null))
        .getJsonArray("picks")).hasSize(5);
    call(400, api, HttpMethod.GET, "/lead-rotations/" + weighted + "/preview?count=0", null);
    call(404, api, HttpMethod.GET, "/lead-rotations/999999/preview", null);
    // the event stream: 200 is a stream that does not end, so it is checked on its status and headers
    streamAnswers("/lead-rotations/" + weighted + "/events");
    call(400, api, HttpMethod.GET, "/lead-rotations/abc/events", null);
    call(400, api, HttpMethod.GET, "/lead-rotations/" + weighted + "/events", null, "last-event-id", "yesterday");
    call(404, api, HttpMethod.GET, "/lead-rotations/999999/events", null);
    long nobody = id(call(201, api, HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", "Nobody in")
        .put("members", new JsonArray().add(new JsonObject().put("userId", ann).put("paused", true)))));
    JsonObject none = json(call(409, api, HttpMethod.GET, "/lead-rotations/" + nobody + "/next-user", null));
    assertThat(none.getJsonObject("error").getString("code")).isEqualTo("no_eligible_member");
    assertThat(none.getJsonObject("error").getJsonArray("members").getJsonObject(0).getString("reason"))
        .isEqualTo("paused");

    JsonObject updated = json(call(200, api, HttpMethod.PUT, "/lead-rotations/" + weighted, new JsonObject()
        .put("name", "Inbound web 2").put("teamId", team).put("members", new JsonArray()
            .add(new JsonObject().put("userId", String.valueOf(ann)).put("weight", 2)).add("bob@example.com").add("dan@example.com"))));
    assertThat(updated.containsKey("team")).isTrue();
    JsonObject noTeam = json(call(200, api, HttpMethod.PUT, "/lead-rotations/" + weighted, new JsonObject().putNull("teamId")));
    assertThat(noTeam.getValue("teamId")).isNull();
    call(400, api, HttpMethod.PUT, "/lead-rotations/" + weighted, rejectedByRequestSchema("updateLeadRotation",
        new JsonObject().put("status", "archived")));
    call(404, api, HttpMethod.PUT, "/lead-rotations/999999", new JsonObject().put("name", "Nobody"));
    call(415, api, HttpMethod.PUT, "/lead-rotations/" + weighted, text("name=x"));

    call(200, api, HttpMethod.PATCH, "/lead-rotations/" + queued + "/status", new JsonObject().put("status", "active"));
    call(400, api, HttpMethod.PATCH, "/lead-rotations/" + queued + "/status",
        rejectedByRequestSchema("changeLeadRotationStatus", new JsonObject().put("status", "paused")));
    call(404, api, HttpMethod.PATCH, "/lead-rotations/999999/status", new JsonObject().put("status", "active"));
    call(415, api, HttpMethod.PATCH, "/lead-rotations/" + queued + "/status", text("status=active"));

    // ingest tokens
    JsonObject created = json(call(201, api, HttpMethod.POST, "/lead-rotations/" + weighted + "/tokens",
        new JsonObject().put("name", "Web form")));
    long tokenId = created.getLong("id");
    String secret = created.getString("token");
    call(404, api, HttpMethod.POST, "/lead-rotations/999999/tokens", new JsonObject().put("name", "x"));
    call(400, api, HttpMethod.POST, "/lead-rotations/" + weighted + "/tokens",
        rejectedByRequestSchema("createIngestToken", new JsonObject().put("name", "")));
    call(400, api, HttpMethod.POST, "/lead-rotations/" + weighted + "/tokens",
        rejectedByRequestSchema("createIngestToken", new JsonObject().put("name", "x").put("rotation", weighted)));
    call(415, api, HttpMethod.POST, "/lead-rotations/" + weighted + "/tokens", text("name=x"));
    call(200, api, HttpMethod.GET, "/lead-rotations/" + weighted + "/tokens", null);
    call(404, api, HttpMethod.GET, "/lead-rotations/999999/tokens", null);
    String emptyToken = json(call(201, api, HttpMethod.POST, "/lead-rotations/" + empty + "/tokens",
        new JsonObject().put("name", "No members"))).getString("token");
    long doomed = id(call(201, api, HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", "Doomed")
        .put("members", new JsonArray().add("ann@example.com"))));
    String doomedToken = json(call(201, api, HttpMethod.POST, "/lead-rotations/" + doomed + "/tokens",
        new JsonObject().put("name", "Orphan"))).getString("token");
    call(204, api, HttpMethod.DELETE, "/lead-rotations/" + doomed, null);
    call(404, api, HttpMethod.DELETE, "/lead-rotations/" + doomed, null);
    call(400, api, HttpMethod.DELETE, "/lead-rotations/abc", null);

    // leads
    JsonObject lead = new JsonObject().put("current_token", secret).put("firstName", "Dana").put("lastName", "Lee")
        .put("email", "dana@example.org").put("leadSource", "web").put("do_not_call", false);
    JsonObject stored = json(call(201, anonymous, HttpMethod.POST, "/v1/leads", lead, "Idempotency-Key", "form-1"));
    long leadId = Long.parseLong(stored.getString("id"));
    assertThat(json(call(201, anonymous, HttpMethod.POST, "/v1/leads", lead, "Idempotency-Key", "form-1"))).isEqualTo(stored);
    call(422, anonymous, HttpMethod.POST, "/v1/leads", lead.copy().put("firstName", "Other"), "Idempotency-Key", "form-1");
    call(201, anonymous, HttpMethod.POST, "/v1/leads", new JsonObject().put("current_token", secret));
    call(401, anonymous, HttpMethod.POST, "/v1/leads", new JsonObject().put("current_token", "lrt_unknown"));
    call(400, anonymous, HttpMethod.POST, "/v1/leads", rejectedByRequestSchema("createLead",
        new JsonObject().put("current_token", secret).put("shoeSize", "42")));
    call(415, anonymous, HttpMethod.POST, "/v1/leads", text("current_token=" + secret));
    call(409, anonymous, HttpMethod.POST, "/v1/leads", new JsonObject().put("current_token", emptyToken));
    call(401, anonymous, HttpMethod.POST, "/v1/leads", new JsonObject().put("current_token", doomedToken));
    call(200, api, HttpMethod.GET, "/v1/leads", null);
    call(200, api, HttpMethod.GET, "/v1/leads?owner=" + ann + "&rotationId=" + weighted
        + "&from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z&limit=5&offset=0", null);
    call(400, api, HttpMethod.GET, "/v1/leads?from=yesterday", null);
    call(200, api, HttpMethod.GET, "/v1/leads/" + leadId, null);
    call(404, api, HttpMethod.GET, "/v1/leads/999999", null);
    call(400, api, HttpMethod.GET, "/v1/leads/x", null);
    call(200, api, HttpMethod.GET, "/v1/leads/" + leadId + "/assignments", null);
    call(404, api, HttpMethod.GET, "/v1/leads/999999/assignments", null);

    // integration API
    JsonObject done = json(call(200, api, HttpMethod.POST, "/api/v2/pub/application/reassign?orgId=" + ACCOUNT,
        new JsonObject().put("ApplicationId", leadId)
            .put("Assignments", new JsonArray().add(new JsonObject().put("UserId", String.valueOf(ann))))
            .put("PrimaryAgent", new JsonObject().put("Email", "bob@example.com")).put("UnassignAllOtherUsers", false)));
    assertThat(done.getBoolean("Success")).as(done.encode()).isTrue();
    JsonObject history = json(call(200, api, HttpMethod.GET, "/v1/leads/" + leadId + "/assignments", null));
    assertThat(history.getJsonArray("history")).hasSize(2);
    JsonObject refused = json(call(200, api, HttpMethod.POST, "/api/v2/pub/application/reassign?orgId=" + ACCOUNT,
        new JsonObject().put("ApplicationId", 999999).put("PrimaryAgent", new JsonObject().put("UserId", bob))));
    assertThat(refused.getBoolean("Success")).isFalse();
    // a field the document does not define is refused by both (the route answers 200 with Success false)
    JsonObject unknownField = new JsonObject().put("ApplicationId", leadId)
        .put("PrimaryAgent", new JsonObject().put("UserId", bob).put("Name", "Bob"));
    rejectedByRequestSchema("reassignApplication", unknownField);
    HttpResponse<Buffer> unknownAnswer = await(api.request(HttpMethod.POST, "/api/v2/pub/application/reassign?orgId="
        + ACCOUNT).sendJsonObject(unknownField));
    validate(HttpMethod.POST, "/api/v2/pub/application/reassign?orgId=" + ACCOUNT, unknownAnswer);
    assertThat(unknownAnswer.bodyAsJsonObject().getString("Message")).isEqualTo("PrimaryAgent.Name: unknown field");
    call(200, api, HttpMethod.GET, "/api/integration/GetUsers?orgId=" + ACCOUNT, null);

    call(204, api, HttpMethod.DELETE, "/lead-rotations/" + weighted + "/tokens/" + tokenId, null);
    call(404, api, HttpMethod.DELETE, "/lead-rotations/" + weighted + "/tokens/999999", null);
    call(400, api, HttpMethod.DELETE, "/lead-rotations/" + weighted + "/tokens/x", null);
    JsonObject revoked = json(call(200, api, HttpMethod.GET, "/lead-rotations/" + weighted + "/tokens", null))
        .getJsonArray("items").getJsonObject(0);
    assertThat(revoked.getString("revokedAt")).isNotNull();

    // conflicts of the directory
    call(409, api, HttpMethod.DELETE, "/teams/" + team, null);
    call(409, api, HttpMethod.DELETE, "/users/" + ann, null);

    // 400 (ambiguous account or no orgId), 401 (no token), 403 (account not granted), 413 on every JWT operation
    for (Operation op : contract.operations()) {
      String route = route(op);
      String path = op.getOpenAPIPath().replaceAll("\\{[^}]+}", "1");
      HttpMethod method = op.getHttpMethod();
      if (!BEFORE_BODY_HANDLER.contains(route)) {
        String uri = path.startsWith("/api/") ? path + "?orgId=" + ACCOUNT : path;
        call(413, api, method, uri, Buffer.buffer(new byte[(int) io.leadrouter.http.HttpApiVerticle.MAX_BODY + 1]),
            "content-type", "application/json");
      }
      if (PUBLIC.contains(route)) {
        continue;
      }
      if (path.startsWith("/api/")) {
        call(400, api, method, path, null);
        call(401, anonymous, method, path + "?orgId=" + ACCOUNT, null);
        call(403, stranger, method, path + "?orgId=" + ACCOUNT, null);
      } else {
        call(400, twoAccounts, method, path, null);
        call(401, anonymous, method, path, null, "x-account-id", ACCOUNT);
        call(401, api.as("not-a-jwt", ACCOUNT), method, path, null);
        call(403, stranger, method, path, null);
      }
    }

    // 503: the store is unreachable (and, for picks, once the write-behind buffer is full)
    long cold = id(call(201, api, HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", "Cold")
        .put("members", new JsonArray().add("ann@example.com"))));
    long hot = id(call(201, api, HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", "Hot")
        .put("members", new JsonArray().add("ann@example.com").add("bob@example.com"))));
    long tokenToRevoke = json(call(201, api, HttpMethod.POST, "/lead-rotations/" + hot + "/tokens",
        new JsonObject().put("name", "Down"))).getLong("id");
    String hotToken = json(call(201, api, HttpMethod.POST, "/lead-rotations/" + hot + "/tokens",
        new JsonObject().put("name", "Down 2"))).getString("token");
    long filler = id(call(201, api, HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", "Filler")
        .put("members", new JsonArray().add("ann@example.com"))));
    call(200, api, HttpMethod.GET, "/lead-rotations/" + hot + "/next-user", null);
    call(200, api, HttpMethod.GET, "/lead-rotations/" + filler + "/next-user", null);
    storeDown.set(true);
    call(503, api, HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", "x").put("members", new JsonArray().add("ann@example.com")));
    call(503, api, HttpMethod.GET, "/lead-rotations", null);
    call(503, api, HttpMethod.GET, "/lead-rotations/" + cold, null);
    call(503, api, HttpMethod.GET, "/lead-rotations/" + cold + "/next-user", null);
    call(503, api, HttpMethod.PUT, "/lead-rotations/" + hot, new JsonObject().put("name", "Renamed"));
    call(503, api, HttpMethod.PATCH, "/lead-rotations/" + hot + "/status", new JsonObject().put("status", "active"));
    call(503, api, HttpMethod.DELETE, "/lead-rotations/" + cold, null);
    call(503, api, HttpMethod.POST, "/lead-rotations/" + hot + "/next-user", null, "Idempotency-Key", "down-1");
    call(503, api, HttpMethod.POST, "/lead-rotations/" + hot + "/next-users", new JsonObject().put("count", 2),
        "Idempotency-Key", "down-2");
    call(503, api, HttpMethod.GET, "/lead-rotations/" + hot + "/assignments", null);
    call(503, api, HttpMethod.GET, "/lead-rotations/" + hot + "/stats", null);
    call(503, api, HttpMethod.GET, "/lead-rotations/" + cold + "/members", null);
    call(503, api, HttpMethod.GET, "/lead-rotations/" + cold + "/preview", null);
    call(503, api, HttpMethod.GET, "/lead-rotations/" + cold + "/events", null);
    call(503, api, HttpMethod.PATCH, "/lead-rotations/" + cold + "/members/" + ann, new JsonObject().put("paused", true));
    call(503, api, HttpMethod.POST, "/lead-rotations/" + hot + "/tokens", new JsonObject().put("name", "x"));
    call(503, api, HttpMethod.GET, "/lead-rotations/" + hot + "/tokens", null);
    call(503, api, HttpMethod.DELETE, "/lead-rotations/" + hot + "/tokens/" + tokenToRevoke, null);
    call(503, anonymous, HttpMethod.POST, "/v1/leads", new JsonObject().put("current_token", hotToken));
    call(503, api, HttpMethod.GET, "/v1/leads", null);
    call(503, api, HttpMethod.GET, "/v1/leads/" + leadId, null);
    call(503, api, HttpMethod.GET, "/v1/leads/" + leadId + "/assignments", null);
    call(503, api, HttpMethod.POST, "/api/v2/pub/application/reassign?orgId=" + ACCOUNT, new JsonObject()
        .put("ApplicationId", leadId).put("PrimaryAgent", new JsonObject().put("UserId", ann)));
    call(503, api, HttpMethod.GET, "/api/integration/GetUsers?orgId=" + ACCOUNT, null);
    call(503, api, HttpMethod.POST, "/teams", new JsonObject().put("name", "x"));
    call(503, api, HttpMethod.GET, "/teams", null);
    call(503, api, HttpMethod.GET, "/teams/" + team, null);
    call(503, api, HttpMethod.PUT, "/teams/" + team, new JsonObject().put("name", "x"));
    call(503, api, HttpMethod.DELETE, "/teams/" + team, null);
    call(503, api, HttpMethod.POST, "/users", new JsonObject().put("email", "x@example.com"));
    call(503, api, HttpMethod.GET, "/users", null);
    call(503, api, HttpMethod.GET, "/users/" + ann, null);
    call(503, api, HttpMethod.PUT, "/users/" + ann, new JsonObject().put("name", "x"));
    call(503, api, HttpMethod.DELETE, "/users/" + ann, null);
    // picks of a rotation in memory are buffered while the store is down, until the buffer is full
    int picks = 0;
    while (true) {
      HttpResponse<Buffer> r = await(api.get("/lead-rotations/" + filler + "/next-user"));
      validate(HttpMethod.GET, "/lead-rotations/" + filler + "/next-user", r);
      if (r.statusCode() == 503) {
        assertThat(picks).as("picks buffered before " + r.bodyAsString()).isGreaterThan(0);
        break;
      }
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(++picks).as("picks before the write-behind buffer is full").isLessThanOrEqualTo(WRITE_BUFFER_MAX);
    }
    awaitReady(503, json -> json.getString("status").equals("DOWN")); // readiness follows within its refresh period
    storeDown.set(false);
    awaitReady(200, json -> json.getString("status").equals("UP"));

    // every documented (operation, status) was answered and validated; 500 cannot be provoked
    Set<String> documented = new TreeSet<>();
    for (Operation op : contract.operations()) {
      for (String status : rawOperation(op).getJsonObject("responses").fieldNames()) {
        if (!status.equals("500")) {
          documented.add(op.getOperationId() + " " + status);
        }
      }
    }
    Set<String> missing = new TreeSet<>(documented);
    missing.removeAll(exercised);
    assertThat(missing).as("documented but never answered in this test").isEmpty();
  }

  // ---- the validation bites ---------------------------------------------------------------------------

  /** Real responses against deliberately wrong documents: each must be refused, or the test above proves nothing. */
  @Test
  void aDocumentThatDisagreesWithTheResponsesIsRefused() throws Exception {
    long team = id(call(201, api, HttpMethod.POST, "/teams", new JsonObject().put("name", "Closers")
        .put("members", new JsonArray().add("t1@example.com"))));
    long rotation = id(call(201, api, HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", "R")
        .put("teamId", team)));
    HttpResponse<Buffer> got = await(api.get("/lead-rotations/" + rotation));
    long alone = id(call(201, api, HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", "No team")));
    HttpResponse<Buffer> noTeam = await(api.get("/lead-rotations/" + alone));
    HttpResponse<Buffer> picked = await(api.get("/lead-rotations/" + rotation + "/next-user"));
    HttpResponse<Buffer> teamGot = await(api.get("/teams/" + team));
    HttpResponse<Buffer> missing = await(api.get("/users/999999"));
    HttpResponse<Buffer> conflict = await(api.delete("/teams/" + team));
    HttpResponse<Buffer> deleted = await(api.delete("/lead-rotations/" + rotation));
    // the intact document accepts all of them
    for (var r : List.of(Map.entry("getLeadRotation", got), Map.entry("getLeadRotation", noTeam),
        Map.entry("getNextUser", picked), Map.entry("getTeam", teamGot), Map.entry("getUser", missing),
        Map.entry("deleteTeam", conflict), Map.entry("deleteLeadRotation", deleted))) {
      await(validator.validate(validatable(r.getValue()), r.getKey()));
    }

    refused("an undocumented field (LeadRotation without `sequence`)", d -> {
      JsonObject s = schema(d, "LeadRotation");
      s.getJsonObject("properties").remove("sequence");
      s.getJsonArray("required").remove("sequence");
    }, "getLeadRotation", got);
    refused("a required field the response lacks", d -> schema(d, "NextUserResponse").getJsonArray("required")
        .add("assignedTo"), "getNextUser", picked);
    refused("UserRotationMember.userId as an integer", d -> schema(d, "UserRotationMember")
        .getJsonObject("properties").put("userId", new JsonObject().put("type", "integer")), "getNextUser", picked);
    refused("TeamMember.userId as a string", d -> schema(d, "TeamMember")
        .getJsonObject("properties").put("userId", new JsonObject().put("type", "string")), "getTeam", teamGot);
    refused("LeadRotation.teamId required (it is left out when there is no team)", d -> schema(d, "LeadRotation")
        .getJsonArray("required").add("teamId"), "getLeadRotation", noTeam);
    refused("another error code for 404", d -> d.getJsonObject("components").getJsonObject("responses")
        .getJsonObject("NotFound").getJsonObject("content").getJsonObject("application/json").getJsonObject("schema")
        .getJsonObject("properties").getJsonObject("error").getJsonObject("properties").getJsonObject("code")
        .put("const", "missing"), "getUser", missing);
    refused("an undocumented status (409 of DELETE /teams/{teamId})", d -> d.getJsonObject("paths")
        .getJsonObject("/teams/{teamId}").getJsonObject("delete").getJsonObject("responses").remove("409"),
        "deleteTeam", conflict);
    refused("a body documented for a response that has none (204)", d -> d.getJsonObject("paths")
        .getJsonObject("/lead-rotations/{rotationId}").getJsonObject("delete").getJsonObject("responses")
        .put("204", new JsonObject().put("description", "x").put("content", new JsonObject().put("application/json",
            new JsonObject().put("schema", new JsonObject().put("type", "object"))))), "deleteLeadRotation", deleted);
  }

  private void refused(String what, Consumer<JsonObject> breakIt, String operationId, HttpResponse<Buffer> response)
      throws Exception {
    JsonObject broken = document.copy();
    breakIt.accept(broken);
    ResponseValidator v = ResponseValidator.create(vertx, await(OpenAPIContract.from(vertx, Contract.parseable(broken))));
    assertRefused(what, v, operationId, response);
  }

  private void assertRefused(String what, ResponseValidator v, String operationId, HttpResponse<Buffer> response) {
    try {
      await(v.validate(validatable(response), operationId));
    } catch (Exception e) {
      return;
    }
    fail("a document with " + what + " accepted " + response.statusCode() + " " + response.bodyAsString());
  }

  private static JsonObject schema(JsonObject document, String name) {
    return document.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  /** A Server-Sent Events operation answers 200 with its documented media type; then the connection is closed. */
  private void streamAnswers(String uri) throws Exception {
    io.vertx.core.http.HttpClient client = vertx.createHttpClient();
    try {
      io.vertx.core.http.HttpClientResponse r = await(client.request(new io.vertx.core.http.RequestOptions()
              .setMethod(HttpMethod.GET).setHost("localhost").setPort(node.port()).setURI(uri)
              .addHeader("authorization", "Bearer " + TestApp.token(vertx, "ops@example.com", ACCOUNT))
              .addHeader("x-account-id", ACCOUNT))
          .compose(req -> req.send()));
      assertThat(r.statusCode()).isEqualTo(200);
      Operation op = contract.findOperation(uri, HttpMethod.GET);
      JsonObject content = rawOperation(op).getJsonObject("responses").getJsonObject("200").getJsonObject("content");
      assertThat(content.fieldNames()).containsExactly(mediaType(r.getHeader("content-type")));
      exercised.add(op.getOperationId() + " 200");
    } finally {
      await(client.close());
    }
  }

  private static Buffer text(String body) {
    return Buffer.buffer(body);
  }

  /** Sends a request and validates the response against the document; a Buffer body is sent as text/plain. */
  private HttpResponse<Buffer> call(int expected, Api as, HttpMethod method, String uri, Object body, String... headers)
      throws Exception {
    HttpRequest<Buffer> request = as.request(method, uri);
    boolean typed = false;
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
      typed |= headers[i].equalsIgnoreCase("content-type");
    }
    HttpResponse<Buffer> r;
    if (body == null) {
      r = await(request.send());
    } else if (body instanceof JsonObject o) {
      r = await(request.sendJsonObject(o));
    } else {
      if (!typed) {
        request.putHeader("content-type", "text/plain");
      }
      r = await(request.sendBuffer((Buffer) body));
    }
    assertThat(r.statusCode()).as(method + " " + uri + " answered " + r.bodyAsString()).isEqualTo(expected);
    Operation op = validate(method, uri, r);
    if (expected / 100 == 2 && body instanceof JsonObject o && op.getRequestBody() != null) {
      OutputUnit result = requestSchema(op).validate(o);
      try {
        result.checkValidity();
      } catch (JsonSchemaValidationException e) {
        fail(op.getOperationId() + ": the request body schema refuses a request the service accepted: " + o.encode()
            + "\n" + result.toJson().encodePrettily());
      }
    }
    return r;
  }

  /** A body the service refuses with 400 must be refused by the documented request schema too. */
  private JsonObject rejectedByRequestSchema(String operationId, JsonObject body) {
    OutputUnit result = requestSchema(contract.operation(operationId)).validate(body);
    assertThat(result.getValid()).as(operationId + ": the request body schema accepts " + body.encode()).isFalse();
    return body;
  }

  private io.vertx.json.schema.Validator requestSchema(Operation op) {
    MediaType type = op.getRequestBody().getContent().get("application/json");
    return contract.getSchemaRepository().validator(type.getSchema());
  }

  private Operation validate(HttpMethod method, String uri, HttpResponse<Buffer> r) throws Exception {
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    Operation op = contract.findOperation(path, method);
    assertThat(op).as("no operation documented for " + method + " " + path).isNotNull();
    String key = op.getOperationId() + " " + r.statusCode();
    Response documented = op.getResponse(r.statusCode());
    assertThat(documented).as(key + " (" + method + " " + uri + ") is not documented: " + r.bodyAsString()).isNotNull();
    String type = r.getHeader("content-type");
    if (documented.getContent().isEmpty()) {
      assertThat(r.body() == null || r.body().length() == 0).as(key + ": a body where none is documented").isTrue();
    } else {
      assertThat(documented.getContent()).as(key + ": content-type " + type).containsKey(mediaType(type));
    }
    try {
      await(validator.validate(validatable(r), op.getOperationId()));
    } catch (SchemaValidationException e) {
      fail(key + " (" + method + " " + uri + "): " + e.getMessage() + "\n" + e.getOutputUnit().toJson().encodePrettily()
          + "\nbody: " + r.bodyAsString());
    } catch (Exception e) {
      fail(key + " (" + method + " " + uri + "): " + e + "\nbody: " + r.bodyAsString());
    }
    exercised.add(key);
    return op;
  }

  private static ValidatableResponse validatable(HttpResponse<Buffer> r) {
    Map<String, String> headers = new HashMap<>();
    r.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    if (r.body() == null || r.body().length() == 0) {
      return ValidatableResponse.create(r.statusCode(), headers);
    }
    return ValidatableResponse.create(r.statusCode(), headers, r.body(), mediaType(r.getHeader("content-type")));
  }

  /** The media type without parameters ({@code text/plain; version=0.0.4; charset=utf-8} is {@code text/plain}). */
  private static String mediaType(String contentType) {
    return contentType == null ? null : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
  }

  private JsonObject rawOperation(Operation op) {
    return document.getJsonObject("paths").getJsonObject(op.getOpenAPIPath())
        .getJsonObject(op.getHttpMethod().name().toLowerCase(Locale.ROOT));
  }

  private static String route(Operation op) {
    return op.getHttpMethod().name() + " " + op.getOpenAPIPath().replaceAll("\\{([^}]+)}", ":$1");
  }

  /** Polls {@code /health/ready} (validating every answer) until it answers {@code status} and the condition holds. */
  private void awaitReady(int status, java.util.function.Predicate<JsonObject> condition) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      HttpResponse<Buffer> r = await(anonymous.get("/health/ready"));
      validate(HttpMethod.GET, "/health/ready", r);
      if (r.statusCode() == status && condition.test(r.bodyAsJsonObject())) {
        return;
      }
      assertThat(System.currentTimeMillis()).as("readiness: " + r.bodyAsString()).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static JsonObject json(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject();
  }

  private static long id(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getLong("id");
  }
}
