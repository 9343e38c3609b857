package io.trialgraph.testing;

import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.ApiFixtures.integer;
import static io.trialgraph.testing.ApiFixtures.link;
import static io.trialgraph.testing.ApiFixtures.number;
import static io.trialgraph.testing.ApiFixtures.text;
import static io.trialgraph.testing.ApiFixtures.time;
import static io.trialgraph.testing.ApiFixtures.trials;

import io.trialgraph.api.v1.ArtifactKind;
import io.trialgraph.api.v1.AssociateTrialComponentRequest;
import io.trialgraph.api.v1.CreateExperimentRequest;
import io.trialgraph.api.v1.CreateTrialRequest;
import io.trialgraph.api.v1.Experiment;
import io.trialgraph.api.v1.Trial;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialComponentStatus;
import io.trialgraph.api.v1.TrialServiceGrpc;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed study of the reference workflow (DESIGN.md section 1, steps 1-4, without metrics):
 * the CIFAR-10 experiment recorded through the API.
 *
 * <ul>
 *   <li>experiment {@value #EXPERIMENT} with a display name, the hypothesis as description and
 *       tag dataset=cifar10;
 *   <li>{@code cifar10-preprocessing} (processing, completed): the script {@link #SCRIPT} in,
 *       the three {@link #dataset datasets} out;
 *   <li>{@code experiment-metadata} (tracker): static hyperparameters (batch-size 128,
 *       learning-rate 0.001, weight-decay 1e-6, momentum 0.9), the variable space, and the
 *       script and the three datasets as inputs; part of every trial;
 *   <li>18 trials {@code model-optimizer-epochs} (resnet/custom x adam/sgd/rmsprop x
 *       30/60/120), tagged with model and optimizer, each with a {@code <trial>-metadata} tracker
 *       (parameters only, no artifacts) and a {@code <trial>-training} job (completed,
 *       parameters model, optimizer, epochs) consuming the three datasets and producing
 *       {@link #model(String) its model}.
 * </ul>
 */
public final class SeedStudy {

    public static final String EXPERIMENT = "cifar10-custom-vs-resnet";
    public static final String DESCRIPTION = "My custom model beats ResNet50 on CIFAR-10.";
    public static final String BUCKET = "s3://trialgraph-demo/cifar10";
    public static final String SCRIPT = BUCKET + "/code/generate_cifar10_tfrecords.py";
    public static final List<String> SPLITS = List.of("train", "validation", "test");
    public static final String PREPROCESSING = "cifar10-preprocessing";
    public static final String EXPERIMENT_METADATA = "experiment-metadata";

    private static final long DEADLINE_SECONDS = 300;

    private final List<String> trialNames;

    private SeedStudy(List<String> trialNames) {
        this.trialNames = trialNames;
    }

    /** The URI of the dataset of a split. */
    public static String dataset(String split) {
        return BUCKET + "/data/" + split + "/" + split + ".tfrecords";
    }

    /** The URI of the model the training job of a trial produced. */
    public static String model(String trial) {
        return BUCKET + "/models/" + trial + "/model.tar.gz";
    }

    /** The names of the trials in creation order. */
    public List<String> trialNames() {
        return trialNames;
    }

    /** Records the study on the server and returns what the tests need to know of it. */
    public static SeedStudy record(TestServer server) {
        TrialServiceGrpc.TrialServiceBlockingStub trials = trials(server, DEADLINE_SECONDS);
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components = components(server, DEADLINE_SECONDS);

        // 1. The experiment states the hypothesis.
        experiments(server, DEADLINE_SECONDS).createExperiment(CreateExperimentRequest.newBuilder()
                .setExperiment(Experiment.newBuilder()
                        .setName(EXPERIMENT)
                        .setDisplayName("CIFAR-10: custom model vs ResNet50")
                        .setDescription(DESCRIPTION)
                        .putTags("dataset", "cifar10")).build());

        // 3. How the data was made: the script in, three datasets out.
        TrialComponent.Builder processing = TrialComponent.newBuilder()
                .setName(PREPROCESSING)
                .setKind("processing")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED)
                .setStartTime(time(0))
                .setEndTime(time(600))
                .addInputs(link("code", SCRIPT, ArtifactKind.ARTIFACT_KIND_CODE));
        SPLITS.forEach(split -> processing.addOutputs(link(split, dataset(split), ArtifactKind.ARTIFACT_KIND_DATASET)));
        createComponent(components, processing);

        // The experiment-wide metadata: static hyperparameters, the variable space, datasets and script.
        TrialComponent.Builder experimentMetadata = TrialComponent.newBuilder()
                .setName(EXPERIMENT_METADATA)
                .setKind("tracker")
                .putParameters("batch-size", integer(128))
                .putParameters("learning-rate", number(0.001))
                .putParameters("weight-decay", number(1e-6))
                .putParameters("momentum", number(0.9))
                .putParameters("model-space", text("resnet,custom"))
                .putParameters("optimizer-space", text("adam,sgd,rmsprop"))
                .putParameters("epochs-space", text("30,60,120"))
                .addInputs(link("code", SCRIPT, ArtifactKind.ARTIFACT_KIND_CODE));
        SPLITS.forEach(split -> experimentMetadata.addInputs(link(split, dataset(split), ArtifactKind.ARTIFACT_KIND_DATASET)));
        createComponent(components, experimentMetadata);

        // 2 and 4. One trial per variable set, each with its metadata and its training job.
        List<String> trialNames = new ArrayList<>();
        int job = 0;
        for (String model : List.of("resnet", "custom")) {
            for (String optimizer : List.of("adam", "sgd", "rmsprop")) {
                for (long epochs : List.of(30L, 60L, 120L)) {
                    String trial = "%s-%s-%d".formatted(model, optimizer, epochs);
                    trialNames.add(trial);
                    trials.createTrial(CreateTrialRequest.newBuilder().setTrial(Trial.newBuilder()
                            .setName(trial).setExperimentName(EXPERIMENT)
                            .putTags("model", model).putTags("optimizer", optimizer)).build());

                    components.associateTrialComponent(AssociateTrialComponentRequest.newBuilder()
                            .setTrialComponentName(EXPERIMENT_METADATA).setTrialName(trial).build());

                    createComponent(components, TrialComponent.newBuilder()
                            .setName(trial + "-metadata")
                            .setKind("tracker")
                            .putParameters("model", text(model))
                            .putParameters("optimizer", text(optimizer))
                            .putParameters("epochs", integer(epochs))
                            .addTrialNames(trial));

                    TrialComponent.Builder training = TrialComponent.newBuilder()
                            .setName(trial + "-training")
                            .setKind("training")
                            .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED)
                            .setStartTime(time(3600L * (job + 1)))
                            .setEndTime(time(3600L * (job + 1) + 60 * epochs))
                            .putParameters("model", text(model))
                            .putParameters("optimizer", text(optimizer))
                            .putParameters("epochs", integer(epochs))
                            .putMetadata("instance-type", "ml.p3.2xlarge")
                            .addOutputs(link("model", model(trial), ArtifactKind.ARTIFACT_KIND_MODEL))
                            .addTrialNames(trial);
                    SPLITS.forEach(split -> training.addInputs(link(split, dataset(split), ArtifactKind.ARTIFACT_KIND_DATASET)));
                    createComponent(components, training);
                    job++;
                }
            }
        }
        return new SeedStudy(List.copyOf(trialNames));
    }
}
