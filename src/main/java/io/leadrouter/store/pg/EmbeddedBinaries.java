package io.leadrouter.store.pg;

import java.util.Locale;

/**
 * Whether this build carries the embedded Postgres (zonky's library and its binaries for this machine).
 * The default build does (Linux x86-64 binaries only); a build with the {@code prod} profile does not, and
 * the container image is built from that one. Plain JDK only: it must be safe to call when zonky's classes
 * are absent, which is why it is not a method of {@link EmbeddedPostgresServer}.
 */
public final class EmbeddedBinaries {

  private static final String ZONKY = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

  private EmbeddedBinaries() {}

  /** Null when an embedded Postgres can start here; otherwise why not, as one sentence. */
  public static String missing() {
    ClassLoader loader = EmbeddedBinaries.class.getClassLoader();
    try {
      Class.forName(ZONKY, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return "this build carries no embedded Postgres (built with the prod profile)";
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    boolean linuxX64 = os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    if (linuxX64 && loader.getResource("postgres-linux-x86_64.txz") == null) {
      return "this build carries no embedded Postgres binaries for linux x86-64";
    }
    // other platforms: the build ships only linux x86-64 binaries; zonky names what it cannot find
    return null;
  }
}
