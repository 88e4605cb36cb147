package io.leadrouter.bench;

import io.leadrouter.LeadRouter;
import io.leadrouter.auth.Jwt;
import io.leadrouter.config.Config;
import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.Partitioner;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.Status;
import io.leadrouter.Stores;
import io.leadrouter.store.RotationStore;
import io.leadrouter.store.Storage;
import io.leadrouter.store.memory.InMemoryStore;
import io.leadrouter.store.NewRotation;
import io.leadrouter.store.User;
import io.leadrouter.store.UserRef;
import io.leadrouter.store.WriteBatch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Shared inputs of the benchmarks and the harness: weight patterns, members, an in-process node. */
final class Fixtures {

  static final String ACCOUNT = "2311";

  private Fixtures() {}

  /**
   * Weights of {@code members} members: {@code "uniform"} is all 1; {@code "mixed"} cycles 1..10 (mean 5.5),
   * a deterministic stand-in for real rotations that uses every allowed weight.
   */
  static int[] weights(int members, String pattern) {
    int[] w = new int[members];
    for (int i = 0; i < members; i++) {
      w[i] = switch (pattern) {
        case "uniform" -> 1;
        case "mixed" -> 1 + (i % 10);
        default -> throw new IllegalArgumentException("weights: uniform or mixed, got " + pattern);
      };
    }
    return w;
  }

  static List<Member> members(int[] weights) {
    List<Member> out = new ArrayList<>(weights.length);
    for (int i = 0; i < weights.length; i++) {
      out.add(new Member(1000L + i, "u" + (i + 1) + "@example.com", "User " + (i + 1), weights[i]));
    }
    return out;
  }

  static RotationState state(List<Member> members) {
    Instant t = Instant.parse("2026-11-23T00:00:00Z");
    return new RotationState(7L, ACCOUNT, "hot", Status.ACTIVE, null, members, 0, 0, t, t, "bench@example.com",
        "bench@example.com");
  }

  /** The thread of the last activation through {@link #droppingLog}: the owner's event loop. */
  static volatile Thread lastActivationThread;

