package io.leadrouter.store.pg;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.RetentionPolicy.RUNTIME;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.Status;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.memory.InMemoryStore;
import io.leadrouter.store.NewRotation;
import io.leadrouter.store.Page;
import io.leadrouter.store.RotationFilter;
import io.leadrouter.store.RotationStore;
import io.leadrouter.store.Storage;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.StoredRotation;
import io.leadrouter.store.StoreException.Kind;
import io.leadrouter.store.Team;
import io.leadrouter.store.TeamDraft;
import io.leadrouter.store.User;
import io.leadrouter.store.UserDraft;
import io.leadrouter.store.UserRef;
import io.leadrouter.store.WriteBatch;
import io.leadrouter.store.WriteBatch.Progress;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Postgres store against a real Postgres (see {@link TestPostgres}). Contract tests run against both
 * stores, so the in-memory store is the reference: the same calls must give the same answers. Every test
 * works in an account of its own, so tests share one database without seeing each other's rows.
 */
@ExtendWith(VertxExtension.class)
class PgStoreTest {

  private static final String MEMORY = "memory";
  private static final String POSTGRES = "postgres";
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  @Retention(RUNTIME)
  @Target(METHOD)
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {MEMORY, POSTGRES})
  @interface BothStores {}

  private static String uri;
  private static PgStore pg;
  private static InMemoryStore memory;

  @BeforeAll
  static void openStores(Vertx vertx, VertxTestContext ctx) {
    uri = TestPostgres.freshDatabaseUri();
    memory = new InMemoryStore();
    Postgres.open(vertx, uri, 4).onComplete(ctx.succeeding(store -> {
      pg = store;
      ctx.completeNow();
    }));
  }

  @AfterAll
  static void closeStores() throws Exception {
    if (pg != null) {
      pg.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    TestPostgres.dropDatabase(uri);
  }

  private static Storage store(String kind) {
    return kind.equals(POSTGRES) ? pg : memory;
  }

  // ---- rotations --------------------------------------------------------------------------------------

  @BothStores
  void rotationLoadsAsCreatedWithMembersInListOrder(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = account();
    List<Member> members = List.of(member(30, "carol@x.io", 3), member(10, "alice@x.io", 1), member(20, "bob@x.io", 2));
    store.rotations().createRotation(new NewRotation(account, "West", Status.ACTIVE, null, members, "admin"))
        .compose(created -> store.rotations().loadRotation(created.id()).map(loaded -> {
          assertThat(created.members()).isEqualTo(members);
          assertThat(created.position()).isZero();
          assertThat(created.sequence()).isZero();
          assertThat(created.createdBy()).isEqualTo("admin");
          assertThat(loaded.state()).isEqualTo(created);
          assertThat(loaded.sequenceCeiling()).isZero();
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @BothStores
  void savedRotationReplacesConfigurationMembersAndProgress(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = account();
    store.rotations().createRotation(new NewRotation(account, "West", Status.ACTIVE, null,
            List.of(member(1, "a@x.io", 1), member(2, "b@x.io", 1)), "admin"))
        .compose(created -> {
          RotationState changed = new RotationState(created.id(), account, "East", Status.QUEUED, 77L,
              List.of(member(3, "c@x.io", 5), member(1, "a@x.io", 2)), 4, 42, created.createdAt(),
              T0, created.createdBy(), "editor");
          return store.rotations().saveRotation(changed)
              .compose(v -> store.rotations().loadRotation(created.id()))
              .map(loaded -> {
                assertThat(loaded.state()).isEqualTo(changed);
                return null;
              });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @BothStores
  void absentRotationLoadsAsNullAndCannotBeSavedDeletedOrReserved(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    long absent = 987_654_321L;
    RotationState ghost = new RotationState(absent, account(), "ghost", Status.ACTIVE, null, List.of(), 0, 0,
        T0, T0, "a", "a");
    store.rotations().loadRotation(absent)
        .map(loaded -> {
          assertThat(loaded).isNull();
          return null;
        })
        .compose(v -> fails(store.rotations().saveRotation(ghost), Kind.NOT_FOUND, "rotation 987654321 not found"))
        .compose(v -> fails(store.rotations().deleteRotation(absent), Kind.NOT_FOUND, "rotation 987654321 not found"))
        .compose(v -> fails(store.rotations().reserveSequences(absent, 10), Kind.NOT_FOUND, "rotation 987654321 not found"))
        .onComplete(ctx.succeedingThenComplete());
  }

  @BothStores
  void deletedRotationIsGone(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    store.rotations().createRotation(rotation(account(), Status.ACTIVE, null))
        .compose(r -> store.rotations().deleteRotation(r.id()).compose(v -> store.rotations().loadRotation(r.id())))
        .map(loaded -> {
          assertThat(loaded).isNull();
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @BothStores
  void listRotationsFiltersByAccountStatusAndTeamAndPages(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = account();
    List<RotationState> made = new ArrayList<>();
    Future<Void> setup = Future.succeededFuture();
    Object[][] specs = {{Status.ACTIVE, 5L}, {Status.ACTIVE, null}, {Status.ARCHIVED, 5L}, {Status.ACTIVE, 5L},
        {Status.QUEUED, 6L}};
    for (Object[] spec : specs) {
      setup = setup.compose(v -> store.rotations().createRotation(rotation(account, (Status) spec[0], (Long) spec[1]))
          .map(r -> {
            made.add(r);
            return null;
          }));
    }
    setup
        .compose(v -> store.rotations().createRotation(rotation(account(), Status.ACTIVE, 5L))) // another account
        .compose(v -> store.rotations().listRotations(account, new RotationFilter(null, null, 10, 0)))
        .map(page -> {
          assertThat(page.total()).isEqualTo(5);
          assertThat(page.items()).isEqualTo(made);
          return null;
        })
        .compose(v -> store.rotations().listRotations(account, new RotationFilter(Status.ACTIVE, null, 10, 0)))
        .map(page -> {
          assertThat(page.items()).containsExactly(made.get(0), made.get(1), made.get(3));
          return null;
        })
        .compose(v -> store.rotations().listRotations(account, new RotationFilter(null, 5L, 10, 0)))
        .map(page -> {
          assertThat(page.items()).containsExactly(made.get(0), made.get(2), made.get(3));
          return null;
        })
        .compose(v -> store.rotations().listRotations(account, new RotationFilter(Status.ACTIVE, 5L, 1, 1)))
        .map(page -> {
          assertThat(page).isEqualTo(new Page<>(List.of(made.get(3)), 2, 1, 1));
          return null;
        })
        .compose(v -> store.rotations().listRotations(account, new RotationFilter(null, null, 10, 50)))
        .map(page -> {
          assertThat(page).isEqualTo(new Page<>(List.of(), 5, 10, 50));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @BothStores
  void reservedCeilingOnlyRisesAndIsReleasedOnlyWhenProgressCaughtUp(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    store.rotations().createRotation(rotation(account(), Status.ACTIVE, null))
        .compose(r -> store.rotations().reserveSequences(r.id(), 100)
            .map(ceiling -> assertThat(ceiling).isEqualTo(100))
            .compose(v -> store.rotations().reserveSequences(r.id(), 50))
            .map(ceiling -> assertThat(ceiling).isEqualTo(100))
            .compose(v -> store.rotations().flush(new WriteBatch(List.of(new Progress(r.id(), 1, 40)), List.of())))
            .compose(v -> release(store, r.id(), 30, 100)) // stored sequence is 40: keep the reservation
            .compose(v -> store.rotations().loadRotation(r.id()))
            .map(loaded -> assertThat(loaded.sequenceCeiling()).isEqualTo(100))
            .compose(v -> release(store, r.id(), 40, 90)) // another owner's ceiling: keep it
            .compose(v -> store.rotations().loadRotation(r.id()))
            .map(loaded -> assertThat(loaded.sequenceCeiling()).isEqualTo(100))
            .compose(v -> release(store, r.id(), 40, 100))
            .compose(v -> store.rotations().loadRotation(r.id()))
            .map(loaded -> {
              assertThat(loaded.sequenceCeiling()).isEqualTo(40);
              assertThat(loaded.state().sequence()).isEqualTo(40);
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @BothStores
  void batchedReleaseGivesBackUnderTheSameConditionsAsOneByOne(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = account();
    List<Future<Long>> created = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      created.add(store.rotations().createRotation(rotation(account, Status.ACTIVE, null))
          .compose(r -> store.rotations().reserveSequences(r.id(), 100)
              .compose(c -> store.rotations().flush(new WriteBatch(List.of(new Progress(r.id(), 1, 40)), List.of())))
              .map(v -> r.id())));
    }
    Future.all(created).compose(all -> {
      long caughtUp = created.get(0).result();
      long behind = created.get(1).result();
      long othersCeiling = created.get(2).result();
      return store.rotations().releaseSequences(List.of())
          .compose(v -> store.rotations().releaseSequences(List.of(
              new RotationStore.SequenceRelease(othersCeiling, 40, 90), // another owner's ceiling: keep it
              new RotationStore.SequenceRelease(987654321L, 5, 10), // no such rotation: nothing to do
              new RotationStore.SequenceRelease(behind, 30, 100), // stored sequence is 40: keep the reservation
              new RotationStore.SequenceRelease(caughtUp, 40, 100))))
          .compose(v -> Future.all(store.rotations().loadRotation(caughtUp), store.rotations().loadRotation(behind),
              store.rotations().loadRotation(othersCeiling)))
          .map(loaded -> {
            assertThat(loaded.<StoredRotation>resultAt(0).sequenceCeiling()).isEqualTo(40);
            assertThat(loaded.<StoredRotation>resultAt(1).sequenceCeiling()).isEqualTo(100);
            assertThat(loaded.<StoredRotation>resultAt(2).sequenceCeiling()).isEqualTo(100);
            return null;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  // ---- write-behind -----------------------------------------------------------------------------------

  @BothStores
  void flushIsIdempotentAndNeverMovesProgressBackwards(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = account();
    store.rotations().createRotation(rotation(account, Status.ACTIVE, null))
        .compose(r -> {
          WriteBatch newer = new WriteBatch(List.of(new Progress(r.id(), 3, 3)),
              List.of(pick(r, 1, 10, 0), pick(r, 2, 20, 1), pick(r, 3, 10, 2)));
          // an older batch retried late, even one whose row for sequence 2 differs, changes nothing
          WriteBatch older = new WriteBatch(List.of(new Progress(r.id(), 2, 2)),
              List.of(pick(r, 1, 10, 0), pick(r, 2, 30, 1)));
          return store.rotations().flush(newer)
              .compose(v -> store.rotations().flush(newer))
              .compose(v -> store.rotations().flush(older))
              .compose(v -> store.rotations().loadRotation(r.id()))
              .map(loaded -> {
                assertThat(loaded.state().position()).isEqualTo(3);
                assertThat(loaded.state().sequence()).isEqualTo(3);
                return null;
              })
              .compose(v -> listAssignments(kind, r.id(), null, null, null, 100, 0))
              .map(page -> {
                assertThat(page.total()).isEqualTo(3);
                assertThat(page.items()).containsExactly(pick(r, 3, 10, 2), pick(r, 2, 20, 1), pick(r, 1, 10, 0));
                return null;
              });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void flushWritesProgressOfManyRotationsInOneStatementAndAssignmentsInAnother(VertxTestContext ctx) {
    String account = account();
    List<RotationState> rotations = new ArrayList<>();
    Future<Void> setup = Future.succeededFuture();
    for (int i = 0; i < 3; i++) {
      setup = setup.compose(v -> pg.rotations().createRotation(rotation(account, Status.ACTIVE, null)).map(r -> {
        rotations.add(r);
        return null;
      }));
    }
    setup.compose(v -> {
      List<Progress> progress = new ArrayList<>();
      List<Assignment> picks = new ArrayList<>();
      for (RotationState r : rotations) {
        progress.add(new Progress(r.id(), 0, 4));
        for (int s = 1; s <= 4; s++) {
          picks.add(new Assignment(r.id(), account, s, 10, "alice@x.io", s % 2, T0.plusSeconds(s), null, null));
        }
      }
      long statements = pg.statementsExecuted();
      long progressWrites = pg.progressWrites();
      return pg.rotations().flush(new WriteBatch(progress, picks)).map(x -> {
        assertThat(pg.statementsExecuted() - statements).isEqualTo(2);
        assertThat(pg.progressWrites() - progressWrites).isEqualTo(3);
        return null;
      });
    })
        .compose(v -> pg.rotations().loadRotation(rotations.get(2).id()))
        .map(loaded -> assertThat(loaded.state().sequence()).isEqualTo(4))
        .compose(v -> pg.assignmentLog().listAssignments(rotations.get(1).id(), null, null, null, 10, 0))
        .map(page -> {
          assertThat(page.total()).isEqualTo(4);
          assertThat(page.items().get(0).requestId()).isNull();
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void emptyFlushSendsNothing(VertxTestContext ctx) {
    long statements = pg.statementsExecuted();
    pg.rotations().flush(new WriteBatch(List.of(), List.of()))
        .map(v -> assertThat(pg.statementsExecuted()).isEqualTo(statements))
        .<Void>mapEmpty()
        .onComplete(ctx.succeedingThenComplete());
  }

  // ---- assignment history -----------------------------------------------------------------------------

  @BothStores
  void assignmentsListNewestFirstWithFiltersAndCountPerUser(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    store.rotations().createRotation(rotation(account(), Status.ACTIVE, null))
        .compose(r -> {
          List<Assignment> picks = new ArrayList<>();
          long[] users = {10, 20, 10, 30, 10, 20};
          for (int s = 1; s <= users.length; s++) {
            picks.add(pick(r, s, users[s - 1], s - 1));
          }
          Instant from = T0.plusSeconds(60); // sequence 2 onwards
          Instant to = T0.plusSeconds(60 * 4); // up to sequence 5, exclusive
          return store.rotations().flush(new WriteBatch(List.of(new Progress(r.id(), 0, 6)), picks))
              .compose(v -> listAssignments(kind, r.id(), null, null, null, 2, 1))
              .map(page -> {
                assertThat(page.total()).isEqualTo(6);
                assertThat(page.items()).extracting(Assignment::sequence).containsExactly(5L, 4L);
                return null;
              })
              .compose(v -> listAssignments(kind, r.id(), 10L, null, null, 10, 0))
              .map(page -> {
                assertThat(page.total()).isEqualTo(3);
                assertThat(page.items()).extracting(Assignment::sequence).containsExactly(5L, 3L, 1L);
                return null;
              })
              .compose(v -> listAssignments(kind, r.id(), null, from, to, 10, 0))
              .map(page -> {
                assertThat(page.items()).extracting(Assignment::sequence).containsExactly(4L, 3L, 2L);
                return null;
              })
              .compose(v -> listAssignments(kind, r.id(), 20L, from, null, 10, 0))
              .map(page -> {
                assertThat(page.items()).extracting(Assignment::sequence).containsExactly(6L, 2L);
                return null;
              })
              .compose(v -> countPicksByUser(kind, r.id(), null, null))
              .map(counts -> assertThat(counts).containsExactly(Map.entry(10L, 3L), Map.entry(20L, 2L),
                  Map.entry(30L, 1L)))
              .compose(v -> countPicksByUser(kind, r.id(), from, to))
              .map(counts -> assertThat(counts).containsExactly(Map.entry(10L, 1L), Map.entry(20L, 1L),
                  Map.entry(30L, 1L)))
              .compose(v -> countPicksByUser(kind, r.id() + 1_000_000, null, null))
              .map(counts -> {
                assertThat(counts).isEmpty();
                return null;
              });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  // ---- users ------------------------------------------------------------------------------------------

  @BothStores
  void userIsCreatedWithDefaultsAndScopedToItsAccount(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = account();
    store.directory().createUser(account, new UserDraft("Dana@X.io", null, null, null), "admin")
        .compose(created -> {
          assertThat(created.name()).isEqualTo("Dana");
          assertThat(created.roles()).isEmpty();
          assertThat(created.active()).isTrue();
          assertThat(created.createdBy()).isEqualTo("admin");
          return store.directory().getUser(account, created.id())
              .map(got -> assertThat(got).isEqualTo(created))
              .compose(v -> store.directory().getUser(account(), created.id()))
              .map(other -> {
                assertThat(other).isNull();
                return null;
              });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @BothStores
  void duplicateEmailConflictsCaseInsensitivelyWithinAnAccountOnly(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = account();
    UserDraft eve = new UserDraft("eve@x.io", "Eve", List.of("loan-officer"), true);
    store.directory().createUser(account, eve, "admin")
        .compose(v -> fails(store.directory().createUser(account, new UserDraft("EVE@x.io", null, null, null), "admin"),
            Kind.CONFLICT, "email: a user with email EVE@x.io already exists"))
        .compose(v -> store.directory().createUser(account(), eve, "admin"))
        .map(other -> {
          assertThat(other.email()).isEqualTo("eve@x.io");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @BothStores
  void updateUserChangesOnlyGivenFieldsAndRefusesATakenEmail(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = account();
    store.directory().createUser(account, new UserDraft("fay@x.io", "Fay", List.of("a"), true), "admin")
        .compose(fay -> store.directory().createUser(account, new UserDraft("gus@x.io", "Gus", null, null), "admin")
            .compose(gus -> store.directory().updateUser(account, fay.id(), new UserDraft(null, null, List.of("b", "c"), false),
                "editor"))
            .map(updated -> {
              assertThat(updated.email()).isEqualTo("fay@x.io");
              assertThat(updated.name()).isEqualTo("Fay");
              assertThat(updated.roles()).containsExactly("b", "c");
              assertThat(updated.active()).isFalse();
              assertThat(updated.createdBy()).isEqualTo("admin");
              assertThat(updated.updatedBy()).isEqualTo("editor");
              assertThat(updated.createdAt()).isEqualTo(fay.createdAt());
              return null;
            })
            .compose(v -> store.directory().updateUser(account, fay.id(), new UserDraft("FAY@x.io", null, null, null), "editor"))
            .map(updated -> assertThat(updated.email()).isEqualTo("FAY@x.io"))
            .compose(v -> fails(store.directory().updateUser(account, fay.id(), new UserDraft("Gus@x.io", null, null, null),
                "editor"), Kind.CONFLICT, "email: a user with email Gus@x.io already exists"))
            .compose(v -> fails(store.directory().updateUser(account(), fay.id(), new UserDraft(null, "X", null, null), "e"),
                Kind.NOT_FOUND, "user " + fay.id() + " not found"))
            .compose(v -> store.directory().getUser(account, fay.id()))
            .map(got -> {
              assertThat(got.email()).isEqualTo("FAY@x.io");
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @BothStores
  void listUsersPagesInIdOrder(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = account();
    List<User> made = new ArrayList<>();
    Future<Void> setup = Future.succeededFuture();
    for (int i = 0; i < 5; i++) {
      String email = "u" + i + "@x.io";
      setup = setup.compose(v -> store.directory().createUser(account, new UserDraft(email, null, null, null), "a").map(u -> {
        made.add(u);
        return null;
      }));
    }
    setup.compose(v -> store.directory().listUsers(account, 2, 2))
        .map(page -> {
          assertThat(page).isEqualTo(new Page<>(made.subList(2, 4), 5, 2, 2));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @BothStores
  void userCannotBeDeletedWhileARotationOrTeamNamesIt(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = account();
    store.directory().createUser(account, new UserDraft("hal@x.io", "Hal", null, null), "admin")
        .compose(hal -> store.rotations().createRotation(new NewRotation(account, "R", Status.ACTIVE, null,
                List.of(member(hal.id(), hal.email(), 1)), "admin"))
            .compose(r -> fails(store.directory().deleteUser(account, hal.id()), Kind.CONFLICT, "user " + hal.id()
                + " is still a member of a rotation; remove it there first or set active=false")
                .compose(v -> store.rotations().deleteRotation(r.id())))
            .compose(v -> store.directory().createTeam(account, new TeamDraft("T", null, List.of(hal.id())), "admin"))
            .compose(team -> fails(store.directory().deleteUser(account, hal.id()), Kind.CONFLICT, "user " + hal.id()
                + " is still a member of a team; remove it there first or set active=false")
                .compose(v -> store.directory().deleteTeam(account, team.id())))
            .compose(v -> fails(store.directory().deleteUser(account(), hal.id()), Kind.NOT_FOUND, "user " + hal.id() + " not found"))
            .compose(v -> store.directory().deleteUser(account, hal.id()))
            .compose(v -> store.directory().getUser(account, hal.id()))
            .map(gone -> {
              assertThat(gone).isNull();
              return null;
            })
            .compose(v -> fails(store.directory().deleteUser(account, hal.id()), Kind.NOT_FOUND, "user " + hal.id() + " not found"))
            // the email is free again
            .compose(v -> store.directory().createUser(account, new UserDraft("hal@x.io", null, null, null), "admin")))
        .<Void>mapEmpty()
        .onComplete(ctx.succeedingThenComplete());
  }

  @BothStores
  void resolveUsersFindsByIdOrEmailAndCreatesUnknownEmailsInOrder(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = account();
    String other = account();
    store.directory().createUser(account, new UserDraft("ida@x.io", "Ida", null, null), "admin")
        .compose(ida -> store.directory().createUser(other, new UserDraft("jon@x.io", "Jon", null, null), "admin")
            .compose(jon -> store.directory().resolveUsers(account, List.of(
                    new UserRef(ida.id(), null, null),
                    new UserRef(null, "IDA@x.io", "ignored"),
                    new UserRef(null, "kim@x.io", "Kim"),
                    new UserRef(jon.id(), null, null),
                    new UserRef(null, "lee@x.io", null),
                    new UserRef(null, "Kim@X.io", "Other")), "resolver")
                .compose(resolved -> {
                  assertThat(resolved).hasSize(6);
                  assertThat(resolved.get(0)).isEqualTo(ida);
                  assertThat(resolved.get(1)).isEqualTo(ida);
                  User kim = resolved.get(2);
                  assertThat(kim.email()).isEqualTo("kim@x.io");
                  assertThat(kim.name()).isEqualTo("Kim");
                  assertThat(kim.createdBy()).isEqualTo("resolver");
                  assertThat(resolved.get(3)).isNull(); // another account's user
                  User lee = resolved.get(4);
                  assertThat(lee.name()).isEqualTo("lee");
                  assertThat(lee.id()).isGreaterThan(kim.id());
                  assertThat(resolved.get(5)).isEqualTo(kim);
                  return store.directory().getUser(account, kim.id()).map(got -> assertThat(got).isEqualTo(kim))
                      .compose(v -> store.directory().listUsers(account, 10, 0))
                      .map(page -> assertThat(page.total()).isEqualTo(3));
                })))
        .<Void>mapEmpty()
        .onComplete(ctx.succeedingThenComplete());
  }

  // ---- teams ------------------------------------------------------------------------------------------

  @BothStores
  void teamKeepsMemberOrderIsScopedAndUpdates(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = account();
    store.directory().resolveUsers(account, List.of(new UserRef(null, "m1@x.io", "M1"), new UserRef(null, "m2@x.io", "M2"),
            new UserRef(null, "m3@x.io", "M3")), "admin")
        .compose(users -> {
          long m1 = users.get(0).id();
          long m2 = users.get(1).id();
          long m3 = users.get(2).id();
          return store.directory().createTeam(account, new TeamDraft("Sales", null, List.of(m3, m1, m2)), "admin")
              .compose(team -> {
                assertThat(team.active()).isTrue();
                assertThat(team.members()).extracting(Team.TeamMember::userId).containsExactly(m3, m1, m2);
                assertThat(team.members().get(0)).isEqualTo(new Team.TeamMember(m3, "m3@x.io", "M3"));
                return store.directory().getTeam(account, team.id())
                    .map(got -> assertThat(got).isEqualTo(team))
                    .compose(v -> store.directory().getTeam(account(), team.id()))
                    .map(got -> {
                      assertThat(got).isNull();
                      return null;
                    })
                    .compose(v -> store.directory().updateTeam(account, team.id(), new TeamDraft(null, false, List.of(m2)), "ed"))
                    .compose(updated -> {
                      assertThat(updated.name()).isEqualTo("Sales");
                      assertThat(updated.active()).isFalse();
                      assertThat(updated.members()).extracting(Team.TeamMember::userId).containsExactly(m2);
                      assertThat(updated.updatedBy()).isEqualTo("ed");
                      assertThat(updated.createdAt()).isEqualTo(team.createdAt());
                      return store.directory().getTeam(account, team.id()).map(got -> assertThat(got).isEqualTo(updated));
                    })
                    .compose(v -> store.directory().updateTeam(account, team.id(), new TeamDraft("Renamed", null, null), "ed"))
                    .map(updated -> assertThat(updated.members()).extracting(Team.TeamMember::userId)
                        .containsExactly(m2))
                    .compose(v -> fails(store.directory().updateTeam(account(), team.id(), new TeamDraft("x", null, null), "e"),
                        Kind.NOT_FOUND, "team " + team.id() + " not found"))
                    .compose(v -> store.directory().listTeams(account, 10, 0))
                    .map(page -> {
                      assertThat(page.total()).isEqualTo(1);
                      assertThat(page.items().get(0).name()).isEqualTo("Renamed");
                      return null;
                    });
              });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @BothStores
  void teamCannotBeDeletedWhileARotationUsesIt(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = account();
    store.directory().createTeam(account, new TeamDraft("Ops", true, List.of()), "admin")
        .compose(team -> store.rotations().createRotation(rotation(account, Status.ACTIVE, team.id()))
            .compose(r -> fails(store.directory().deleteTeam(account, team.id()), Kind.CONFLICT, "team " + team.id()
                + " is still used by a rotation; change the rotation's teamId first")
                .compose(v -> store.rotations().deleteRotation(r.id())))
            .compose(v -> fails(store.directory().deleteTeam(account(), team.id()), Kind.NOT_FOUND,
                "team " + team.id() + " not found"))
            .compose(v -> store.directory().deleteTeam(account, team.id()))
            .compose(v -> store.directory().getTeam(account, team.id()))
            .map(gone -> {
              assertThat(gone).isNull();
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  private static String account() {
    return "acct-" + UUID.randomUUID();
  }

  private static Member member(long userId, String email, int weight) {
    return new Member(userId, email, email.substring(0, email.indexOf('@')), weight);
  }

  private static NewRotation rotation(String account, Status status, Long teamId) {
    return new NewRotation(account, "rotation", status, teamId,
        List.of(member(10, "alice@x.io", 2), member(20, "bob@x.io", 1)), "admin");
  }

  /** Pick number {@code sequence}, made a minute after the previous one. */
  private static Assignment pick(RotationState r, long sequence, long userId, int position) {
    return new Assignment(r.id(), r.accountId(), sequence, userId, "user" + userId + "@x.io", position,
        T0.plusSeconds(60 * (sequence - 1)), "req-" + sequence, "node-1");
  }

  @BothStores
  void picksAfterASequenceAreTheNewestOwnPicksOldestFirstWithTheirTotal(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    store.rotations().createRotation(rotation(account(), Status.ACTIVE, null))
        .compose(r -> {
          List<Assignment> picks = new ArrayList<>();
          for (int s = 1; s <= 8; s++) {
            picks.add(pick(r, s, 10, 0));
          }
          return store.rotations().flush(new WriteBatch(List.of(new Progress(r.id(), 0, 8)), picks))
              .compose(v -> store.assignmentLog().picksAfter(r.id(), 2, 4))
              .map(page -> {
                assertThat(page.total()).isEqualTo(6); // 3..8
                assertThat(page.items()).extracting(Assignment::sequence).containsExactly(5L, 6L, 7L, 8L);
                return null;
              })
              .compose(v -> store.assignmentLog().picksAfter(r.id(), 6, 10))
              .map(page -> {
                assertThat(page.total()).isEqualTo(2);
                assertThat(page.items()).extracting(Assignment::sequence).containsExactly(7L, 8L);
                return null;
              })
              .compose(v -> store.assignmentLog().picksAfter(r.id(), 8, 10))
              .map(page -> {
                assertThat(page.total()).isZero();
                assertThat(page.items()).isEmpty();
                return null;
              });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Page<Assignment>> listAssignments(String kind, long rotationId, Long userId, Instant from,
      Instant to, int limit, int offset) {
    return kind.equals(POSTGRES) ? pg.assignmentLog().listAssignments(rotationId, userId, from, to, limit, offset)
        : memory.assignmentLog().listAssignments(rotationId, userId, from, to, limit, offset);
  }

  private static Future<Map<Long, Long>> countPicksByUser(String kind, long rotationId, Instant from, Instant to) {
    return kind.equals(POSTGRES) ? pg.assignmentLog().countPicksByUser(rotationId, from, to)
        : memory.assignmentLog().countPicksByUser(rotationId, from, to);
  }

  /** Succeeds when {@code f} fails with a StoreException of this kind and message. */
  private static Future<Void> fails(Future<?> f, Kind kind, String message) {
    return f.transform(ar -> {
      if (ar.succeeded()) {
        return Future.failedFuture(new AssertionError("expected " + kind + " (" + message + "), got " + ar.result()));
      }
      assertThat(ar.cause()).isInstanceOf(StoreException.class).hasMessage(message);
      assertThat(((StoreException) ar.cause()).kind()).isEqualTo(kind);
      return Future.succeededFuture();
    });
  }

  /** One rotation's give-back. */
  private static Future<Void> release(Storage store, long id, long sequence, long ceiling) {
    return store.rotations().releaseSequences(List.of(new RotationStore.SequenceRelease(id, sequence, ceiling)));
  }
}
