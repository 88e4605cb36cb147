package io.leadrouter.store;

import java.util.List;
import java.util.function.Function;

/** One page of a listing: {@code total} counts every match, {@code items} those in [offset, offset+limit). */
public record Page<T>(List<T> items, long total, int limit, int offset) {

  public Page {
    items = List.copyOf(items);
  }

  public <R> Page<R> map(Function<T, R> f) {
    return new Page<>(items.stream().map(f).toList(), total, limit, offset);
  }
}
