package io.trialgraph.client;

/**
 * What a delete removed besides the thing deleted. Counts that do not apply to a delete are 0.
 *
 * @param trials trials deleted with an experiment
 * @param trialComponents components deleted because they belonged to no other trial
 * @param artifacts artifacts deleted because no remaining component used them
 * @param links lineage edges removed with an artifact
 */
public record Deleted(long trials, long trialComponents, long artifacts, long links) {
}
