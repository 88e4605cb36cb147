package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a client can hold on a node: bodies are read only after authentication and within the node's budget,
 * and slow headers, slow bodies and idle connections are cut off. Every wait is bounded by the socket's read
 * timeout (10 s), far above the timeouts configured here.
 */
@ExtendWith(VertxExtension.class)
class ConnectionLimitsTest {

  private static final int BIG = 1_048_000;

  private TestApp node;
  private String token;

  private void start(Vertx vertx, String... flags) throws Exception {
    node = TestApp.start(vertx, flags).await(30, TimeUnit.SECONDS);
    token = TestApp.token(vertx, "ops@example.com", "2311");
  }

  @AfterEach
  void stop() throws Exception {
    node.app.stop().await(30, TimeUnit.SECONDS);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", node.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void write(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
  }

  private static String upload(String path, String auth, long length) {
    return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + (auth == null ? "" : "Authorization: Bearer " + auth + "\r\nx-account-id: 2311\r\n")
        + "Content-Length: " + length + "\r\n\r\n";
  }

  /** A JSON body of exactly {@code length} bytes creating a rotation. */
  private static String rotationBody(int length) {
    String json = "{\"name\":\"big\"}";
    return json + " ".repeat(length - json.length());
  }

  /** Reads one response (status line, headers and a Content-Length body). */
  private static String response(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before a response: " + head.toString(StandardCharsets.ISO_8859_1));
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  /** True once the server has closed the connection (end of stream or reset), within the read timeout. */
  private static boolean closedByServer(Socket socket) throws IOException {
    try {
      InputStream in = socket.getInputStream();
      while (in.read() >= 0) {
        // anything still in flight before the close
      }
      return true;
    } catch (SocketException reset) {
      return true;
    }
  }

  @Test
  void unauthenticatedUploadsAreAnsweredBeforeTheirBodyIsRead(Vertx vertx) throws Exception {
    start(vertx);
    try (Socket socket = connect()) {
      write(socket, upload("/lead-rotations", null, BIG));
      assertThat(response(socket)).startsWith("HTTP/1.1 401").contains("unauthorized");
      assertThat(closedByServer(socket)).isTrue();
    }
    try (Socket socket = connect()) {
      write(socket, upload("/lead-rotations", "not-a-token", BIG));
      assertThat(response(socket)).startsWith("HTTP/1.1 401");
    }
    // the ingest-token route reads its body before it knows the sender: small bodies only
    try (Socket socket = connect()) {
      write(socket, upload("/v1/leads", null, 200_000));
      assertThat(response(socket)).startsWith("HTTP/1.1 413").contains("payload_too_large");
      assertThat(closedByServer(socket)).isTrue();
    }
  }

  @Test
  void uploadsBeyondTheNodesBodyBudgetAreRefusedAtOnce(Vertx vertx) throws Exception {
    start(vertx, "--http-body-budget-bytes", "2097152");
    String body = rotationBody(BIG);
    try (Socket first = connect(); Socket second = connect(); Socket third = connect(); Socket fourth = connect()) {
      // two stalled uploads fill the budget ...
      write(first, upload("/lead-rotations", token, BIG) + body.substring(0, 1000));
      write(second, upload("/lead-rotations", token, BIG) + body.substring(0, 1000));
      // ... so a third is refused without being read, and its connection closed
      write(third, upload("/lead-rotations", token, BIG));
      assertThat(response(third)).startsWith("HTTP/1.1 503").contains("unavailable");
      assertThat(closedByServer(third)).isTrue();
      // a finished upload gives its share back
      write(first, body.substring(1000));
      assertThat(response(first)).startsWith("HTTP/1.1 201");
      write(fourth, upload("/lead-rotations", token, BIG) + body);
      assertThat(response(fourth)).startsWith("HTTP/1.1 201");
    }
  }

  @Test
  void aBodyThatDoesNotArriveInTimeIsRefusedAndItsConnectionClosed(Vertx vertx) throws Exception {
    start(vertx, "--http-body-timeout-ms", "300");
    try (Socket socket = connect()) {
      write(socket, upload("/lead-rotations", token, BIG) + "{\"name\":");
      assertThat(response(socket)).startsWith("HTTP/1.1 408").contains("request_timeout").contains("body");
      assertThat(closedByServer(socket)).isTrue();
    }
  }

  @Test
  void aConnectionThatDoesNotSendItsHeadersInTimeIsClosed(Vertx vertx) throws Exception {
    start(vertx, "--http-header-timeout-ms", "300");
    try (Socket socket = connect()) {
      write(socket, "GET /health/live HTTP/1.1\r\nHost: loc");
      assertThat(closedByServer(socket)).isTrue();
    }
    try (Socket silent = connect()) {
      assertThat(closedByServer(silent)).isTrue();
    }
  }

  @Test
  void anIdleKeptAliveConnectionIsClosed(Vertx vertx) throws Exception {
    start(vertx, "--http-idle-seconds", "1");
    try (Socket socket = connect()) {
      write(socket, "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(response(socket)).startsWith("HTTP/1.1 200").endsWith("{\"status\":\"UP\"}");
      assertThat(closedByServer(socket)).isTrue();
    }
  }
}
