package io.leadrouter.openapi;

import io.leadrouter.leads.LeadStore;
import io.leadrouter.store.Store;
import io.leadrouter.store.StoreException;
import io.vertx.core.Future;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A store (and its lead store) that fails every asynchronous call with {@code UNAVAILABLE} while {@code down}
 * is set, and otherwise delegates: how the contract test provokes the documented 503s. A dynamic proxy, so it
 * keeps up with the store interfaces without edits.
 */
final class FlakyStore {

  private FlakyStore() {}

  static Store wrap(Store store, AtomicBoolean down) {
    LeadStore leads = proxy(LeadStore.class, store.leads(), down, null);
    return proxy(Store.class, store, down, leads);
  }

  private static <T> T proxy(Class<T> type, T target, AtomicBoolean down, LeadStore leads) {
    Object p = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
      if (leads != null && method.getName().equals("leads") && method.getParameterCount() == 0) {
        return leads;
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
