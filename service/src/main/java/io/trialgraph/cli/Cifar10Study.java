package io.trialgraph.cli;

import io.trialgraph.client.ArtifactKind;
import io.trialgraph.client.ComponentStatus;
import io.trialgraph.client.Tracker;
import io.trialgraph.client.TrialComponentSpec;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.client.TrialGraphException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The seed study of the reference workflow (docs/workflow.md), recorded through the client
 * library the way training code would record it: the CIFAR-10 experiment "my custom model beats
 * ResNet50", what {@code trialgraph demo} records and what the tests record as their fixture.
 *
 * <ul>
 *   <li>the experiment (display name, the hypothesis as description, tag dataset=cifar10);
 *   <li>{@code cifar10-preprocessing} (processing, completed): the script {@link #SCRIPT} in, the
 *       three {@link #dataset datasets} out;
 *   <li>{@code experiment-metadata} (tracker): static hyperparameters (batch-size 128,
 *       learning-rate 0.001, weight-decay 1e-6, momentum 0.9), the variable space, and the script
 *       and the datasets as inputs; part of every trial;
 *   <li>18 trials {@code model-optimizer-epochs} (resnet/custom x adam/sgd/rmsprop x 30/60/120),
 *       tagged with model and optimizer, each with a {@code <trial>-metadata} tracker (parameters
 *       only) and a {@code <trial>-training} job recorded with a {@link Tracker}: it consumes the
 *       datasets, streams loss, acc, val_loss and val_acc per step (10 steps an epoch unless told
 *       otherwise), logs test_acc and test_loss at the end and produces {@link #model its model}.
 * </ul>
 *
 * Names (experiment, trials, components) are unique in a graph, so a study records under a
 * suffix: none for the first ({@code cifar10-custom-vs-resnet}, {@code custom-adam-60}, ...),
 * {@code -2}, {@code -3}, ... for the next ones (every name and model URI gets it; the script and
 * the datasets are the same artifacts for every copy). The synthetic curves are deterministic:
 * custom beats resnet, adam beats rmsprop beats sgd, 60 epochs is best, so the best job is
 * {@code custom-adam-60-training} with test_acc 0.87.
 */
public final class Cifar10Study {

    /** Name of the experiment of the first copy; copies add their suffix. */
    public static final String EXPERIMENT = "cifar10-custom-vs-resnet";

    public static final String DESCRIPTION = "My custom model beats ResNet50 on CIFAR-10.";
    public static final String BUCKET = "s3://trialgraph-demo/cifar10";
    public static final String SCRIPT = BUCKET + "/code/generate_cifar10_tfrecords.py";
    public static final List<String> SPLITS = List.of("train", "validation", "test");
    public static final List<String> MODELS = List.of("resnet", "custom");
    public static final List<String> OPTIMIZERS = List.of("adam", "sgd", "rmsprop");
    public static final List<Integer> EPOCHS = List.of(30, 60, 120);
    /** The metrics every training job streams per step. */
    public static final List<String> STEP_METRICS = List.of("loss", "acc", "val_loss", "val_acc");
    /** Steps per epoch unless {@link #withStepsPerEpoch} says otherwise. */
    public static final int STEPS_PER_EPOCH = 10;

    private static final int PARALLEL_JOBS = 6;

    private final String suffix;
    private final int stepsPerEpoch;

    private Cifar10Study(String suffix, int stepsPerEpoch) {
        this.suffix = suffix;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    /** The first copy: no suffix. */
    public static Cifar10Study first() {
        return new Cifar10Study("", STEPS_PER_EPOCH);
    }

    /** Copy {@code n} (1 is the first): names end with {@code -n} from the second on. */
    public static Cifar10Study copy(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("copy: must be 1 or more, is " + n);
        }
        return new Cifar10Study(n == 1 ? "" : "-" + n, STEPS_PER_EPOCH);
    }

    /** @return this study with {@code steps} steps an epoch (0: no metrics at all) */
    public Cifar10Study withStepsPerEpoch(int steps) {
        return new Cifar10Study(suffix, steps);
    }

    /** @return the steps an epoch the training jobs log (0: none) */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    public String experiment() {
        return EXPERIMENT + suffix;
    }

    public String preprocessing() {
        return "cifar10-preprocessing" + suffix;
    }

    public String experimentMetadata() {
        return "experiment-metadata" + suffix;
    }

    /** The trial of a variable set, e.g. {@code custom-adam-60}. */
    public String trial(String model, String optimizer, int epochs) {
        return "%s-%s-%d%s".formatted(model, optimizer, epochs, suffix);
    }

    /** The training job of a trial, e.g. {@code custom-adam-60-training}. */
    public static String trainingJob(String trial) {
        return trial + "-training";
    }

    /** The metadata tracker of a trial, e.g. {@code custom-adam-60-metadata}. */
    public static String trialMetadata(String trial) {
        return trial + "-metadata";
    }

    /** The URI of the dataset of a split (the same for every copy). */
    public static String dataset(String split) {
        return BUCKET + "/data/" + split + "/" + split + ".tfrecords";
    }

    /** The URI of the model the training job of a trial produced. */
    public static String model(String trial) {
        return BUCKET + "/models/" + trial + "/model.tar.gz";
    }

    /**
     * The final test accuracy of a variable set: custom beats resnet, adam wins, 60 epochs is
     * best; up to 0.0085 less for the others (by their place in the variable space), so no two jobs tie. The best,
     * custom-adam-60, reaches 0.87.
     */
    public static double finalAccuracy(String model, String optimizer, int epochs) {
        double base = model.equals("custom") ? 0.80 : 0.75;
        double byOptimizer = optimizer.equals("adam") ? 0.05 : optimizer.equals("rmsprop") ? 0.03 : 0.0;
        double byEpochs = epochs == 60 ? 0.02 : epochs == 120 ? 0.01 : 0.0;
        int index = MODELS.indexOf(model) * 9 + OPTIMIZERS.indexOf(optimizer) * 3 + EPOCHS.indexOf(epochs);
        double tieBreak = model.equals("custom") && optimizer.equals("adam") && epochs == 60 ? 0 : 0.0005 * index;
        return Math.round((base + byOptimizer + byEpochs - tieBreak) * 10_000) / 10_000.0;
    }

    /**
     * Training accuracy at a step of a job that ends at {@code last}: from chance (0.1, ten
     * classes) rising quickly, then slowly, to {@code last}, with a little deterministic noise.
     */
    public static double accuracy(double last, int step, int steps) {
        double progress = (1 - Math.exp(-5.0 * (step + 1) / steps)) / (1 - Math.exp(-5.0));
        return 0.1 + (last - 0.1) * progress + 0.004 * noise(step, last);
    }

    /** Cross-entropy of an accuracy, roughly: ln(10) = 2.30 at chance, small near 1. */
    private static double loss(double accuracy, int step) {
        return -Math.log(Math.max(accuracy, 0.05)) + 0.01 * noise(step, accuracy);
    }

    /** A repeatable value in [-0.5, 0.5) for a step and a seed (no Random: the same curve every run). */
    private static double noise(int step, double seed) {
        double x = Math.sin(step * 12.9898 + seed * 78.233) * 43758.5453;
        return x - Math.floor(x) - 0.5;
    }

    /** What {@link #record} recorded. */
    public record Recorded(String experiment, List<String> trialNames, long metricPoints) {}

    /**
     * Records the whole study: the experiment, the preprocessing, the trials and their
     * experiment-metadata, then the 18 training jobs six at a time, as jobs on a cluster would
     * run (they share the client's metric logger).
     *
     * @throws TrialGraphException ALREADY_EXISTS when a name of this copy is taken
     */
    public Recorded record(TrialGraphClient client) {
        // 1. The experiment states the hypothesis.
        client.createExperiment(
                experiment(), "CIFAR-10: custom model vs ResNet50", DESCRIPTION, Map.of("dataset", "cifar10"));

        // 3. How the data was made: the script in, three datasets out.
        TrialComponentSpec.Builder processing = TrialComponentSpec.builder(preprocessing())
                .kind("processing")
                .status(ComponentStatus.COMPLETED)
                .input("code", SCRIPT, ArtifactKind.CODE);
        SPLITS.forEach(split -> processing.output(split, dataset(split), ArtifactKind.DATASET));
        client.createTrialComponent(processing.build());

        // 2. The variable space: a trial per variable set.
        List<Variables> variableSets = new ArrayList<>();
        for (String model : MODELS) {
            for (String optimizer : OPTIMIZERS) {
                for (int epochs : EPOCHS) {
                    variableSets.add(new Variables(model, optimizer, epochs, trial(model, optimizer, epochs)));
                }
            }
        }
        List<String> trialNames = inParallel(variableSets, v -> {
            client.createTrial(experiment(), v.trial(), Map.of("model", v.model(), "optimizer", v.optimizer()));
            return v.trial();
        });

        // The experiment-wide metadata, shared by every trial (many-to-many).
        TrialComponentSpec.Builder metadata = TrialComponentSpec.builder(experimentMetadata())
                .kind("tracker")
                .parameter("batch-size", 128)
                .parameter("learning-rate", 0.001)
                .parameter("weight-decay", 1e-6)
                .parameter("momentum", 0.9)
                .parameter("model-space", String.join(",", MODELS))
                .parameter("optimizer-space", String.join(",", OPTIMIZERS))
                .parameter("epochs-space", "30,60,120")
                .input("code", SCRIPT, ArtifactKind.CODE)
                .trials(trialNames);
        SPLITS.forEach(split -> metadata.input(split, dataset(split), ArtifactKind.DATASET));
        client.createTrialComponent(metadata.build());

        // 4. Per trial: a metadata tracker with the trial's variables and the tracked training job.
        List<Long> points = inParallel(variableSets, v -> {
            client.createTrialComponent(TrialComponentSpec.builder(trialMetadata(v.trial()))
                    .kind("tracker")
                    .parameter("model", v.model())
                    .parameter("optimizer", v.optimizer())
                    .parameter("epochs", v.epochs())
                    .trial(v.trial())
                    .build());
            return train(client, v);
        });
        return new Recorded(
                experiment(),
                trialNames,
                points.stream().mapToLong(Long::longValue).sum());
    }

    private record Variables(String model, String optimizer, int epochs, String trial) {}

    /** One training job: parameters and inputs with its creation, metrics per step, test metrics and the model at the end. */
    private long train(TrialGraphClient client, Variables v) {
        double last = finalAccuracy(v.model(), v.optimizer(), v.epochs());
        int steps = v.epochs() * stepsPerEpoch;
        long points = 0;
        TrialComponentSpec.Builder spec = TrialComponentSpec.builder(trainingJob(v.trial()))
                .kind("training")
                .trial(v.trial())
                .parameters(Map.of(
                        "model",
                        v.model(),
                        "optimizer",
                        v.optimizer(),
                        "epochs",
                        v.epochs(),
                        "learning-rate",
                        0.001,
                        "batch-size",
                        128,
                        "augmentation",
                        true))
                .metadata("instance-type", "ml.p3.2xlarge");
        SPLITS.forEach(split -> spec.input(split, dataset(split), ArtifactKind.DATASET));
        try (Tracker job = client.tracker(spec.build())) {
            for (int step = 0; step < steps; step++) {
                double acc = accuracy(last, step, steps);
                double valAcc = acc - 0.02;
                job.logMetric("loss", step, loss(acc, step));
                job.logMetric("acc", step, acc);
                job.logMetric("val_loss", step, loss(valAcc, step + 1));
                job.logMetric("val_acc", step, valAcc);
                points += 4;
            }
            if (stepsPerEpoch > 0) {
                job.logMetric("test_acc", steps, last);
                job.logMetric("test_loss", steps, -Math.log(last) + 0.05);
                points += 2;
            }
            job.logOutput("model", model(v.trial()), ArtifactKind.MODEL);
        }
        return points;
    }

    /** Runs a task per item on a few threads; results in item order; the first failure is rethrown as it was. */
    private static <T, R> List<R> inParallel(List<T> items, Function<T, R> task) {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_JOBS);
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> task.apply(item)));
            }
            List<R> results = new ArrayList<>();
            for (Future<R> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording the study", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
