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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A store (every port, and the leads') that fails every asynchronous call with {@code UNAVAILABLE} while
 * {@code down} is set, and otherwise delegates: how the contract test provokes the documented 503s. The ports
 * are dynamic proxies, so it keeps up with the port interfaces without edits.
 */
final class FlakyStore {

  private FlakyStore() {}

  static Stores wrap(Stores stores, AtomicBoolean down) {
    Storage real = stores.storage();
    Storage flaky = new Storage(proxy(RotationStore.class, real.rotations(), down),
        proxy(Directory.class, real.directory(), down), proxy(AssignmentLog.class, real.assignmentLog(), down)) {
      @Override
      public Future<Void> ping() {
        return down.get() ? Future.failedFuture(unavailable("ping")) : real.ping();
      }

      @Override
      public Future<Void> close() {
        return real.close();
      }
    };
    return new Stores(flaky, proxy(LeadStore.class, stores.leads(), down));
  }

  private static StoreException unavailable(String method) {
    return new StoreException(StoreException.Kind.UNAVAILABLE, "store unreachable (test: " + method + ")");
  }

  private static <T> T proxy(Class<T> type, T target, AtomicBoolean down) {
    Object p = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
      if (down.get() && Future.class.isAssignableFrom(method.getReturnType()) && !method.getName().equals("close")) {
        return Future.failedFuture(unavailable(method.getName()));
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
