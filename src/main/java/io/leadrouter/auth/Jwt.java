package io.leadrouter.auth;

import io.leadrouter.config.Config;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * JWT keys. Production: an HS256 secret ({@code LEADROUTER_JWT_SECRET}) or RS256/ES256 public keys from PEM
 * files. Dev mode (no key configured): a random secret generated once and kept in {@code <data-dir>/dev-jwt-secret}
 * (owner-only), so tokens minted with the {@code token} command keep working across restarts.
 */
public final class Jwt {

  public static final String DEV_SECRET_FILE = "dev-jwt-secret";

  private Jwt() {}

  /** The HS256 secret in force: the configured one, or in dev mode the data directory's (created if absent). */
  public static String hmacSecret(Config config) {
    if (config.jwtSecret() != null) {
      return config.jwtSecret();
    }
    Path file = config.dataDir().resolve(DEV_SECRET_FILE);
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      Files.createDirectories(config.dataDir());
      byte[] bytes = new byte[48];
      new SecureRandom().nextBytes(bytes);
      String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      Files.writeString(file, secret, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the file keeps its default permissions
      }
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the dev-mode secret " + file, e);
    }
  }

  /** Verification keys for the configured mode (read once at start-up). */
  public static JWTAuthOptions options(Config config) {
    JWTAuthOptions options = new JWTAuthOptions();
    for (Path pem : config.jwtPublicKeys()) {
      try {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(config.jwtAlgorithm())
            .setBuffer(Files.readString(pem, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read JWT public key " + pem, e);
      }
    }
    if (config.jwtSecret() != null || config.jwtPublicKeys().isEmpty()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(hmacSecret(config)));
    }
    return options;
  }

  /** An HS256 token for {@code accounts}, valid {@code ttlSeconds}. */
  public static String mint(Vertx vertx, String secret, String subject, List<String> accounts, long ttlSeconds) {
    JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    JsonObject claims = new JsonObject().put("sub", subject).put("accounts", new JsonArray(List.copyOf(accounts)));
    return auth.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) ttlSeconds));
  }
}
