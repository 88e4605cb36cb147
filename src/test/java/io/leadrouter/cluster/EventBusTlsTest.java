package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.client.ClientOptions;
import io.leadrouter.client.ClusterSettings;
import io.leadrouter.client.LeadRouterClient;
import io.leadrouter.client.LeadRouterException;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster-tls-*}: the event bus between members, and with clients, over mutual TLS. Members forward
 * commands to each other over it; a client with a certificate of the cluster's CA picks; one without TLS gets
 * no answer.
 */
class EventBusTlsTest {

  @TempDir
  Path dir;

  @Test
  void membersAndCertifiedClientsTalkOverTlsAndOthersAreNotAnswered() throws Exception {
    Path[] pem = selfSigned("member");
    String pgUri = TestPostgres.freshDatabaseUri();
    List<Integer> ports = InJvmMember.freePorts(4);
    List<Integer> memberPorts = ports.subList(0, 2);
    String[] tls = {"--cluster-tls-cert", pem[0].toString(), "--cluster-tls-key", pem[1].toString(),
        "--cluster-tls-ca", pem[0].toString()};
    List<InJvmMember> members = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    LeadRouterClient certified = null;
    LeadRouterClient plain = null;
    try {
      for (int port : memberPorts) {
        members.add(InJvmMember.start(pgUri, port, memberPorts, tls));
      }
      String token = TestApp.token(vertx, "svc@example.com", "2311");
      List<Api> apis = List.of(new Api(vertx, members.get(0).httpPort(), token, "2311"),
          new Api(vertx, members.get(1).httpPort(), token, "2311"));
      InJvmMember.awaitSettled(apis, 2);
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ids.add(apis.get(0).createRotation(new JsonObject().put("name", "tls " + i).put("members", new JsonArray()
            .add("a@example.com"))).await(10, TimeUnit.SECONDS).getLong("id"));
      }
      // every rotation picked through both members: half of them forwarded to the other member, over TLS
      for (long id : ids) {
        for (Api api : apis) {
          assertThat(api.get("/lead-rotations/" + id + "/next-user").await(30, TimeUnit.SECONDS).statusCode())
              .as("rotation %d", id).isEqualTo(200);
        }
      }
      assertThat(ids).as("both members own some of them").anyMatch(id -> owns(members.get(0), id))
          .anyMatch(id -> owns(members.get(1), id));

      ClusterSettings cluster = ClusterSettings.tcp(memberPorts.stream().map(p -> "127.0.0.1:" + p).toList())
          .partitions(61);
      ClientOptions options = ClientOptions.withToken(token).attemptTimeout(Duration.ofSeconds(2))
          .callTimeout(Duration.ofSeconds(5));
      certified = LeadRouterClient.joinCluster(cluster.port(ports.get(2))
          .tls(pem[0].toString(), pem[1].toString(), pem[0].toString()), options).await(2, TimeUnit.MINUTES);
      assertThat(certified.nextUser("2311", ids.get(0)).await(30, TimeUnit.SECONDS).sequence()).isEqualTo(3);

      plain = LeadRouterClient.joinCluster(cluster.port(ports.get(3)), options).await(2, TimeUnit.MINUTES);
      Future<?> refused = plain.nextUser("2311", ids.get(1));
      try {
        refused.await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // checked below
      }
      assertThat(refused.failed()).as("a client without TLS is not answered").isTrue();
      assertThat(refused.cause()).isInstanceOfSatisfying(LeadRouterException.class,
          e -> assertThat(e.status()).isEqualTo(503));
      JsonObject rotation = apis.get(0).get("/lead-rotations/" + ids.get(1)).await(10, TimeUnit.SECONDS).bodyAsJsonObject();
      assertThat(rotation.getLong("sequence")).as("nothing picked for it").isEqualTo(2);
    } finally {
      for (LeadRouterClient c : new LeadRouterClient[] {certified, plain}) {
        if (c != null) {
          c.close().await(1, TimeUnit.MINUTES);
        }
      }
      for (InJvmMember m : members) {
        m.stop();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
      TestPostgres.dropDatabase(pgUri);
    }
  }

  private static boolean owns(InJvmMember member, long rotationId) {
    return member.node.ownership().hosts(member.node.partitioner().partitionOf(rotationId));
  }

  /** A self-signed certificate for 127.0.0.1 and localhost (it is its own CA) and its key, as PEM files. */
  private Path[] selfSigned(String name) throws Exception {
    Path store = dir.resolve(name + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048",
        "-dname", "CN=" + name, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(store.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    Path cert = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    Files.writeString(cert, pem("CERTIFICATE", ks.getCertificate(name).getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", ks.getKey(name, "changeit".toCharArray()).getEncoded()));
    return new Path[] {cert, key};
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
