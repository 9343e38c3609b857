package io.trialgraph.security;

/**
 * Who made a call, as its bearer token says: the token's name and role.
 *
 * @param name the name the token was given in the configuration
 * @param role what the token may do
 */
public record Caller(String name, Role role) {}
