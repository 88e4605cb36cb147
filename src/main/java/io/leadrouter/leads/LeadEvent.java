package io.leadrouter.leads;

import java.time.Instant;
import java.util.List;

/** One entry of a lead's assignment history: who assigned it from whom to whom, when, by which caller. */
public record LeadEvent(Instant at, String kind, List<Agent> from, List<Agent> to, String by) {

  public static final String ASSIGNED = "assigned";
  public static final String REASSIGNED = "reassigned";

  public LeadEvent {
    from = List.copyOf(from);
    to = List.copyOf(to);
  }
}
