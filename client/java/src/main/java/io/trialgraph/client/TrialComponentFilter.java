package io.trialgraph.client;

/**
 * Which components {@link TrialGraphClient#listTrialComponents} returns; the filters combine with
 * AND, and a null filter matches everything.
 *
 * <pre>{@code
 * client.listAllTrialComponents(TrialComponentFilter.inExperiment("cifar10").withKind("training")
 *         .withStatus(ComponentStatus.COMPLETED));
 * }</pre>
 *
 * @param trialName only components associated with this trial
 * @param experimentName only components associated with a trial of this experiment
 * @param kind only components of this kind
 * @param status only components with this status
 */
public record TrialComponentFilter(String trialName, String experimentName, String kind, ComponentStatus status) {

    /** @return a filter that matches every component */
    public static TrialComponentFilter all() {
        return new TrialComponentFilter(null, null, null, null);
    }

    /**
     * @param trialName the trial
     * @return the components of a trial
     */
    public static TrialComponentFilter inTrial(String trialName) {
        return new TrialComponentFilter(trialName, null, null, null);
    }

    /**
     * @param experimentName the experiment
     * @return the components of an experiment's trials
     */
    public static TrialComponentFilter inExperiment(String experimentName) {
        return new TrialComponentFilter(null, experimentName, null, null);
    }

    /**
     * @param kind the kind, e.g. "training"
     * @return this filter, also by kind
     */
    public TrialComponentFilter withKind(String kind) {
        return new TrialComponentFilter(trialName, experimentName, kind, status);
    }

    /**
     * @param status the status
     * @return this filter, also by status
     */
    public TrialComponentFilter withStatus(ComponentStatus status) {
        return new TrialComponentFilter(trialName, experimentName, kind, status);
    }
}