  static String randomSecret() {
    byte[] b = new byte[36];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * {@code inner} minus the assignment log: flushes keep position and sequence but drop the rows. The
   * in-memory store keeps every row in a skip list, which at a million picks a second measures that skip
   * list and the heap, not the pick path. A proxy rather than a delegating class, so that the port growing
   * a method does not break the benchmarks.
   */
  static Stores droppingLog(InMemoryStore inner) {
    RotationStore rotations = (RotationStore) Proxy.newProxyInstance(RotationStore.class.getClassLoader(),
        new Class<?>[] {RotationStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("loadRotation")) {
            lastActivationThread = Thread.currentThread();
          }
          Object[] a = args;
          if (method.getName().equals("flush") && args != null && args[0] instanceof WriteBatch b) {
            a = new Object[] {new WriteBatch(b.progress(), List.of())};
          }
          try {
            return method.invoke(inner.rotations(), a);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    Storage dropping = new Storage(rotations, inner.directory(), inner.assignmentLog()) {
      @Override
      public Future<Void> close() {
        return inner.close();
      }
    };
    return new Stores(dropping, Stores.of(inner).leads());
  }

  /** A verticle that remembers the event-loop thread it was started on. */
  abstract static class Placed extends VerticleBase {
    volatile Thread thread;

    @Override
    public Future<?> start() {
      thread = Thread.currentThread();
      return Future.succeededFuture();
    }
  }

  /**
   * Deploys verticles from {@code factory} until one lands on an event loop that {@code wanted} accepts (Vert.x
   * assigns event loops round robin, so a few tries suffice); the others are undeployed.
   */
  static <V extends Placed> V deployOn(Vertx vertx, Supplier<V> factory, Predicate<Thread> wanted) throws Exception {
    for (int i = 0; i < 64; i++) {
      V v = factory.get();
      String id = vertx.deployVerticle(v).await(10, TimeUnit.SECONDS);
      if (wanted.test(v.thread)) {
        return v;
      }
      vertx.undeploy(id).await(10, TimeUnit.SECONDS);
    }
    throw new IllegalStateException("no event loop matched after 64 deployments");
  }

  /** A whole node in this JVM (in-memory store, HTTP on a free port) with one active rotation. */
  /** A new active rotation "hot" of the benchmark account, its members added to the store's user directory. */
  static RotationState hotRotation(Storage store, int[] weights) throws Exception {
    List<UserRef> refs = new ArrayList<>();
    for (Member m : members(weights)) {
      refs.add(new UserRef(null, m.email(), m.name()));
    }
    List<User> users = store.directory().resolveUsers(ACCOUNT, refs, "bench@example.com").await(30, TimeUnit.SECONDS);
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      members.add(new Member(users.get(i).id(), users.get(i).email(), users.get(i).name(), weights[i]));
    }
    return store.rotations().createRotation(new NewRotation(ACCOUNT, "hot", Status.ACTIVE, null, members, "bench@example.com"))
        .await(30, TimeUnit.SECONDS);
  }

  /** {@code --name value} pairs of a benchmark's command line. */
  static Map<String, String> options(String[] args) {
    Map<String, String> options = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    return options;
  }

  /** A throwaway database on the Postgres at {@code serverUri}; {@link #uri()} reaches it, close drops it. */
  static final class Database implements AutoCloseable {
    private final String server;
    private final String name = "lr_bench_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    Database(String serverUri) throws java.sql.SQLException {
      this.server = serverUri;
      try (java.sql.Connection c = io.leadrouter.store.pg.Postgres.connectJdbc(server);
          java.sql.Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name);
      }
    }

    String uri() {
      return server.substring(0, server.lastIndexOf('/') + 1) + name;
    }

    @Override
    public void close() throws java.sql.SQLException {
      try (java.sql.Connection c = io.leadrouter.store.pg.Postgres.connectJdbc(server);
          java.sql.Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
  }

  static final class Node {
    final Vertx vertx;
    final LeadRouter app;
    final InMemoryStore store;
    final RotationState rotation;
    final String secret;
    final String token;

    private Node(Vertx vertx, LeadRouter app, InMemoryStore store, RotationState rotation, String secret,
        String token) {
      this.vertx = vertx;
      this.app = app;
      this.store = store;
      this.rotation = rotation;
      this.secret = secret;
      this.token = token;
    }

    /** {@code keepLog}: false drops assignment rows at flush (see {@link #droppingLog}). */
    static Node start(Vertx vertx, int[] weights, boolean keepLog) throws Exception {
      String secret = randomSecret();
      Config config = Config.load(Map.of(), List.of("--store", "memory", "--jwt-secret", secret,
          "--http-port", "0", "--http-instances", "1"));
      InMemoryStore store = new InMemoryStore();
      // the service's own meters (Prometheus registry), as Main wires them; Vert.x's event-bus metrics stay off
      // as in production (see Metrics.vertxOptions)
      LeadRouter app = LeadRouter.start(vertx, config, keepLog ? Stores.of(store) : droppingLog(store), Jwt.options(config),
          Partitioner.hashing(config.partitions()), "bench", new Metrics(Metrics.prometheus()))
          .await(60, TimeUnit.SECONDS);
      RotationState rotation = hotRotation(store, weights);
      String token = Jwt.mint(vertx, secret, "bench@example.com", List.of(ACCOUNT), 86_400);
      return new Node(vertx, app, store, rotation, secret, token);
    }

    void stop() throws Exception {
      app.stop().await(60, TimeUnit.SECONDS);
    }
  }

  /**
   * Runs {@code total} requests on {@code sender}'s event loop, at most {@code inFlight} at a time (a new one
   * as each answers); the sum of their answers, or the first failure.
   */
  static long window(Context sender, int total, int inFlight, Supplier<Future<Long>> request) throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    sender.runOnContext(v -> new Object() {
      int sent;
      int completed;
      long sum;

      void start() {
        int first = Math.min(inFlight, total);
        for (int i = 0; i < first; i++) {
          send();
        }
      }

      void send() {
        sent++;
        request.get().onComplete(ar -> {
          if (ar.failed()) {
            done.completeExceptionally(ar.cause());
            return;
          }
          sum += ar.result();
          if (++completed == total) {
            done.complete(sum);
          } else if (sent < total) {
            send();
          }
        });
      }
    }.start());
    return done.get(60, TimeUnit.SECONDS);
  }
}
