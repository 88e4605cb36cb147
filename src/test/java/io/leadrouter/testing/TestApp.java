package io.leadrouter.testing;

import io.leadrouter.LeadRouter;
import io.leadrouter.Stores;
import io.leadrouter.auth.Jwt;
import io.leadrouter.config.Config;
import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.Partitioner;
import io.leadrouter.store.memory.InMemoryStore;
import io.leadrouter.store.pg.PgStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A whole node in this JVM on a free port, with an HS256 secret tests can mint tokens with. */
public final class TestApp {

  public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
  /** The cluster-secret of the test clusters' members. */
  public static final String CLUSTER_SECRET = "test-cluster-secret-members-only-0123456789";

  public final Vertx vertx;
  public final Stores stores;
  public final LeadRouter app;
  public final Config config;

  private TestApp(Vertx vertx, Stores stores, LeadRouter app, Config config) {
    this.vertx = vertx;
    this.stores = stores;
    this.app = app;
    this.config = config;
  }

  public static Config config(String... flags) {
    List<String> args = new ArrayList<>(List.of("--http-port", "0", "--http-instances", "1", "--owners", "2",
        "--store", "memory", "--jwt-secret", SECRET, "--flush-interval-ms", "20"));
    args.addAll(List.of(flags));
    return Config.load(Map.of(), args);
  }

  public static Future<TestApp> start(Vertx vertx, Stores stores, String... flags) {
    return start(vertx, stores, Clock.systemUTC(), flags);
  }

  /** A node whose owners tell the time by {@code clock} (a {@link TestClock} lets a test move it). */
  public static Future<TestApp> start(Vertx vertx, Stores stores, Clock clock, String... flags) {
    Config config = config(flags);
    JWTAuthOptions jwt = Jwt.options(config);
    return LeadRouter.start(vertx, config, stores, jwt, Partitioner.hashing(config.partitions()), "test",
            new Metrics(Metrics.prometheus()), clock)
        .map(app -> new TestApp(vertx, stores, app, config));
  }

  /** An in-memory node whose owners tell the time by {@code clock}. */
  public static Future<TestApp> start(Vertx vertx, Clock clock, String... flags) {
    return start(vertx, Stores.of(new InMemoryStore()), clock, flags);
  }

  /** A node on this Postgres store, with the leads on the same pool. */
  public static Future<TestApp> start(Vertx vertx, PgStore store, String... flags) {
    return start(vertx, Stores.of(store), flags);
  }

  public static Future<TestApp> start(Vertx vertx, InMemoryStore store, String... flags) {
    return start(vertx, Stores.of(store), flags);
  }

  public static Future<TestApp> start(Vertx vertx, String... flags) {
    return start(vertx, new InMemoryStore(), flags);
  }

  public int port() {
    return app.httpPort();
  }

  public static String token(Vertx vertx, String sub, String... accounts) {
    return Jwt.mint(vertx, SECRET, sub, List.of(accounts), 3600);
  }

  /** A token with arbitrary claims and options (expired, other secret, no sub, ...). */
  public static String token(Vertx vertx, String secret, JsonObject claims, JWTOptions options) {
    JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    return auth.generateToken(claims, options.setAlgorithm("HS256"));
  }

  /**
   * An HS256 token with {@link #SECRET} over exactly this payload text: claims of any JSON type and escapes
   * (a string {@code exp}, an escaped lone surrogate), which the JWT library would not mint.
   */
  public static String signed(String payload) {
    try {
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String head = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
          + "." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return head + "." + b64.encodeToString(mac.doFinal(head.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static JsonObject claims(String sub, String... accounts) {
    return new JsonObject().put("sub", sub).put("accounts", new JsonArray(List.of((Object[]) accounts)));
  }
}
