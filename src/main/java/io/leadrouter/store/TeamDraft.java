package io.leadrouter.store;

import java.util.List;

/** Fields a caller may set on a team; null means "leave as is" on update. Members are resolved user ids. */
public record TeamDraft(String name, Boolean active, List<Long> memberUserIds) {}
