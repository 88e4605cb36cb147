package io.leadrouter.bench;

import io.leadrouter.auth.Authenticator;
import io.leadrouter.edge.Views;
import io.leadrouter.owner.PickReply;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.Schedule;
import io.leadrouter.rotation.Status;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The baselines' HTTP server, run as a separate JVM by the harness so that client, HTTP stack, JWT check and
 * response rendering are the service's own and only the rotation mechanism differs:
 * <ul>
 *   <li>{@code GET /pg-row-lock/next-user}: one transaction, {@code SELECT ... FOR UPDATE} of the rotation
 *       row, {@code UPDATE} of position and sequence, {@code INSERT} of the assignment row, {@code COMMIT};
 *   <li>{@code GET /pg-update-returning/next-user}: the best single statement, {@code UPDATE ... RETURNING}
 *       with the assignment insert in the same statement (a data-modifying CTE), autocommit;
 *   <li>{@code GET /redis-lua/next-user}: {@code EVALSHA} of a Lua script doing {@code INCR} of the sequence
 *       and {@code LINDEX} into the expanded schedule (in Redis, no durability, no assignment log).
 * </ul>
 * Each answers with the service's own NextUserResponse ({@code Views.nextUser}) after the service's own
 * {@code Authenticator} (HS256) when a secret is given. Prints {@code LISTENING <port>} once ready.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.leadrouter.bench.BaselineServer --members-file F
 * [--port 0] [--threads 2] [--pg-uri URI --pg-schema S --pg-pool 8] [--redis-uri URI --redis-prefix P
 * --redis-pool 8]}; the HS256 secret comes from {@code LEADROUTER_JWT_SECRET} (no auth when unset).
 */
public final class BaselineServer {

  static final long ROW_LOCK_ID = 1;
  static final long RETURNING_ID = 2;

  static final String LUA = """
      local n = redis.call('INCR', KEYS[1])
      local email = redis.call('LINDEX', KEYS[2], (n - 1) % tonumber(ARGV[1]))
      return {n, email}
      """;

