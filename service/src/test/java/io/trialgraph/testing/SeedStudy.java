package io.trialgraph.testing;

import io.trialgraph.cli.Cifar10Study;
import io.trialgraph.client.TrialGraphClient;
import java.time.Duration;
import java.util.List;

/**
 * The seed study of the reference workflow (docs/workflow.md, steps 1-4) as a test fixture:
 * the first copy of {@link Cifar10Study} (what {@code trialgraph demo} records) recorded through
 * the Java client, by default without metrics so that tests about the graph stay fast.
 *
 * <ul>
 *   <li>experiment {@value #EXPERIMENT} with a display name, the hypothesis as description and
 *       tag dataset=cifar10;
 *   <li>{@code cifar10-preprocessing} (processing, completed): the script {@link #SCRIPT} in,
 *       the three {@link #dataset datasets} out;
 *   <li>{@code experiment-metadata} (tracker): static hyperparameters, the variable space, and the
 *       script and the three datasets as inputs; part of every trial;
 *   <li>18 trials {@code model-optimizer-epochs}, each with a {@code <trial>-metadata} tracker
 *       (parameters only, no artifacts) and a {@code <trial>-training} job (completed) consuming
 *       the three datasets and producing {@link #model(String) its model}.
 * </ul>
 */
public final class SeedStudy {

    public static final String EXPERIMENT = Cifar10Study.EXPERIMENT;
    public static final String DESCRIPTION = Cifar10Study.DESCRIPTION;
    public static final String BUCKET = Cifar10Study.BUCKET;
    public static final String SCRIPT = Cifar10Study.SCRIPT;
    public static final List<String> SPLITS = Cifar10Study.SPLITS;
    public static final String PREPROCESSING = Cifar10Study.first().preprocessing();
    public static final String EXPERIMENT_METADATA = Cifar10Study.first().experimentMetadata();

    private final List<String> trialNames;

    private SeedStudy(List<String> trialNames) {
        this.trialNames = trialNames;
    }

    /** The URI of the dataset of a split. */
    public static String dataset(String split) {
        return Cifar10Study.dataset(split);
    }

    /** The URI of the model the training job of a trial produced. */
    public static String model(String trial) {
        return Cifar10Study.model(trial);
    }

    /** The names of the trials in creation order. */
    public List<String> trialNames() {
        return trialNames;
    }

    /** Records the study without metrics and returns what the tests need to know of it. */
    public static SeedStudy record(TestServer server) {
        return record(server, Cifar10Study.first().withStepsPerEpoch(0));
    }

    /** Records a copy of the study (e.g. with metrics: {@code Cifar10Study.first()}). */
    public static SeedStudy record(TestServer server, Cifar10Study study) {
        try (TrialGraphClient client = TrialGraphClient.builder()
                .target("127.0.0.1:" + server.port())
                .plaintext()
                .deadline(Duration.ofSeconds(300))
                .build()) {
            return new SeedStudy(study.record(client).trialNames());
        }
    }
}
