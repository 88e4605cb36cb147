package io.leadrouter.store;

import java.util.List;

/** Fields a caller may set on a directory user; null means "leave as is" on update. */
public record UserDraft(String email, String name, List<String> roles, Boolean active) {}
