package io.leadrouter.rotation;

/**
 * Why a member was passed over for a pick. When several apply, the first in declaration order is reported:
 * {@code inactive}, {@code paused}, {@code away}, {@code outside_hours}, then the caps from the shortest period.
 */
public enum SkipReason {
  INACTIVE("inactive", false),
  PAUSED("paused", true),
  AWAY("away", true),
  OUTSIDE_HOURS("outside_hours", true),
  CAP_HOUR("cap_hour", false),
  CAP_DAY("cap_day", false),
  CAP_WEEK("cap_week", false);

  private final String wire;
  private final boolean owesTurn;

  SkipReason(String wire, boolean owesTurn) {
    this.wire = wire;
    this.owesTurn = owesTurn;
  }

  /** The name clients see. */
  public String wire() {
    return wire;
  }

  /** With {@code catchUp}, a slot skipped for this reason is owed to the member (caps and inactive are not). */
  public boolean owesTurn() {
    return owesTurn;
  }

  public static SkipReason fromWire(String wire) {
    for (SkipReason r : values()) {
      if (r.wire.equals(wire)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown skip reason \"" + wire + "\"");
  }
}
