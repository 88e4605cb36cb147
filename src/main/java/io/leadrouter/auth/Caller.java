package io.leadrouter.auth;

/** An authenticated caller acting for one account: {@code subject} is recorded as createdBy/updatedBy. */
public record Caller(String subject, String accountId) {}