  private BaselineServer() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    JsonArray raw = new JsonArray(Files.readString(Path.of(o.get("members-file"))));
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      JsonObject m = raw.getJsonObject(i);
      members.add(new Member(m.getLong("userId"), m.getString("email"), m.getString("name"), m.getInteger("weight")));
    }
    Settings s = new Settings(members, Integer.parseInt(o.getOrDefault("port", "0")),
        o.getOrDefault("account", Fixtures.ACCOUNT), System.getenv("LEADROUTER_JWT_SECRET"),
        o.get("pg-uri"), o.get("pg-schema"), Integer.parseInt(o.getOrDefault("pg-pool", "8")),
        o.get("redis-uri"), o.get("redis-prefix"), Integer.parseInt(o.getOrDefault("redis-pool", "8")),
        Integer.parseInt(o.getOrDefault("threads", "2")));
    if (s.pgSchema != null && !s.pgSchema.matches("[a-z0-9_]+")) {
      throw new IllegalArgumentException("pg-schema: lower-case letters, digits and _ only");
    }
    Vertx vertx = Vertx.vertx();
    int port = s.port;
    try {
      if (port == 0) {
        // all instances must share one port: find a free one first
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
          port = probe.getLocalPort();
        }
      }
      int p = port;
      vertx.deployVerticle(() -> new Http(s, p), new DeploymentOptions().setInstances(s.threads))
          .await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.out.println("FAILED " + e);
      System.out.flush();
      vertx.close();
      System.exit(1);
    }
    System.out.println("LISTENING " + port + " routes:" + (s.pgUri != null ? " pg-row-lock pg-update-returning" : "")
        + (s.redisUri != null ? " redis-lua" : "") + " auth:" + (s.secret != null ? "HS256" : "none"));
    System.out.flush();
  }

  record Settings(List<Member> members, int port, String account, String secret, String pgUri, String pgSchema,
      int pgPool, String redisUri, String redisPrefix, int redisPool, int threads) {}

  /** One HTTP server instance (one event loop), with its own database connections. */
  static final class Http extends VerticleBase {
    private final Settings s;
    private final int port;
    private final Schedule schedule;
    private final Map<String, Integer> byEmail = new HashMap<>();
    private final Instant created = Instant.parse("2026-11-23T00:00:00Z");
    private Authenticator authenticator;
    private Pool pg;
    private Redis redis;
    private String sha;
    private String rowLockSelect;
    private String rowLockUpdate;
    private String insert;
    private String returning;

    Http(Settings s, int port) {
      this.s = s;
      this.port = port;
      this.schedule = Schedule.ofMembers(s.members);
      for (int i = 0; i < s.members.size(); i++) {
        byEmail.put(s.members.get(i).email(), i);
      }
    }

    @Override
    public Future<?> start() {
      if (s.secret != null) {
        authenticator = new Authenticator(JWTAuth.create(vertx, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(s.secret))));
      }
      Router router = Router.router(vertx);
      router.get("/health/live").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
          .end("{\"status\":\"UP\"}"));
      router.route().handler(BodyHandler.create(false));
      if (authenticator != null) {
        router.route("/:kind/next-user").handler(this::authenticate);
      }
      Future<?> ready = Future.succeededFuture();
      if (s.pgUri != null) {
        String t = s.pgSchema + ".";
        rowLockSelect = "SELECT position, sequence, slots[position + 1] AS email, cardinality(slots) AS length FROM "
            + t + "rotation WHERE id = $1 FOR UPDATE";
        rowLockUpdate = "UPDATE " + t + "rotation SET position = $2, sequence = $3 WHERE id = $1";
        insert = "INSERT INTO " + t + "assignment (rotation_id, sequence, email, position) VALUES ($1, $2, $3, $4)";
        returning = "WITH picked AS (UPDATE " + t + "rotation"
            + " SET position = CASE WHEN position + 1 = cardinality(slots) THEN 0 ELSE position + 1 END,"
            + " sequence = sequence + 1 WHERE id = $1"
            + " RETURNING sequence, CASE WHEN position = 0 THEN cardinality(slots) ELSE position END AS slot, slots),"
            + " logged AS (INSERT INTO " + t + "assignment (rotation_id, sequence, email, position)"
            + " SELECT $1, sequence, slots[slot], slot - 1 FROM picked)"
            + " SELECT sequence, slot - 1 AS position, slots[slot] AS email FROM picked";
        pg = PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(Math.max(1, s.pgPool / s.threads)).setMaxWaitQueueSize(-1))
            .connectingTo(PgConnectOptions.fromUri(s.pgUri).setCachePreparedStatements(true))
            .using(vertx).build();
        router.get("/pg-row-lock/next-user").handler(this::pgRowLock);
        router.get("/pg-update-returning/next-user").handler(this::pgReturning);
        ready = pg.query("SELECT 1").execute();
      }
      if (s.redisUri != null) {
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(s.redisUri)
            .setMaxPoolSize(Math.max(1, s.redisPool / s.threads)).setMaxPoolWaiting(1_000_000));
        router.get("/redis-lua/next-user").handler(this::redisLua);
        ready = ready.compose(v -> redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(LUA)))
            .onSuccess(r -> sha = r.toString());
      }
      router.route().failureHandler(ctx -> {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
            .end(io.leadrouter.error.Failure.of(status,
                ctx.failure() == null ? "failed" : String.valueOf(ctx.failure().getMessage())).json().toBuffer());
      });
      return ready.compose(v -> vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
          .requestHandler(router).listen());
    }

    private void authenticate(RoutingContext ctx) {
      authenticator.authenticate(ctx.request().getHeader("authorization"), ctx.request().getHeader("x-account-id"))
          .onSuccess(caller -> ctx.next())
          .onFailure(e -> ctx.fail(e instanceof io.leadrouter.error.ApiException a ? a.status() : 401, e));
    }

    private void pgRowLock(RoutingContext ctx) {
      pg.withTransaction(conn -> conn.preparedQuery(rowLockSelect).execute(Tuple.of(ROW_LOCK_ID))
          .compose(rows -> {
            Row r = rows.iterator().next();
            int position = r.getInteger("position");
            int length = r.getInteger("length");
            long sequence = r.getLong("sequence") + 1;
            int next = position + 1 == length ? 0 : position + 1;
            String email = r.getString("email");
            return conn.preparedQuery(rowLockUpdate).execute(Tuple.of(ROW_LOCK_ID, next, sequence))
                .compose(u -> conn.preparedQuery(insert).execute(Tuple.of(ROW_LOCK_ID, sequence, email, position)))
                .map(i -> new Picked(sequence, position, email));
          }))
          .onSuccess(p -> respond(ctx, ROW_LOCK_ID, p))
          .onFailure(ctx::fail);
    }

    private void pgReturning(RoutingContext ctx) {
      pg.preparedQuery(returning).execute(Tuple.of(RETURNING_ID))
          .map(rows -> {
            Row r = rows.iterator().next();
            return new Picked(r.getLong("sequence"), r.getInteger("position"), r.getString("email"));
          })
          .onSuccess(p -> respond(ctx, RETURNING_ID, p))
          .onFailure(ctx::fail);
    }

    private void redisLua(RoutingContext ctx) {
      int length = schedule.length();
      redis.send(Request.cmd(Command.EVALSHA).arg(sha).arg(2).arg(s.redisPrefix + "seq").arg(s.redisPrefix + "slots")
              .arg(length))
          .map(r -> {
            long sequence = r.get(0).toLong();
            return new Picked(sequence, (int) ((sequence - 1) % length), r.get(1).toString());
          })
          .onSuccess(p -> respond(ctx, 3, p))
          .onFailure(ctx::fail);
    }

    record Picked(long sequence, int position, String email) {}

    /** The service's NextUserResponse, rendered by the service's own view. */
    private void respond(RoutingContext ctx, long rotationId, Picked p) {
      Integer index = byEmail.get(p.email());
      if (index == null || schedule.memberAt(p.position()) != index) {
        ctx.fail(500, new IllegalStateException("store returned " + p + ", not the schedule's member"));
        return;
      }
      int length = schedule.length();
      int next = p.position() + 1 == length ? 0 : p.position() + 1;
      Instant now = Instant.now();
      Member member = s.members.get(index);
      Member nextMember = s.members.get(schedule.memberAt(next));
      Rotation.UserPicked picked = new Rotation.UserPicked(rotationId, s.account, p.sequence(), member,
          p.position(), next, nextMember, length, now, ctx.request().getHeader("x-request-id"));
      RotationState state = new RotationState(rotationId, s.account, "hot", Status.ACTIVE, null, s.members, next,
          p.sequence(), created, created, "bench@example.com", "bench@example.com");
      ctx.response().putHeader("content-type", "application/json")
          .end(Views.nextUser(new PickReply(picked, state)).toBuffer());
    }
  }
}
