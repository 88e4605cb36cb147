package io.leadrouter.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.leadrouter.error.ApiException;
import io.leadrouter.error.Failure;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Request bodies against the document's schemas: refusals said in our words, naming the field and the value. */
@ExtendWith(VertxExtension.class)
class ContractTest {

  private Contract contract;

  @BeforeEach
  void load(Vertx vertx) throws Exception {
    contract = Contract.load(vertx).await(30, TimeUnit.SECONDS);
  }

  private ApiException refused(String operationId, String body) {
    ApiException e = catchThrowableOfType(ApiException.class,
        () -> contract.check(operationId, new JsonObject(body), ""));
    assertThat(e).as("%s refused", body).isNotNull();
    assertThat(e.status()).isEqualTo(400);
    return e;
  }

  private void says(String operationId, String body, String field, String message) {
    ApiException e = refused(operationId, body);
    assertThat(e.getMessage()).isEqualTo(message);
    assertThat(e.field()).isEqualTo(field);
    assertThat(Failure.of(e).json().getJsonObject("error").getString("field")).isEqualTo(field);
  }

  @Test
  void refusalsNameTheFieldAndTheValue() {
    says("createLeadRotation", "{\"name\":\"r\",\"members\":[\"a@x.com\",\"b@x.com\",{\"email\":\"c@x.com\",\"weight\":11}]}",
        "members[2].weight", "members[2].weight: must be at most 10, got 11");
    says("createLeadRotation", "{\"name\":\"r\",\"userRotationArray\":[{\"email\":\"c@x.com\",\"weight\":0}]}",
        "userRotationArray[0].weight", "userRotationArray[0].weight: must be at least 1, got 0");
    says("createUser", "{\"name\":\"Ann\"}", "email", "email: required");
    says("createUser", "{\"email\":\"not an email\"}", "email", "email: 'not an email' is not an email address");
    says("createLeadRotation", "{\"name\":\"r\",\"weigth\":5}", "weigth", "weigth: unknown field");
    says("createLeadRotation", "{\"name\":5}", "name", "name: must be a string");
    says("createLeadRotation", "{\"name\":\"  \"}", "name", "name: must not be blank");
    says("createLeadRotation", "{\"name\":\"" + "n".repeat(201) + "\"}", "name", "name: longer than 200 characters");
    says("changeLeadRotationStatus", "{\"status\":\"paused\"}", "status",
        "status: must be one of active, archived, queued, got 'paused'");
    says("changeLeadRotationStatus", "{}", "status", "status: required");
    says("updateLeadRotation", "{\"status\":\"active\"}", "status",
        "status: change it with PATCH /lead-rotations/{rotationId}/status");
    says("createLeadRotation", "{\"name\":\"r\",\"members\":[],\"userRotationArray\":[]}", "members",
        "members: give either members or userRotationArray, not both");
    says("createTeam", "{\"name\":\"t\",\"members\":[{\"name\":\"Bob\"}]}", "members[0]", "members[0]: needs userId or email");
    says("createTeam", "{\"name\":\"t\",\"members\":[{\"email\":\"a@x.com\",\"weight\":2}]}", "members[0].weight",
        "members[0].weight: unknown field");
    says("createTeam", "{\"name\":\"t\",\"members\":[42]}", "members[0]", "members[0]: must be a string or an object");
    says("updateUser", "{\"roles\":[\"lo\",\" \"]}", "roles[1]", "roles[1]: must not be blank");
    says("updateUser", "{\"active\":\"yes\"}", "active", "active: must be true or false");
    says("createLead", "{\"current_token\":\"lrt_x\",\"email\":\"nope\"}", "email", "email: 'nope' is not an email address");
    says("createLead", "{\"current_token\":\"lrt_x\",\"do_not_call\":\"yes\"}", "do_not_call",
        "do_not_call: must be true, false or null");
    says("createLead", "{\"current_token\":\"lrt_x\",\"owner\":\"me\"}", "owner", "owner: unknown field");
    says("reassignApplication", "{\"ApplicationId\":1,\"PrimaryAgent\":{\"UserId\":\"abc\"}}", "PrimaryAgent.UserId",
        "PrimaryAgent.UserId: 'abc' is not a whole number");
    says("reassignApplication", "{\"ApplicationId\":1,\"PrimaryAgent\":{}}", "PrimaryAgent",
        "PrimaryAgent: needs UserId or Email");
    says("reassignApplication", "{\"ApplicationId\":1,\"PrimaryAgent\":{\"Email\":\"a@x.com\"},\"Assignments\":"
        + "[{\"Emial\":\"b@x.com\"}]}", "Assignments[0].Emial", "Assignments[0].Emial: unknown field");
  }

