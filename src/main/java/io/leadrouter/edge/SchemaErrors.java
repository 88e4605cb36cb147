package io.leadrouter.edge;

import io.leadrouter.error.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A schema validator's errors said in our words, naming the field path: {@code members[2].weight: must be at most
 * 10, got 11}, {@code email: required}, {@code weigth: unknown field}. Of all errors the one about the deepest
 * field wins; inside a {@code oneOf}/{@code anyOf} a branch that fails only on its type is the one the caller
 * did not mean, so another error at the same place wins over it.
 */
final class SchemaErrors {

  /** Keywords that only say a part below them failed: the part's own error says what. */
  private static final Set<String> AGGREGATES = Set.of("properties", "items", "$ref", "oneOf", "anyOf", "allOf",
      "prefixItems", "dependentSchemas", "if", "then", "else");
  /** Patterns of the document whose meaning a message can say better than the pattern itself. */
  static final String NOT_BLANK = "\\S";
  static final String EMAIL = "^[^@ ]+@[^@ ]+$";
  static final String LEAD_EMAIL = "^$|^[^@ ]+@[^@ ]+$";
  static final String NUMERIC = "^\\s*[0-9]+\\s*$";
  private static final Pattern PROPERTY = Pattern.compile("property \"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

  private SchemaErrors() {}

  /** One error: where in the body, which keyword of which schema, and that schema (the keyword's parent). */
  private record Leaf(List<String> at, String keyword, JsonObject schema, String text, boolean inBranch) {}

  static ApiException translate(JsonObject document, JsonObject bodySchema, OutputUnit result, JsonObject body,
      String prefix) {
    try {
      return explain(document, bodySchema, result, body, prefix);
    } catch (RuntimeException e) {
      // a keyword this class does not know how to say: the validator's own words, still a 400
      OutputUnit first = result.getErrors() == null || result.getErrors().isEmpty() ? result
          : result.getErrors().get(result.getErrors().size() - 1);
      return ApiException.invalidField(path(prefix, pointer(first.getInstanceLocation())), String.valueOf(first.getError()));
    }
  }

  private static ApiException explain(JsonObject document, JsonObject bodySchema, OutputUnit result, JsonObject body,
      String prefix) {
    List<Leaf> leaves = new ArrayList<>();
    for (OutputUnit e : result.getErrors() == null ? List.<OutputUnit>of() : result.getErrors()) {
      List<String> keywordPath = pointer(e.getKeywordLocation());
      if (keywordPath.isEmpty() || AGGREGATES.contains(keywordPath.get(keywordPath.size() - 1))) {
        continue;
      }
      String keyword = keywordPath.get(keywordPath.size() - 1);
      JsonObject schema = resolve(document, bodySchema, keywordPath.subList(0, keywordPath.size() - 1));
      List<String> at = pointer(e.getInstanceLocation());
      if (keyword.equals("additionalProperties") && schema != null && schema.getJsonObject("properties") != null
          && !at.isEmpty() && schema.getJsonObject("properties").containsKey(at.get(at.size() - 1))) {
        continue; // the validator also reports a declared property that failed here: its own error says why
      }
      boolean inBranch = keywordPath.contains("oneOf") || keywordPath.contains("anyOf");
      leaves.add(new Leaf(at, keyword, schema == null ? new JsonObject() : schema, e.getError(), inBranch));
    }
    if (leaves.isEmpty()) {
      return ApiException.invalidField(prefix.isEmpty() ? "body" : prefix, "does not match the API document");
    }
    int depth = leaves.stream().mapToInt(SchemaErrors::depth).max().orElse(0);
    List<Leaf> deepest = leaves.stream().filter(l -> depth(l) == depth).toList();
    List<Leaf> meant = deepest.stream().filter(l -> !(l.inBranch() && l.keyword().equals("type"))).toList();
    if (meant.isEmpty()) {
      // every alternative refused the value's type: say which types would do
      Set<String> types = new LinkedHashSet<>();
      deepest.forEach(l -> types.addAll(types(l.schema())));
      return ApiException.invalidField(path(prefix, deepest.get(0).at()), "must be " + alternatives(List.copyOf(types)));
    }
    List<Leaf> required = meant.stream().filter(l -> l.keyword().equals("required")).toList();
    if (required.size() > 1 && required.size() == meant.size()) {
      // alternatives of an anyOf, each naming one field: one of them is needed
      String names = required.stream().map(l -> property(l.text())).distinct().collect(Collectors.joining(" or "));
      return ApiException.invalidField(path(prefix, required.get(0).at()), "needs " + names);
    }
    // a `not` of the document says why a field is refused better than "unknown field"; "required" says least
    Leaf leaf = meant.stream().min(Comparator.comparing(l -> l.keyword().equals("not") ? 0
        : l.keyword().equals("required") ? 2 : 1)).orElseThrow();
    return say(leaf, value(body, leaf.at()), prefix);
  }

  /** How deep in the body an error is: one below its object for a field that is missing or refused there. */
  private static int depth(Leaf l) {
    boolean aboutAField = l.keyword().equals("required")
        || l.keyword().equals("not") && l.schema().getJsonObject("not", new JsonObject()).containsKey("required");
    return l.at().size() + (aboutAField ? 1 : 0);
  }

  private static ApiException say(Leaf l, Object value, String prefix) {
    String path = path(prefix, l.at());
    JsonObject s = l.schema();
    return switch (l.keyword()) {
      case "required" -> ApiException.invalidField(child(path, property(l.text())), "required");
      case "additionalProperties", "unevaluatedProperties" -> ApiException.invalidField(path, "unknown field");
      case "type" -> ApiException.invalidField(path, "must be " + alternatives(types(s)));
      case "enum" -> ApiException.invalidField(path, "must be one of " + s.getJsonArray("enum").stream()
          .map(String::valueOf).collect(Collectors.joining(", ")) + ", got " + shown(value));
      case "const" -> ApiException.invalidField(path, "must be " + s.getValue("const") + ", got " + shown(value));
      case "maximum" -> ApiException.invalidField(path, "must be at most " + s.getValue("maximum") + ", got " + value);
      case "minimum" -> ApiException.invalidField(path, "must be at least " + s.getValue("minimum") + ", got " + value);
      case "maxLength" -> ApiException.invalidField(path, "longer than " + s.getValue("maxLength") + " characters");
      case "minLength" -> ApiException.invalidField(path, "must not be empty");
      case "maxItems" -> ApiException.invalidField(path, "at most " + s.getValue("maxItems") + " items");
      case "minItems" -> ApiException.invalidField(path, "at least " + s.getValue("minItems") + " items");
      case "pattern", "format" -> ApiException.invalidField(path, pattern(s, value));
      case "not" -> refusedCombination(path, s.getJsonObject("not", new JsonObject()));
      default -> ApiException.invalidField(path, l.text());
    };
  }

  /** A {@code not} of the document: its description says why, or it forbids giving some fields together. */
  private static ApiException refusedCombination(String path, JsonObject not) {
    JsonArray fields = not.getJsonArray("required", new JsonArray());
    String description = not.getString("description");
    if (fields.size() == 1) {
      String field = child(path, fields.getString(0));
      return ApiException.invalidField(field, description != null ? description : "not accepted here");
    }
    String names = fields.stream().map(String::valueOf).collect(Collectors.joining(", "));
    String first = fields.isEmpty() ? path : child(path, fields.getString(0));
    return ApiException.invalidField(first, description != null ? description
        : "give only one of " + names + ", not several");
  }

  private static String pattern(JsonObject s, Object value) {
    String pattern = s.getString("pattern", "");
    return switch (pattern) {
      case NOT_BLANK -> "must not be blank";
      case EMAIL, LEAD_EMAIL -> shown(value) + " is not an email address";
      case NUMERIC -> shown(value) + " is not a whole number";
      default -> "must match " + pattern + ", got " + shown(value);
    };
  }

  private static List<String> types(JsonObject s) {
    Object t = s.getValue("type");
    List<String> names = new ArrayList<>();
    if (t instanceof JsonArray a) {
      a.forEach(x -> names.add(String.valueOf(x)));
    } else if (t != null) {
      names.add(String.valueOf(t));
    }
    return names.stream().flatMap(n -> typeWords(n).stream()).toList();
  }

  /** {@code a, b or c}. */
  private static String alternatives(List<String> words) {
    if (words.size() <= 1) {
      return words.isEmpty() ? "something else" : words.get(0);
    }
    return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
  }

  /** The words of a JSON type ({@code boolean} is two: true, false). */
  private static List<String> typeWords(String type) {
    return type.equals("boolean") ? List.of("true", "false") : List.of(typeName(type));
  }

  private static String typeName(String type) {
    return switch (type) {
      case "integer" -> "a whole number";
      case "array" -> "an array";
      case "object" -> "an object";
      case "null" -> "null";
      default -> "a " + type;
    };
  }

  private static String shown(Object value) {
    return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }

  private static String property(String text) {
    Matcher m = PROPERTY.matcher(text == null ? "" : text);
    return m.find() ? m.group(1) : "?";
  }

  private static String child(String path, String name) {
    return path.isEmpty() || path.equals("body") ? name : path + "." + name;
  }

  /** {@code members[2].weight} from the pointer's segments, under {@code prefix}. */
  static String path(String prefix, List<String> at) {
    StringBuilder b = new StringBuilder(prefix);
    for (String segment : at) {
      if (segment.chars().allMatch(Character::isDigit) && !segment.isEmpty()) {
        b.append('[').append(segment).append(']');
      } else {
        b.append(b.isEmpty() ? "" : ".").append(segment);
      }
    }
    return b.isEmpty() ? "body" : b.toString();
  }

  /** The segments of a JSON pointer as the validator writes it ({@code #/members/2/weight}). */
  private static List<String> pointer(String location) {
    List<String> out = new ArrayList<>();
    if (location == null) {
      return out;
    }
    String p = location.startsWith("#") ? location.substring(1) : location;
    for (String segment : p.split("/")) {
      if (!segment.isEmpty()) {
        out.add(segment.replace("~1", "/").replace("~0", "~"));
      }
    }
    return out;
  }

  /** The schema at a keyword path below the body's schema, following the document's {@code $ref}s. */
  private static JsonObject resolve(JsonObject document, JsonObject root, List<String> path) {
    Object node = root;
    for (String segment : path) {
      // the validator may have resolved a reference itself (the body's own schema is one): follow it here too
      while (!segment.equals("$ref") && node instanceof JsonObject o && o.getString("$ref") != null
          && !o.containsKey(segment)) {
        node = ref(document, o.getString("$ref"));
      }
      if (segment.equals("$ref") && node instanceof JsonObject o && o.getString("$ref") != null) {
        node = ref(document, o.getString("$ref"));
      } else if (node instanceof JsonObject o) {
        node = o.getValue(segment);
      } else if (node instanceof JsonArray a && segment.chars().allMatch(Character::isDigit)) {
        node = a.getValue(Integer.parseInt(segment));
      } else {
        return null;
      }
    }
    while (node instanceof JsonObject o && o.getString("$ref") != null && o.size() == 1) {
      node = ref(document, o.getString("$ref"));
    }
    return node instanceof JsonObject o ? o : null;
  }

  private static Object ref(JsonObject document, String ref) {
    Object node = document;
    for (String segment : pointer(ref)) {
      node = node instanceof JsonObject o ? o.getValue(segment) : null;
    }
    return node;
  }

  private static Object value(Object body, List<String> at) {
    Object node = body;
    for (String segment : at) {
      if (node instanceof JsonObject o) {
        node = o.getValue(segment);
      } else if (node instanceof JsonArray a && segment.chars().allMatch(Character::isDigit)) {
        int i = Integer.parseInt(segment);
        node = i < a.size() ? a.getValue(i) : null;
      } else {
        return null;
      }
    }
    return node;
  }
}
