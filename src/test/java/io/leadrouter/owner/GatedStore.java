package io.leadrouter.owner;

import io.leadrouter.store.memory.InMemoryStore;
import io.leadrouter.store.RotationStore;
import io.leadrouter.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory store's rotations (the owners' port) with switches, for lifecycle tests: a gated method holds its calls until
 * {@link #open}; a failing method answers with the given error; {@link #down} makes every call answer
 * UNAVAILABLE. Used from the owner's context only.
 */
final class GatedStore {

  final InMemoryStore real = new InMemoryStore();
  final RotationStore store;
  private final Set<String> gated = ConcurrentHashMap.newKeySet();
  private final Map<String, List<Runnable>> held = new HashMap<>();
  private final Map<String, RuntimeException> failing = new ConcurrentHashMap<>();
  volatile boolean down;

  GatedStore() {
    store = (RotationStore) Proxy.newProxyInstance(RotationStore.class.getClassLoader(),
        new Class<?>[] {RotationStore.class}, (self, method, args) -> call(method, args));
  }

  /** Holds the calls of {@code method} from now on. */
  void gate(String method) {
    gated.add(method);
  }

  /** Lets the held calls of {@code method} (and later ones) through, in order. */
  void open(String method) {
    gated.remove(method);
    List<Runnable> calls = held.remove(method);
    if (calls != null) {
      calls.forEach(Runnable::run);
    }
  }

  int held(String method) {
    return held.getOrDefault(method, List.of()).size();
  }

  void fail(String method, RuntimeException error) {
    failing.put(method, error);
  }

  void heal(String method) {
    failing.remove(method);
  }

  static StoreException unavailable() {
    return new StoreException(StoreException.Kind.UNAVAILABLE, "store unreachable (test)");
  }

  private Object call(Method method, Object[] args) throws Throwable {
    String name = method.getName();
    if (!Future.class.isAssignableFrom(method.getReturnType())) {
      return invoke(method, args);
    }
    if (gated.contains(name)) {
      Promise<Object> later = Promise.promise();
      held.computeIfAbsent(name, n -> new ArrayList<>()).add(() -> answer(method, args).onComplete(later));
      return later.future();
    }
    return answer(method, args);
  }

  @SuppressWarnings("unchecked")
  private Future<Object> answer(Method method, Object[] args) {
    if (down && !method.getName().equals("close")) {
      return Future.failedFuture(unavailable());
    }
    RuntimeException error = failing.get(method.getName());
    if (error != null) {
      return Future.failedFuture(error);
    }
    try {
      return (Future<Object>) invoke(method, args);
    } catch (Throwable t) {
      return Future.failedFuture(t);
    }
  }

  private Object invoke(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(real.rotations(), args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
