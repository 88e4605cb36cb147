package io.leadrouter.edge;

import io.leadrouter.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The API's OpenAPI document ({@code openapi.json}) as the one source of truth for the shape of request bodies:
 * the bytes {@code GET /openapi.json} serves and the schemas every request body is checked against are the same
 * document, parsed once per process ({@link #load}). A body is checked against its operation's request-body
 * schema with validators built once per operation; a refused body is an {@link ApiException} naming the field
 * in our words ({@link SchemaErrors}). What a schema cannot say (a user id that must exist, duplicates, an id
 * and an email naming different people) stays in the services and routes.
 */
public final class Contract {

  public static final String RESOURCE = "openapi.json";
  private static final String JSON = "application/json";
  public static final String EVENT_STREAM = "text/event-stream";
  private static final AtomicReference<CompletableFuture<Contract>> LOADED = new AtomicReference<>();

  private final Buffer document;
  private final JsonObject raw;
  /** Per operation id: a validator that only says valid or not (cheap), and one that lists the errors. */
  private final Map<String, Validator> quick = new HashMap<>();
  private final Map<String, Validator> detailed = new HashMap<>();
  private final Map<String, JsonObject> schemas = new HashMap<>();

  private Contract(Buffer document, JsonObject raw, OpenAPIContract contract) {
    this.document = document;
    this.raw = raw;
    JsonSchemaOptions flag = new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("app://")
        .setOutputFormat(OutputFormat.Flag);
    for (Operation op : contract.operations()) {
      if (op.getRequestBody() == null) {
        continue;
      }
      MediaType media = op.getRequestBody().getContent().get(JSON);
      if (media == null) {
        throw new IllegalStateException(RESOURCE + ": " + op.getOperationId() + " takes no " + JSON + " body");
      }
      quick.put(op.getOperationId(), contract.getSchemaRepository().validator(media.getSchema(), flag));
      detailed.put(op.getOperationId(), contract.getSchemaRepository().validator(media.getSchema()));
      schemas.put(op.getOperationId(), rawBodySchema(raw, op));
    }
  }

  /**
   * The document of this process, read and parsed on first use (about a second: the document itself is
   * checked against the OpenAPI schema); every later call, from any verticle or Vert.x instance, gets the same
   * object.
   */
  public static Future<Contract> load(Vertx vertx) {
    CompletableFuture<Contract> mine = new CompletableFuture<>();
    CompletableFuture<Contract> loaded = LOADED.compareAndExchange(null, mine);
    if (loaded == null) {
      vertx.executeBlocking(Contract::readDocument)
          .compose(bytes -> from(vertx, bytes))
          .onSuccess(mine::complete)
          .onFailure(e -> {
            LOADED.compareAndSet(mine, null); // a later start may try again
            mine.completeExceptionally(e);
          });
      loaded = mine;
    }
    return Future.fromCompletionStage(loaded, vertx.getOrCreateContext());
  }

  /** A contract of the document {@code bytes}, not shared: the process's own is {@link #load}'s. */
  public static Future<Contract> from(Vertx vertx, Buffer bytes) {
    JsonObject raw = new JsonObject(bytes);
    return OpenAPIContract.from(vertx, parseable(raw)).map(contract -> new Contract(bytes, raw, contract));
  }

  /**
   * A copy of the document that vertx-openapi accepts: it refuses response media types it cannot validate,
   * among them {@code text/event-stream} (the event stream of a rotation), which the copy calls
   * {@code text/plain}. Only responses change; request bodies, which this contract checks, stay as written.
   */
  public static JsonObject parseable(JsonObject raw) {
    JsonObject copy = raw.copy();
    JsonObject paths = copy.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!(item.getValue(method) instanceof JsonObject operation)) {
          continue;
        }
        JsonObject responses = operation.getJsonObject("responses", new JsonObject());
        for (String status : responses.fieldNames()) {
          JsonObject content = responses.getJsonObject(status).getJsonObject("content");
          if (content != null && content.containsKey(EVENT_STREAM)) {
            content.put("text/plain", content.remove(EVENT_STREAM));
          }
        }
      }
    }
    return copy;
  }

  private static Buffer readDocument() {
    try (InputStream in = Contract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document's bytes, as served at {@code /openapi.json}. */
  public Buffer document() {
    return document;
  }

  /** Whether the operation takes a request body the document describes. */
  public boolean hasBody(String operationId) {
    return quick.containsKey(operationId);
  }

  /**
   * Checks {@code body} against the request-body schema of {@code operationId}; throws a 400 naming the first
   * field that is wrong. {@code prefix} names the body in messages ("" for a whole request body, {@code lead}
   * for the event-bus API's {@code lead} member).
   */
  public void check(String operationId, JsonObject body, String prefix) {
    Validator validator = quick.get(operationId);
    if (validator == null) {
      throw new IllegalArgumentException(RESOURCE + " has no request body for " + operationId);
    }
    if (validator.validate(body).getValid()) {
      return;
    }
    OutputUnit result = detailed.get(operationId).validate(body);
    throw SchemaErrors.translate(raw, schemas.get(operationId), result, body, prefix);
  }

  /** The operation's request-body schema as written in the document ({@code $ref}s unresolved). */
  private static JsonObject rawBodySchema(JsonObject raw, Operation op) {
    JsonObject operation = raw.getJsonObject("paths").getJsonObject(op.getOpenAPIPath())
        .getJsonObject(op.getHttpMethod().name().toLowerCase(java.util.Locale.ROOT));
    return operation.getJsonObject("requestBody").getJsonObject("content").getJsonObject(JSON)
        .getJsonObject("schema");
  }
}
