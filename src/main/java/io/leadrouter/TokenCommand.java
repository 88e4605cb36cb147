package io.leadrouter;

import io.leadrouter.auth.Authenticator;
import io.leadrouter.auth.Jwt;
import io.leadrouter.config.Config;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar lead-router.jar token --account ID [--account ID2] --sub EMAIL [--ttl 1h] [--create-secret]}:
 * mints an HS256 token with the service's secret, says on stderr which secret it used, and in dev mode
 * refuses to invent a new secret (whose tokens the running service would reject) unless asked to.
 */
final class TokenCommand {

  static final String USAGE = "usage: token --account ID [--account ID ...] --sub EMAIL [--ttl 1h|30m|3600s|7d]";

  private TokenCommand() {}

  static int run(List<String> args) {
    List<String> accounts = new ArrayList<>();
    String sub = null;
    Duration ttl = Duration.ofHours(1);
    boolean createSecret = false;
    List<String> rest = new ArrayList<>();
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        switch (a) {
          case "--account" -> accounts.addAll(Arrays.asList(args.get(++i).split(",")));
          case "--sub" -> sub = args.get(++i);
          case "--ttl" -> ttl = parseTtl(args.get(++i));
          case "--create-secret" -> createSecret = true;
          default -> rest.add(a);
        }
      }
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      System.err.println(USAGE
          + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
      return 2;
    }
    if (ttl.getSeconds() > Authenticator.MAX_AHEAD_SECONDS) {
      System.err.println("token: --ttl longer than " + Authenticator.MAX_AHEAD_SECONDS / 86_400
          + " days; the service refuses such tokens");
      return 2;
    }
    if (accounts.isEmpty() || sub == null || sub.isBlank()) {
      System.err.println(USAGE);
      return 2;
    }
    Config config;
    try {
      config = Config.load(System.getenv(), rest);
    } catch (Config.ConfigException e) {
      e.problems().forEach(p -> System.err.println("invalid setting: " + p));
      return 2;
    }
    if (config.jwtSecret() == null && !config.jwtPublicKeys().isEmpty()) {
      System.err.println("token: the service verifies " + config.jwtAlgorithm()
          + " tokens from public keys; mint them with the matching private key, not here");
      return 2;
    }
    if (config.jwtSecret() != null) {
      System.err.println("token: signed with jwt-secret (" + (System.getenv("LEADROUTER_JWT_SECRET") != null
          ? "LEADROUTER_JWT_SECRET" : "a setting") + ")");
    } else {
      Path file = config.dataDir().resolve(Jwt.DEV_SECRET_FILE).toAbsolutePath().normalize();
      if (!Files.exists(file) && !createSecret) {
        System.err.println("token: no secret to sign with: jwt-secret is not set and " + file + " does not exist."
            + " Run from the service's directory, point --data-dir (LEADROUTER_DATA_DIR) at its data, set"
            + " LEADROUTER_JWT_SECRET, or pass --create-secret to create a new dev secret there");
        return 2;
      }
      System.err.println("token: signed with the dev secret in " + file + (Files.exists(file) ? "" : " (created)"));
    }
    Vertx vertx = Vertx.vertx();
    try {
      System.out.println(Jwt.mint(vertx, Jwt.hmacSecret(config), sub, accounts, ttl.getSeconds()));
    } finally {
      vertx.close();
    }
    return 0;
  }

  static Duration parseTtl(String s) {
    if (!s.matches("[1-9][0-9]{0,8}[smhd]")) {
      throw new IllegalArgumentException("bad --ttl '" + s + "'");
    }
    long n = Long.parseLong(s.substring(0, s.length() - 1));
    return switch (s.charAt(s.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
