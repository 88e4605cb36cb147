package io.leadrouter.directory;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.rotation.Availability;
import io.leadrouter.rotation.Caps;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.SkipReason;
import io.leadrouter.rotation.WorkingHours;
import io.leadrouter.store.Directory;
import io.leadrouter.store.User;
import io.leadrouter.store.UserDraft;
import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node-wide directory cache on a real Postgres: two caches on one event bus stand for two nodes (each
 * receives the other's announcements as cluster members do).
 */
@ExtendWith(VertxExtension.class)
class LiveDirectoryTest {

  private static final String ACCOUNT = "acct";

  private String uri;
  private PgStore store;
  private LiveDirectory here;
  private LiveDirectory there;

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    uri = TestPostgres.freshDatabaseUri();
    store = await(Postgres.open(vertx, uri, 4));
    here = new LiveDirectory(vertx, store.directory());
    there = new LiveDirectory(vertx, store.directory());
    await(here.start());
    await(there.start());
  }

  @AfterEach
  void stop() throws Exception {
    await(here.stop());
    await(there.stop());
    await(store.close());
    TestPostgres.dropDatabase(uri);
  }

  private User user(String email) throws Exception {
    return await(store.directory().createUser(ACCOUNT, new UserDraft(email, null, null, null), "admin"));
  }

  private static void within(long ms, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + ms;
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("condition met within " + ms + " ms").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void loadedUsersAnswerWithTheirAvailabilityAndUnknownOnesAreInactive() throws Exception {
    User ann = user("ann@example.com");
    WorkingHours hours = WorkingHours.parse(Map.of("mon", List.of(List.of("09:00", "17:00"))));
    Instant away = Instant.parse("2030-01-01T00:00:00Z");
    await(store.directory().updateUser(ACCOUNT, ann.id(), new UserDraft(null, null, null, null,
        ZoneId.of("Europe/Berlin"), hours, false, away, false), "admin"));
    assertThat(here.view().availability(ann.id())).as("not loaded yet").isEqualTo(Availability.INACTIVE);

    await(here.load(ACCOUNT, List.of(ann.id(), 999_999L)));
    assertThat(here.view().availability(ann.id()))
        .isEqualTo(new Availability(true, ZoneId.of("Europe/Berlin"), hours, away));
    assertThat(here.view().availability(999_999L)).isEqualTo(Availability.INACTIVE);
    assertThat(here.view().availability(ann.id()).reason(Instant.parse("2029-06-01T10:00:00Z")))
        .isEqualTo(SkipReason.AWAY);
  }

  @Test
  void aChangeShowsAtOnceOnTheWritingNodeAndWithinASecondOnTheOther() throws Exception {
    User bob = user("bob@example.com");
    await(here.load(ACCOUNT, List.of(bob.id())));
    await(there.load(ACCOUNT, List.of(bob.id())));
    long versionHere = here.view().version();
    long versionThere = there.view().version();
    Member member = new Member(bob.id(), "bob@example.com", "bob", 3, true, new Caps(1, null, null));
    List<Member> members = List.of(member);
    assertThat(here.current(members)).as("unchanged: the same list").isSameAs(members);

    await(here.directory().updateUser(ACCOUNT, bob.id(), new UserDraft("robert@example.com", "Robert", null, false),
        "admin"));
    // at once on this node: when the write's answer is there, so is the change
    assertThat(here.view().availability(bob.id()).active()).isFalse();
    assertThat(here.view().version()).isGreaterThan(versionHere);
    List<Member> current = here.current(members);
    assertThat(current).containsExactly(new Member(bob.id(), "robert@example.com", "Robert", 3, true,
        new Caps(1, null, null)));
    assertThat(here.current(current)).isSameAs(current);

    within(1_000, () -> !there.view().availability(bob.id()).active() && there.view().version() > versionThere);
    assertThat(there.current(members).get(0).email()).isEqualTo("robert@example.com");

    await(there.directory().updateUser(ACCOUNT, bob.id(), new UserDraft(null, null, null, true), "admin"));
    within(1_000, () -> here.view().availability(bob.id()).active());
  }

  @Test
  void theVersionStaysWhenNothingChangedAndADeletedUserIsInactive() throws Exception {
    User cy = user("cy@example.com");
    await(here.load(ACCOUNT, List.of(cy.id())));
    long version = here.view().version();
    await(here.load(ACCOUNT, List.of(cy.id())));
    await(here.directory().updateUser(ACCOUNT, cy.id(), new UserDraft(null, null, List.of("closer"), null), "admin"));
    assertThat(here.view().version()).as("roles are not availability, email or name").isEqualTo(version);

    await(here.directory().deleteUser(ACCOUNT, cy.id()));
    assertThat(here.view().availability(cy.id())).isEqualTo(Availability.INACTIVE);
    assertThat(here.view().version()).isGreaterThan(version);
  }

  @Test
  void aChangeNobodyAnnouncedIsPickedUpByThePeriodicReRead(Vertx vertx) throws Exception {
    LiveDirectory rereading = new LiveDirectory(vertx, store.directory(), 100);
    await(rereading.start());
    try {
      User eve = user("eve@example.com");
      await(rereading.load(ACCOUNT, List.of(eve.id())));
      // written to the store directly: no cache hears of it
      await(store.directory().updateUser(ACCOUNT, eve.id(), new UserDraft(null, "Eve E", null, false), "admin"));
      within(2_000, () -> !rereading.view().availability(eve.id()).active());
      assertThat(rereading.current(List.of(new Member(eve.id(), "eve@example.com", "eve", 1))).get(0).name())
          .isEqualTo("Eve E");
    } finally {
      await(rereading.stop());
    }
  }

  @Test
  void aUserOfAnotherAccountIsInactiveForThisOne() throws Exception {
    User dee = user("dee@example.com");
    await(here.load("other", List.of(dee.id())));
    assertThat(here.view().availability(dee.id()).active()).isFalse();
    await(here.load(ACCOUNT, List.of(dee.id())));
    assertThat(here.view().availability(dee.id()).active()).isTrue();
  }
}
