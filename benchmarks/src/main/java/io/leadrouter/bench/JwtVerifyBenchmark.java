package io.leadrouter.bench;

import io.leadrouter.auth.Authenticator;
import io.leadrouter.auth.Caller;
import io.leadrouter.auth.Jwt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verifying the bearer token of a request, which every next-user call pays before its pick:
 * {@code JWTAuth.authenticate} for an HS256 token (a shared secret, the {@code token} command's kind) and
 * for an RS256 token (an RSA-2048 key pair generated in setup, the public key PEM-encoded as the service's
 * {@code --jwt-public-keys} reads it), and the service's {@code Authenticator} (HS256 plus the account check).
 * Baselines: the bare signature check with the JDK ({@code HmacSHA256}, {@code SHA256withRSA}) over the same
 * signing input, i.e. what parsing, claims and futures add.
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar JwtVerify}. Scores are verifications per
 * second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class JwtVerifyBenchmark {

  private Vertx vertx;
  private JWTAuth hs256;
  private JWTAuth rs256;
  private Authenticator authenticator;
  private TokenCredentials hsToken;
  private TokenCredentials rsToken;
  private String hsHeader;
  private byte[] hsSigningInput;
  private byte[] hsSignature;
  private Mac mac;
  private byte[] rsSigningInput;
  private byte[] rsSignature;
  private Signature rsaVerifier;
  private KeyPair rsa;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    vertx = Vertx.vertx();
    String secret = Fixtures.randomSecret();
    JsonObject claims = new JsonObject().put("sub", "bench@example.com")
        .put("accounts", new JsonArray(List.of(Fixtures.ACCOUNT)));

    hs256 = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    String hs = Jwt.mint(vertx, secret, "bench@example.com", List.of(Fixtures.ACCOUNT), 86_400);
    hsToken = new TokenCredentials(hs);
    hsHeader = "Bearer " + hs;
    authenticator = new Authenticator(hs256);
    mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    hsSigningInput = signingInput(hs);
    hsSignature = signature(hs);

    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    rsa = gen.generateKeyPair();
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem("PRIVATE KEY", rsa.getPrivate().getEncoded()))));
    String rs = signer.generateToken(claims, new JWTOptions().setAlgorithm("RS256").setExpiresInSeconds(86_400));
    rs256 = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem("PUBLIC KEY", rsa.getPublic().getEncoded()))));
    rsToken = new TokenCredentials(rs);
    rsaVerifier = Signature.getInstance("SHA256withRSA");
    rsSigningInput = signingInput(rs);
    rsSignature = signature(rs);

    // fail at setup, not with a misleading score, if a token does not verify
    if (hs256().principal() == null || rs256().principal() == null || hs256Authenticator() == null
        || !baselineHmacSha256() || !baselineRsaSha256()) {
      throw new IllegalStateException("a token did not verify");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Benchmark
  public User hs256() {
    return now(hs256.authenticate(hsToken));
  }

  @Benchmark
  public User rs256() {
    return now(rs256.authenticate(rsToken));
  }

  @Benchmark
  public Caller hs256Authenticator() {
    return now(authenticator.authenticate(hsHeader, Fixtures.ACCOUNT));
  }

  @Benchmark
  public boolean baselineHmacSha256() {
    return java.security.MessageDigest.isEqual(mac.doFinal(hsSigningInput), hsSignature);
  }

  @Benchmark
  public boolean baselineRsaSha256() throws Exception {
    rsaVerifier.initVerify(rsa.getPublic());
    rsaVerifier.update(rsSigningInput);
    return rsaVerifier.verify(rsSignature);
  }

  /** JWT verification completes synchronously; a pending future here would mean the benchmark is wrong. */
  private static <T> T now(Future<T> f) {
    if (!f.isComplete()) {
      throw new IllegalStateException("authenticate did not complete synchronously");
    }
    if (f.failed()) {
      throw new IllegalStateException(f.cause());
    }
    return f.result();
  }

  private static byte[] signingInput(String jwt) {
    return jwt.substring(0, jwt.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] signature(String jwt) {
    return Base64.getUrlDecoder().decode(jwt.substring(jwt.lastIndexOf('.') + 1));
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
