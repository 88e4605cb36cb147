package io.leadrouter.cluster;

import io.leadrouter.client.ClientOptions;
import io.leadrouter.client.ClusterSettings;
import io.leadrouter.client.LeadRouterClient;
import io.leadrouter.client.LeadRouterException;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service calling Lead Router through {@code lead-router-client}, in a JVM of its own (started by
 * {@link ClientProcessesTest}): {@code calls} logical picks, {@code concurrency} in flight, call {@code i} on
 * rotation {@code rotations[i % n]}. Its own record of every call goes to stdout, one line per call:
 * {@code A <call> <rotation> <sequence> <email>} for an answer, {@code F <call> <status> <message>} for a
 * failure; then {@code CLIENT DONE}. Arguments: {@code key=value} ({@code transport=bus|http},
 * {@code members}, {@code partitions}, {@code http}, {@code account}, {@code rotations}, {@code calls},
 * {@code concurrency}, {@code attempt-ms}); the JWT in the environment variable {@code LR_TOKEN}.
 */
public final class ClientLoadMain {

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      a.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    ClientOptions options = ClientOptions.withToken(System.getenv("LR_TOKEN"))
        .attemptTimeout(Duration.ofMillis(Long.parseLong(a.getOrDefault("attempt-ms", "5000"))))
        .callTimeout(Duration.ofSeconds(120));
    Vertx own = null;
    LeadRouterClient client;
    if (a.get("transport").equals("bus")) {
      ClusterSettings cluster = ClusterSettings.tcp(List.of(a.get("members").split(",")))
          .partitions(Integer.parseInt(a.get("partitions")));
      client = LeadRouterClient.joinCluster(cluster, options).await(2, TimeUnit.MINUTES);
    } else {
      own = Vertx.vertx();
      client = LeadRouterClient.http(own, List.of(a.get("http").split(",")), options);
    }
    long[] rotations = Arrays.stream(a.get("rotations").split(",")).mapToLong(Long::parseLong).toArray();
    String account = a.get("account");
    int calls = Integer.parseInt(a.get("calls"));
    int concurrency = Integer.parseInt(a.get("concurrency"));
    PrintStream out = new PrintStream(System.out, false);
    System.out.println("CLIENT READY");
    System.out.flush();

    long started = System.currentTimeMillis();
    AtomicInteger nextCall = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch lanes = new CountDownLatch(concurrency);
    for (int lane = 0; lane < concurrency; lane++) {
      run(client, account, rotations, calls, nextCall, answered, failed, lanes, out);
    }
    lanes.await(10, TimeUnit.MINUTES);
    synchronized (out) {
      out.println("CLIENT DONE answered=" + answered.get() + " failed=" + failed.get() + " ms="
          + (System.currentTimeMillis() - started));
      out.flush();
    }
    client.close().await(1, TimeUnit.MINUTES);
    if (own != null) {
      own.close().await(1, TimeUnit.MINUTES);
    }
    System.exit(0);
  }

  private static void run(LeadRouterClient client, String account, long[] rotations, int calls, AtomicInteger nextCall,
      AtomicInteger answered, AtomicInteger failed, CountDownLatch lanes, PrintStream out) {
    int call = nextCall.getAndIncrement();
    if (call >= calls) {
      lanes.countDown();
      return;
    }
    long rotation = rotations[call % rotations.length];
    client.nextUser(account, rotation).onComplete(ar -> {
      synchronized (out) {
        if (ar.succeeded()) {
          answered.incrementAndGet();
          out.println("A " + call + " " + rotation + " " + ar.result().sequence() + " " + ar.result().email());
        } else {
          failed.incrementAndGet();
          Throwable e = ar.cause();
          out.println("F " + call + " " + (e instanceof LeadRouterException l ? l.status() : 0) + " " + e);
        }
      }
      run(client, account, rotations, calls, nextCall, answered, failed, lanes, out);
    });
  }
}
