package io.leadrouter.owner;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The members' proof that a message comes from a member: an HmacSHA256 over the message's bytes, a timestamp
 * and a random nonce, keyed by the cluster secret ({@code cluster-secret}) that members hold and clients do not.
 * A message older or newer than {@link #WINDOW_MS} (members' clocks must agree that well) is refused, so a
 * captured message cannot be replayed later; within the window only event-bus TLS keeps the members' traffic
 * from being captured. Thread-safe (a {@link Mac} per thread).
 */
public final class CommandSigner {

  /** How far a signed message's timestamp may lie from this member's clock. */
  static final long WINDOW_MS = 60_000;
  /** Bytes a signature adds: timestamp (8), nonce (16), MAC (32). */
  static final int LENGTH = 8 + 16 + 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  private CommandSigner(byte[] secret) {
    this.key = new SecretKeySpec(secret, "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** The signer of the cluster secret {@code secret} (at least 32 characters, checked with the settings). */
  public static CommandSigner of(String secret) {
    Objects.requireNonNull(secret, "cluster-secret");
    return new CommandSigner(secret.getBytes(StandardCharsets.UTF_8));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Appends the signature of {@code bytes[from, to)} of {@code buffer} to {@code buffer}. */
  void sign(Buffer buffer, int from, int to) {
    long now = System.currentTimeMillis();
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    byte[] mac = mac(buffer, from, to, now, nonce);
    buffer.appendLong(now).appendBytes(nonce).appendBytes(mac);
  }

  /**
   * Null when the signature following {@code [from, to)} in {@code buffer} is this cluster's and fresh; else why
   * not (the message is then refused).
   */
  String verify(Buffer buffer, int from, int to) {
    if (buffer.length() < to + LENGTH) {
      return "not signed";
    }
    long at = buffer.getLong(to);
    byte[] nonce = buffer.getBytes(to + 8, to + 24);
    byte[] mac = buffer.getBytes(to + 24, to + LENGTH);
    if (!MessageDigest.isEqual(mac, mac(buffer, from, to, at, nonce))) {
      return "bad signature (not signed with this cluster's cluster-secret)";
    }
    long skew = Math.abs(System.currentTimeMillis() - at);
    if (skew > WINDOW_MS) {
      return "signed " + skew + " ms away from this member's clock (at most " + WINDOW_MS + ")";
    }
    return null;
  }

  /** The signature of {@code bytes} for a delivery header (for messages other than commands). */
  public String signature(byte[] bytes) {
    Buffer b = Buffer.buffer(bytes);
    sign(b, 0, bytes.length);
    return Base64.getEncoder().encodeToString(b.getBytes(bytes.length, b.length()));
  }

  /** Null when {@code signature} (a delivery header) is this cluster's, fresh, for {@code bytes}; else why not. */
  public String verify(byte[] bytes, String signature) {
    if (signature == null) {
      return "not signed";
    }
    try {
      return verify(Buffer.buffer(bytes).appendBytes(Base64.getDecoder().decode(signature)), 0, bytes.length);
    } catch (IllegalArgumentException e) {
      return "not a signature";
    }
  }

  private byte[] mac(Buffer buffer, int from, int to, long at, byte[] nonce) {
    Mac mac = macs.get();
    mac.update(buffer.getBytes(from, to));
    for (int i = 7; i >= 0; i--) {
      mac.update((byte) (at >>> (8 * i)));
    }
    mac.update(nonce);
    return mac.doFinal();
  }
}
