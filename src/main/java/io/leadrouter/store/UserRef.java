package io.leadrouter.store;

/**
 * A reference to a directory user from a rotation or team member: by {@code userId}, or by {@code email}
 * (created in the directory when unknown). {@code name} fills in a new user's name.
 */
public record UserRef(Long userId, String email, String name) {}
