package io.leadrouter.openapi;

import io.leadrouter.Stores;
import io.leadrouter.leads.LeadStore;
import io.leadrouter.store.AssignmentLog;
import io.leadrouter.store.Directory;
import io.leadrouter.store.RotationStore;
import io.leadrouter.store.Storage;
import io.leadrouter.store.StoreException;
import io.vertx.core.Future;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A store (every port, and the leads') that fails every asynchronous call with {@code UNAVAILABLE} while
 * {@code down} is set, and otherwise delegates: how the contract test provokes the documented 503s. Dynamic
 * proxies, so it keeps up with the port interfaces without edits.
 */
final class FlakyStore {

  private FlakyStore() {}

  static Stores wrap(Stores stores, AtomicBoolean down) {
    Storage storage = stores.storage();
    Map<Class<?>, Object> ports = Map.of(
        RotationStore.class, proxy(RotationStore.class, storage.rotations(), down, Map.of()),
        Directory.class, proxy(Directory.class, storage.directory(), down, Map.of()),
        AssignmentLog.class, proxy(AssignmentLog.class, storage.assignmentLog(), down, Map.of()));
    return new Stores(proxy(Storage.class, storage, down, ports), proxy(LeadStore.class, stores.leads(), down,
        Map.of()));
  }

  /** {@code ports}: what the accessors of a port type answer instead of the target's. */
  private static <T> T proxy(Class<T> type, T target, AtomicBoolean down, Map<Class<?>, Object> ports) {
    Object p = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
      Object port = ports.get(method.getReturnType());
      if (port != null && method.getParameterCount() == 0) {
        return port;
      }
      if (down.get() && Future.class.isAssignableFrom(method.getReturnType()) && !method.getName().equals("close")) {
        return Future.failedFuture(new StoreException(StoreException.Kind.UNAVAILABLE,
            "store unreachable (test: " + method.getName() + ")"));
      }
      return invoke(target, method, args);
    });
    return type.cast(p);
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
