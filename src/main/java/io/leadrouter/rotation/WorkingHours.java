package io.leadrouter.rotation;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * When a person works: per weekday a list of ranges of local wall-clock time, in the person's time zone.
 *
 * <p>Rules: a range {@code [start, end)} holds the minutes from {@code start} (inclusive) to {@code end}
 * (exclusive); {@code "24:00"} is allowed as an end (midnight at the end of the day); an end before its start
 * crosses midnight and belongs to the start's day ({@code fri ["22:00","02:00"]} covers Friday 22:00 to
 * Saturday 02:00); ranges may overlap; a day that is not listed has no hours.
 *
 * <p>Time zones and DST: an instant is inside when its local wall-clock time (by the zone's rules at that
 * instant) falls in a range. So on a spring-forward day a range starting at a wall time that does not exist
 * (02:30 when clocks jump from 02:00 to 03:00) begins at the jump (03:00 local), and a range ending in the gap
 * ends at the jump; on a fall-back day the repeated hour is inside (or outside) both times.
 */
public final class WorkingHours {

  private static final String[] KEYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  private static final Pattern TIME = Pattern.compile("\\d\\d:\\d\\d");
  private static final int DAY = 24 * 60;

  /** One range in minutes of the day: {@code end} in 1..1440, {@code end <= start} crosses midnight. */
  public record Range(int start, int end) {
    boolean crosses() {
      return end <= start;
    }
  }

  private final Range[][] byDay; // index 0 = Monday

  private WorkingHours(Range[][] byDay) {
    this.byDay = byDay;
  }

  /**
   * Parses {@code {"mon": [["09:00","17:30"]], ...}} (keys {@code mon..sun}, times {@code HH:MM}). Errors are
   * {@link IllegalArgumentException}s whose message starts with the offending field, e.g.
   * {@code workingHours.mon[1]: "25:00" is not a time (HH:MM)}.
   */
  public static WorkingHours parse(String field, Map<String, ?> raw) {
    if (raw == null) {
      throw new IllegalArgumentException(field + ": expected an object of weekdays");
    }
    Range[][] byDay = new Range[7][];
    int total = 0;
    for (Map.Entry<String, ?> e : raw.entrySet()) {
      int day = dayIndex(e.getKey());
      String dayField = field + "." + e.getKey();
      if (day < 0) {
        throw new IllegalArgumentException(dayField + ": unknown day (expected mon, tue, wed, thu, fri, sat, sun)");
      }
      if (!(e.getValue() instanceof List<?> ranges)) {
        throw new IllegalArgumentException(dayField + ": expected a list of [\"HH:MM\",\"HH:MM\"] ranges");
      }
      byDay[day] = new Range[ranges.size()];
      for (int i = 0; i < ranges.size(); i++) {
        byDay[day][i] = range(dayField + "[" + i + "]", ranges.get(i));
      }
      total += ranges.size();
    }
    if (total == 0) {
      throw new IllegalArgumentException(field
          + ": no day has a range; leave workingHours out (or null) for always available");
    }
    for (int d = 0; d < 7; d++) {
      byDay[d] = byDay[d] == null ? new Range[0] : byDay[d];
    }
    return new WorkingHours(byDay);
  }

  public static WorkingHours parse(Map<String, ?> raw) {
    return parse("workingHours", raw);
  }

