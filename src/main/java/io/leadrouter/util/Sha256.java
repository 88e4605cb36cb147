package io.leadrouter.util;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The one SHA-256 of the service: ingest-token secrets and Idempotency-Key request hashes. */
public final class Sha256 {

  private Sha256() {}

  /** The digest of {@code text}'s UTF-8 bytes. */
  public static byte[] of(String text) {
    return digest().digest(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The hex digest of a list of texts, each followed by a 0x1f separator and a null one written as a 0x00
   * byte, so that ("ab", "c") and ("a", "bc") differ. Stored hashes depend on this framing: never change it.
   */
  public static String hexOfParts(String... parts) {
    MessageDigest md = digest();
    for (String p : parts) {
      md.update(p == null ? new byte[] {0} : p.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0x1f);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // every Java platform must provide SHA-256
      throw new IllegalStateException(e);
    }
  }
}
