package io.leadrouter.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.error.ApiException;
import io.leadrouter.testing.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A token verified once is answered from the cache: the account is still checked per header, expiry per use. */
@ExtendWith(VertxExtension.class)
class AuthenticatorCacheTest {

  private static Authenticator authenticator(Vertx vertx) {
    return new Authenticator(JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TestApp.SECRET))));
  }

  private static int status(Future<Caller> f) throws Exception {
    try {
      f.await(10, TimeUnit.SECONDS);
      return 200;
    } catch (ApiException e) {
      return e.status();
    }
  }

  @Test
  void theSameHeaderAgainIsStillCheckedAgainstEachAccountAsked(Vertx vertx) throws Exception {
    Authenticator auth = authenticator(vertx);
    String header = "Bearer " + TestApp.token(vertx, "ops@example.com", "2311", "2312");
    for (int i = 0; i < 3; i++) { // the first verifies the signature, the others are cached
      assertThat(auth.authenticate(new String(header), "2311").await(10, TimeUnit.SECONDS))
          .isEqualTo(new Caller("ops@example.com", "2311"));
      assertThat(status(auth.authenticate(new String(header), "9999"))).isEqualTo(403);
      assertThat(auth.authenticate(new String(header), "2312").await(10, TimeUnit.SECONDS).accountId()).isEqualTo("2312");
      assertThat(status(auth.authenticate(new String(header), null))).isEqualTo(400); // two accounts: say which
    }
    String other = "Bearer " + TestApp.token(vertx, "sales@example.com", "7");
    assertThat(auth.authenticate(other, null).await(10, TimeUnit.SECONDS)).isEqualTo(new Caller("sales@example.com", "7"));
    assertThat(auth.authenticate(header, "2311").await(10, TimeUnit.SECONDS).subject()).isEqualTo("ops@example.com");
    assertThat(status(auth.authenticate(header.substring(0, header.length() - 2) + "xx", "2311"))).isEqualTo(401);
  }

  @Test
  void aCachedTokenStopsWorkingWhenItExpires(Vertx vertx) throws Exception {
    Authenticator auth = authenticator(vertx);
    long exp = System.currentTimeMillis() / 1000 + 2;
    String header = "Bearer " + TestApp.token(vertx, TestApp.SECRET, new JsonObject().put("sub", "ops@example.com")
        .put("accounts", new JsonArray().add("2311")).put("exp", exp), new JWTOptions());
    assertThat(status(auth.authenticate(header, "2311"))).isEqualTo(200);
    assertThat(status(auth.authenticate(header, "2311"))).isEqualTo(200); // from the cache
    while (System.currentTimeMillis() <= exp * 1000) {
      Thread.sleep(100);
    }
    assertThat(status(auth.authenticate(header, "2311"))).isEqualTo(401);
    assertThat(status(auth.authenticate(header, "2311"))).isEqualTo(401);
  }
}