  private static int dayIndex(String key) {
    for (int i = 0; i < KEYS.length; i++) {
      if (KEYS[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private static Range range(String field, Object raw) {
    if (!(raw instanceof List<?> pair) || pair.size() != 2) {
      throw new IllegalArgumentException(field + ": a range is [\"HH:MM\",\"HH:MM\"]");
    }
    int start = minutes(field, pair.get(0));
    int end = minutes(field, pair.get(1));
    if (start == DAY) {
      throw new IllegalArgumentException(field + ": \"24:00\" is allowed only as an end");
    }
    if (start == end || (end == 0 && start == 0)) {
      throw new IllegalArgumentException(field + ": start and end are both \"" + pair.get(0) + "\" (an empty range)");
    }
    return new Range(start, end == 0 ? DAY : end);
  }

  private static int minutes(String field, Object raw) {
    String s = raw instanceof String str ? str : null;
    if (s == null || !TIME.matcher(s).matches()) {
      throw new IllegalArgumentException(field + ": " + quote(raw) + " is not a time (HH:MM)");
    }
    int h = Integer.parseInt(s.substring(0, 2));
    int m = Integer.parseInt(s.substring(3));
    if (m > 59 || h > 24 || (h == 24 && m != 0)) {
      throw new IllegalArgumentException(field + ": " + quote(raw) + " is not a time (HH:MM)");
    }
    return h * 60 + m;
  }

  private static String quote(Object raw) {
    return raw instanceof String s ? "\"" + s + "\"" : String.valueOf(raw);
  }

  /** The same shape {@link #parse} reads (ends at midnight written {@code "24:00"}). */
  public Map<String, List<List<String>>> toMap() {
    Map<String, List<List<String>>> out = new LinkedHashMap<>();
    for (int d = 0; d < 7; d++) {
      if (byDay[d].length > 0) {
        List<List<String>> ranges = new ArrayList<>();
        for (Range r : byDay[d]) {
          ranges.add(List.of(text(r.start), text(r.end)));
        }
        out.put(KEYS[d], ranges);
      }
    }
    return out;
  }

  private static String text(int minutes) {
    return String.format("%02d:%02d", minutes / 60, minutes % 60);
  }

  public List<Range> ranges(DayOfWeek day) {
    return List.of(byDay[day.getValue() - 1]);
  }

  /** Whether {@code at} falls in a range, by its wall-clock time in {@code zone}. */
  public boolean contains(Instant at, ZoneId zone) {
    return contains(LocalDateTime.ofInstant(at, zone));
  }

  boolean contains(LocalDateTime local) {
    int day = local.getDayOfWeek().getValue() - 1;
    int minute = local.getHour() * 60 + local.getMinute();
    for (Range r : byDay[day]) {
      if (r.crosses() ? minute >= r.start : minute >= r.start && minute < r.end) {
        return true;
      }
    }
    for (Range r : byDay[(day + 6) % 7]) {
      if (r.crosses() && minute < r.end) {
        return true;
      }
    }
    return false;
  }

  /** The first instant at or after {@code from} inside the hours (within the next 8 days; always found). */
  public Instant nextStart(Instant from, ZoneId zone) {
    if (contains(from, zone)) {
      return from;
    }
    Instant best = null;
    for (Instant c : boundaries(from, zone)) {
      if (c.isAfter(from) && (best == null || c.isBefore(best)) && contains(c, zone)) {
        best = c;
      }
    }
    return best;
  }

  /** The first instant after {@code from} at which being inside may change (a range start or end, or a DST jump). */
  public Instant nextChange(Instant from, ZoneId zone) {
    Instant best = null;
    for (Instant c : boundaries(from, zone)) {
      if (c.isAfter(from) && (best == null || c.isBefore(best))) {
        best = c;
      }
    }
    return best;
  }

  /** Every range start and end from the day before {@code from} to 8 days after, and the zone's transitions. */
  private List<Instant> boundaries(Instant from, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    LocalDate first = LocalDate.ofInstant(from, zone).minusDays(1);
    List<Instant> out = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      LocalDate date = first.plusDays(i);
      for (Range r : byDay[date.getDayOfWeek().getValue() - 1]) {
        instants(date.atStartOfDay().plusMinutes(r.start), rules, out);
        instants(date.atStartOfDay().plusMinutes(r.crosses() ? DAY + r.end : r.end), rules, out);
      }
    }
    Instant until = from.plusSeconds(10L * 24 * 3600);
    for (ZoneOffsetTransition t = rules.nextTransition(from); t != null && t.getInstant().isBefore(until);
        t = rules.nextTransition(t.getInstant())) {
      out.add(t.getInstant());
    }
    return out;
  }

  /** The instants a wall time is reached: the jump for a wall time in a gap, both for one in an overlap. */
  private static void instants(LocalDateTime local, ZoneRules rules, List<Instant> out) {
    ZoneOffsetTransition t = rules.getTransition(local);
    if (t == null) {
      out.add(local.atOffset(rules.getValidOffsets(local).get(0)).toInstant());
    } else if (t.isGap()) {
      out.add(t.getInstant());
    } else {
      out.add(local.atOffset(t.getOffsetBefore()).toInstant());
      out.add(local.atOffset(t.getOffsetAfter()).toInstant());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WorkingHours w && toMap().equals(w.toMap());
  }

  @Override
  public int hashCode() {
    return toMap().hashCode();
  }

  @Override
  public String toString() {
    return "WorkingHours" + toMap();
  }
}