  @Test
  void aPrefixNamesWhereTheBodyWas() {
    ApiException e = catchThrowableOfType(ApiException.class,
        () -> contract.check("createLead", new JsonObject().put("current_token", "t").put("phone", 5), "lead"));
    assertThat(e.getMessage()).isEqualTo("lead.phone: must be a string or null");
    assertThat(e.field()).isEqualTo("lead.phone");
  }

  @Test
  void validBodiesPass() {
    assertThatCode(() -> contract.check("createLeadRotation", new JsonObject("{\"name\":\"r\",\"members\":"
        + "[\"a@x.com\",{\"userId\":\"7\",\"weight\":10},{\"userId\":8,\"email\":\"b@x.com\",\"name\":\"B\"}]}"), ""))
        .doesNotThrowAnyException();
    assertThatCode(() -> contract.check("createLead", new JsonObject("{\"current_token\":\"lrt_x\",\"email\":\"\","
        + "\"phone\":null,\"invalid_lead\":false}"), "")).doesNotThrowAnyException();
    assertThatCode(() -> contract.check("reassignApplication", new JsonObject("{\"ApplicationId\":\"42\","
        + "\"PrimaryAgent\":{\"UserId\":3},\"Assignments\":[{\"Email\":\"a@x.com\"}],\"UnassignAllOtherUsers\":true}"),
        "")).doesNotThrowAnyException();
  }

  @Test
  void theProcessHasOneContractAndItIsTheDocumentOnTheClassPath(Vertx vertx) throws Exception {
    assertThat(Contract.load(vertx).await(10, TimeUnit.SECONDS)).isSameAs(contract);
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(Contract.RESOURCE)) {
      assertThat(contract.document().getBytes()).isEqualTo(in.readAllBytes());
    }
    Vertx other = Vertx.vertx();
    try {
      assertThat(Contract.load(other).await(10, TimeUnit.SECONDS)).isSameAs(contract);
    } finally {
      other.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aChangeOfTheDocumentIsWhatIsEnforced(Vertx vertx) throws Exception {
    JsonObject document = new JsonObject(contract.document());
    JsonObject createTeam = document.getJsonObject("components").getJsonObject("schemas").getJsonObject("CreateTeam");
    createTeam.getJsonObject("properties").getJsonObject("name").put("maxLength", 5);
    createTeam.put("required", new JsonArray().add("name").add("active"));
    Contract changed = Contract.from(vertx, Buffer.buffer(document.encode())).await(30, TimeUnit.SECONDS);

    JsonObject sixLetters = new JsonObject().put("name", "sixsix").put("active", true);
    assertThatCode(() -> contract.check("createTeam", sixLetters, "")).doesNotThrowAnyException();
    assertThat(catchThrowableOfType(ApiException.class, () -> changed.check("createTeam", sixLetters, ""))
        .getMessage()).isEqualTo("name: longer than 5 characters");
    assertThat(catchThrowableOfType(ApiException.class, () -> changed.check("createTeam",
        new JsonObject().put("name", "t"), "")).getMessage()).isEqualTo("active: required");
  }
}
