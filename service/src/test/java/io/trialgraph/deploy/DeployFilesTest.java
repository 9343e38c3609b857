package io.trialgraph.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.config.ManagementConfiguration;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Every file in deploy/ against the project it deploys: each YAML parses; the compose file and the
 * Kubernetes objects use only environment variables the service reads (derived from its
 * configuration classes, application.yml and logback.xml), its ports and its health services, and
 * the image the pom's Jib profile builds; the Kubernetes objects agree with one another
 * (selectors, ports, probes, ConfigMap and Secret keys). The image itself cannot be built here (no
 * registry to pull the base image from), so its Jib configuration is checked the same way.
 */
class DeployFilesTest {

    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Path KUBERNETES = DEPLOY.resolve("kubernetes");

    private static ProjectSettings.Pom pom;
    private static Set<String> serviceVariables;
    private static int grpcPort;
    private static int managementPort;
    private static int httpPort;

    @BeforeAll
    static void readProject() {
        pom = new ProjectSettings.Pom(Path.of("pom.xml"), Path.of("..", "pom.xml"));
        serviceVariables = ProjectSettings.environmentVariables();
        grpcPort = Integer.parseInt(ProjectSettings.defaultOf("grpc.server.port"));
        managementPort = Integer.parseInt(ProjectSettings.defaultOf("trialgraph.management.port"));
        httpPort = Integer.parseInt(ProjectSettings.defaultOf("trialgraph.http.port"));
    }

    @Test
    void everyFileInDeployIsOneThisTestChecks() throws IOException {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(DEPLOY)) {
            walk.filter(Files::isRegularFile)
                    .forEach(
                            file -> files.add(DEPLOY.relativize(file).toString().replace('\\', '/')));
        }
        for (String file : files) {
            assertThat(file)
                    .as("a file in deploy/ this test does not know")
                    .matches("README\\.md|docker-compose(\\.tls)?\\.yml|kubernetes/[a-z0-9-]+\\.yaml");
        }
        assertThat(files)
                .contains("README.md", "docker-compose.yml", "docker-compose.tls.yml", "kubernetes/kustomization.yaml");
    }

    @Test
    void readmeLinksAndPathsExist() throws IOException {
        String readme = Files.readString(DEPLOY.resolve("README.md"));
        Matcher path = Pattern.compile("(?:deploy/)?(kubernetes/[a-z0-9-]+\\.yaml|docker-compose(?:\\.tls)?\\.yml)")
                .matcher(readme);
        int paths = 0;
        while (path.find()) {
            assertThat(DEPLOY.resolve(path.group(1)))
                    .as("path named in deploy/README.md")
                    .exists();
            paths++;
        }
        assertThat(paths).isPositive();
    }

    // --- the image ------------------------------------------------------------------------------

    @Test
    void imageRunsTheServerMainAsANumericNonRootUserWithTheServicePorts() throws Exception {
        assertThat(pom.jib("container", "mainClass")).isEqualTo("io.trialgraph.Application");
        Class.forName(pom.jib("container", "mainClass")).getMethod("main", String[].class);
        String user = pom.jib("container", "user");
        assertThat(user).matches("[1-9][0-9]*:[1-9][0-9]*");
        assertThat(pom.jibList("container", "ports"))
                .containsExactlyInAnyOrder(
                        String.valueOf(grpcPort), String.valueOf(httpPort), String.valueOf(managementPort));
        // Loopback defaults would make the published ports answer nothing from outside the container.
        assertThat(pom.jibEnvironment())
                .containsEntry("GRPC_SERVER_HOST", "0.0.0.0")
                .containsEntry("TRIALGRAPH_HTTP_HOST", "0.0.0.0");
        assertThat(managementPort).isEqualTo(ManagementConfiguration.DEFAULT_PORT);
        assertThat(pom.image()).isEqualTo(pom.property("image.repository") + ":" + pom.property("project.version"));
        assertThat(pom.jib("from", "image")).startsWith("eclipse-temurin:17-jre");
    }

    @Test
    void imageKeepsTheEmbeddedGraphOnAWritableVolume() {
        assertThat(pom.jibList("container", "volumes")).containsExactly("/data");
        Map<String, String> environment = pom.jibEnvironment();
        assertThat(serviceVariables).containsAll(environment.keySet());
        assertThat(environment.get("NEO4J_EMBEDDED_DATA_DIR")).startsWith("/data/");
        assertThat(pom.jib("extraDirectories", "permissions", "permission", "file"))
                .isEqualTo("/data");
        assertThat(pom.jib("extraDirectories", "permissions", "permission", "mode"))
                .isEqualTo("777");
        assertThat(Path.of("src", "main", "jib", "data")).isDirectory();
    }

    // --- docker-compose -------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.yml", "docker-compose.tls.yml"})
    void composeRunsTheImageOnNeo4jWithMatchingCredentialsPortsAndHealthChecks(String file) throws Exception {
        Map<String, Object> compose = yaml(DEPLOY.resolve(file)).get(0);
        Map<String, Object> services = map(compose, "services");
        assertThat(services).containsOnlyKeys("neo4j", "trialgraph");
        Map<String, Object> neo4j = map(services, "neo4j");
        Map<String, Object> trialgraph = map(services, "trialgraph");

        assertThat(neo4j.get("image")).isEqualTo(neo4jImage());
        assertThat(trialgraph.get("image")).isEqualTo(pom.image());

        Map<String, Object> environment = map(trialgraph, "environment");
        assertThat(serviceVariables).as("variables the service reads").containsAll(environment.keySet());
        URI bolt = URI.create((String) environment.get("NEO4J_URI"));
        assertThat(bolt.getHost()).isEqualTo("neo4j");
        assertThat(bolt.getPort()).isEqualTo(7687);
        assertThat(map(neo4j, "environment").get("NEO4J_AUTH"))
                .isEqualTo(environment.get("NEO4J_USERNAME") + "/" + environment.get("NEO4J_PASSWORD"));

        assertThat(environment.get("GRPC_SERVER_PORT")).isEqualTo(String.valueOf(grpcPort));
        assertThat(environment.get("TRIALGRAPH_MANAGEMENT_PORT")).isEqualTo(String.valueOf(managementPort));
        assertThat(environment.get("TRIALGRAPH_HTTP_PORT")).isEqualTo(String.valueOf(httpPort));
        assertThat(environment.get("TRIALGRAPH_HTTP_HOST")).isEqualTo("0.0.0.0");
        assertThat(containerPorts(list(trialgraph, "ports"))).contains(grpcPort, httpPort, managementPort);
        assertThat(containerPorts(list(neo4j, "ports"))).contains(7687);

        assertThat(map(map(trialgraph, "depends_on"), "neo4j")).containsEntry("condition", "service_healthy");
        assertThat(map(neo4j, "healthcheck")).containsKey("test");
        List<Object> check = list(map(trialgraph, "healthcheck"), "test");
        assertThat(check).contains("io.trialgraph.HealthCheck");
        Class.forName("io.trialgraph.HealthCheck").getMethod("main", String[].class);

        assertThat(list(neo4j, "volumes")).contains("neo4j-data:/data");
        assertThat(map(compose, "volumes")).containsKey("neo4j-data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.yml", "docker-compose.tls.yml"})
    void composeStopsWithoutANeo4jPasswordAndHasNoDefaultOne(String file) throws IOException {
        String text = Files.readString(DEPLOY.resolve(file));
        assertThat(text)
                .as("no ${VARIABLE:-default} anywhere: a default password is a published one")
                .doesNotContain(":-");
        Map<String, Object> services = map(yaml(DEPLOY.resolve(file)).get(0), "services");
        assertThat(map(map(services, "trialgraph"), "environment").get("NEO4J_PASSWORD"))
                .asString()
                .startsWith("${NEO4J_PASSWORD:?set NEO4J_PASSWORD");
        assertThat(map(map(services, "neo4j"), "environment").get("NEO4J_AUTH"))
                .asString()
                .startsWith("neo4j/${NEO4J_PASSWORD:?set NEO4J_PASSWORD");
    }

    @Test
    void composePublishesOnLoopbackOnly() throws IOException {
        Map<String, Object> services =
                map(yaml(DEPLOY.resolve("docker-compose.yml")).get(0), "services");
        for (String service : services.keySet()) {
            for (Object port : list(map(services, service), "ports")) {
                assertThat(String.valueOf(port))
                        .as(service + " publishes " + port)
                        .startsWith("127.0.0.1:");
            }
        }
        // Plain text and no tokens: nothing here may turn them on by accident either.
        Map<String, Object> environment = map(map(services, "trialgraph"), "environment");
        assertThat(environment).doesNotContainKeys("TRIALGRAPH_AUTH_ENABLED", "TRIALGRAPH_SERVER_TLS_CERT_CHAIN");
    }

    @Test
    void composeTlsVariantOpensOnlyGrpcAndOnlyWithTlsAndTokensFromPrivateFiles() throws IOException {
        Map<String, Object> compose =
                yaml(DEPLOY.resolve("docker-compose.tls.yml")).get(0);
        Map<String, Object> services = map(compose, "services");
        Map<String, Object> trialgraph = map(services, "trialgraph");
        for (String service : services.keySet()) {
            for (Object port : list(map(services, service), "ports")) {
                String published = String.valueOf(port);
                if (!published.startsWith("127.0.0.1:")) {
                    assertThat(service + " " + published)
                            .as("only gRPC and the web UI (both TLS and tokens) face the network")
                            .isIn("trialgraph " + grpcPort + ":" + grpcPort, "trialgraph " + httpPort + ":" + httpPort);
                }
            }
        }
        Map<String, Object> environment = map(trialgraph, "environment");
        assertThat(environment).containsEntry("TRIALGRAPH_AUTH_ENABLED", "true");
        Map<String, Object> secrets = map(compose, "secrets");
        for (String variable : List.of(
                "TRIALGRAPH_SERVER_TLS_CERT_CHAIN",
                "TRIALGRAPH_SERVER_TLS_PRIVATE_KEY",
                "TRIALGRAPH_AUTH_TOKEN_FILE")) {
            String path = String.valueOf(environment.get(variable));
            assertThat(path).as(variable).startsWith("/run/secrets/");
            String secret = path.substring("/run/secrets/".length());
            assertThat(list(trialgraph, "secrets")).as("secrets of the service").contains(secret);
            assertThat(map(secrets, secret).get("file"))
                    .asString()
                    .as("file of " + secret)
                    .startsWith("${TRIALGRAPH_SECRETS:?set TRIALGRAPH_SECRETS");
        }
        // The gRPC health check speaks plain text; with TLS the management port's readiness is asked.
        assertThat(list(map(trialgraph, "healthcheck"), "test"))
                .contains("io.trialgraph.HealthCheck", "http://127.0.0.1:" + managementPort + "/health/readiness");
    }

    @Test
    void everyImageIsPinnedToARelease() throws IOException {
        List<String> images = new ArrayList<>();
        for (String file : List.of("docker-compose.yml", "docker-compose.tls.yml")) {
            map(yaml(DEPLOY.resolve(file)).get(0), "services").values().forEach(service -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> definition = (Map<String, Object>) service;
                images.add(file + " " + definition.get("image"));
            });
        }
        for (Map<String, Object> workload : objects()) {
            if (List.of("Deployment", "StatefulSet").contains(workload.get("kind"))) {
                for (Object container : list(podSpec(workload), "containers")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> definition = (Map<String, Object>) container;
                    images.add(name(workload) + " " + definition.get("image"));
                }
            }
        }
        assertThat(images)
                .hasSizeGreaterThanOrEqualTo(6)
                .allSatisfy(image -> assertThat(image)
                        .as("a release tag: neither latest nor a moving minor version")
                        .matches(".* (\\Q" + pom.image() + "\\E|\\Q" + neo4jImage() + "\\E)"));
        assertThat(pom.property("neo4j.version")).matches("[0-9]+\\.[0-9]+\\.[0-9]+");
    }

    // --- Kubernetes -----------------------------------------------------------------------------

    @Test
    void kustomizationListsEveryManifest() throws IOException {
        Set<String> manifests = new TreeSet<>();
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            files.map(file -> file.getFileName().toString())
                    .filter(name -> !name.equals("kustomization.yaml"))
                    .forEach(manifests::add);
        }
        List<Object> resources =
                list(yaml(KUBERNETES.resolve("kustomization.yaml")).get(0), "resources");
        assertThat(resources).containsExactlyInAnyOrderElementsOf(manifests);
    }

    @Test
    void deploymentRunsReplicasOfTheImageWithGrpcProbesResourcesAndNonRootUser() throws IOException {
        Map<String, Object> deployment = object("Deployment", "trialgraph");
        Map<String, Object> spec = map(deployment, "spec");
        assertThat((Integer) spec.get("replicas")).isGreaterThanOrEqualTo(2);
        assertThat(labels(map(map(spec, "template"), "metadata")))
                .containsAllEntriesOf(map(map(spec, "selector"), "matchLabels"));

        Map<String, Object> pod = map(map(spec, "template"), "spec");
        assertThat(map(pod, "securityContext"))
                .containsEntry("runAsNonRoot", true)
                .containsEntry("runAsUser", Integer.parseInt(pom.property("image.user")));
        Map<String, Object> container = container(pod, "trialgraph");
        assertThat(container.get("image")).isEqualTo(pom.image());
        assertThat(map(container, "securityContext")).containsEntry("allowPrivilegeEscalation", false);

        Map<String, Integer> ports = namedPorts(container);
        assertThat(ports)
                .containsEntry("grpc", grpcPort)
                .containsEntry("http", httpPort)
                .containsEntry("metrics", managementPort);
        // Kubernetes' gRPC probes cannot speak TLS, and the gRPC port does: probes ask the plain-text
        // management port, whose readiness is the gRPC health status (ServerLifecycleIT, HealthCheckIT).
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertThat(map(container, probe)).as(probe).doesNotContainKeys("grpc", "exec");
            assertThat(map(map(container, probe), "httpGet")).as(probe).containsEntry("port", "metrics");
        }
        assertThat(map(map(container, "startupProbe"), "httpGet")).containsEntry("path", "/health/readiness");
        assertThat(map(map(container, "readinessProbe"), "httpGet")).containsEntry("path", "/health/readiness");
        assertThat(map(map(container, "livenessProbe"), "httpGet")).containsEntry("path", "/health/liveness");

        Map<String, Object> annotations = map(map(map(spec, "template"), "metadata"), "annotations");
        assertPrometheusAnnotations(annotations, ports.get("metrics"));
    }

    @Test
    void disruptionBudgetCoversTheReplicasAndLeavesRoomToDrain() throws IOException {
        Map<String, Object> budget = map(object("PodDisruptionBudget", "trialgraph"), "spec");
        Map<String, Object> deployment = map(object("Deployment", "trialgraph"), "spec");
        assertThat(labels(map(map(deployment, "template"), "metadata")))
                .containsAllEntriesOf(map(map(budget, "selector"), "matchLabels"));
        assertThat((Integer) budget.get("minAvailable")).isPositive().isLessThan((Integer) deployment.get("replicas"));
    }

    @Test
    void everyContainerHasResourceRequestsAndMemoryLimits() throws IOException {
        for (Map<String, Object> workload : objects()) {
            if (!List.of("Deployment", "StatefulSet").contains(workload.get("kind"))) {
                continue;
            }
            for (Object item : list(podSpec(workload), "containers")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> resources = map((Map<String, Object>) item, "resources");
                assertThat(map(resources, "requests")).as(name(workload)).containsKeys("cpu", "memory");
                assertThat(map(resources, "limits")).as(name(workload)).containsKey("memory");
            }
        }
    }

    @Test
    void environmentComesFromExistingConfigMapAndSecretKeysAndIsReadByTheService() throws IOException {
        Map<String, Object> container = container(podSpec(object("Deployment", "trialgraph")), "trialgraph");
        Map<String, String> environment = new LinkedHashMap<>();
        for (Object source : list(container, "envFrom")) {
            @SuppressWarnings("unchecked")
            String configMap =
                    (String) map((Map<String, Object>) source, "configMapRef").get("name");
            map(object("ConfigMap", configMap), "data")
                    .forEach((key, value) -> environment.put(key, String.valueOf(value)));
        }
        for (Object item : list(container, "env")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> variable = (Map<String, Object>) item;
            environment.put((String) variable.get("name"), secretValue(variable));
        }
        assertThat(serviceVariables).as("variables the service reads").containsAll(environment.keySet());
        assertThat(environment).containsKeys("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD");
        assertThat(environment)
                .containsEntry("GRPC_SERVER_PORT", String.valueOf(grpcPort))
                .containsEntry("TRIALGRAPH_HTTP_HOST", "0.0.0.0")
                .containsEntry("TRIALGRAPH_HTTP_PORT", String.valueOf(httpPort))
                .containsEntry("TRIALGRAPH_MANAGEMENT_PORT", String.valueOf(managementPort));

        // The URI names the Neo4j Service, which selects the Neo4j pods and offers Bolt.
        URI bolt = URI.create(environment.get("NEO4J_URI"));
        Map<String, Object> neo4jService = object("Service", bolt.getHost());
        Map<String, Object> neo4j = object("StatefulSet", "neo4j");
        assertThat(labels(map(map(map(neo4j, "spec"), "template"), "metadata")))
                .containsAllEntriesOf(map(map(neo4jService, "spec"), "selector"));
        assertThat(servicePorts(neo4jService)).containsEntry("bolt", bolt.getPort());
    }

    @Test
    void neo4jLogsInWithTheSecretsPasswordAndKeepsItsDataOnAClaim() throws IOException {
        Map<String, Object> neo4j = object("StatefulSet", "neo4j");
        Map<String, Object> spec = map(neo4j, "spec");
        assertThat(spec.get("replicas")).isEqualTo(1);
        object("Service", (String) spec.get("serviceName"));
        Map<String, Object> container = container(podSpec(neo4j), "neo4j");
        assertThat(container.get("image")).isEqualTo(neo4jImage());

        Map<String, String> environment = new LinkedHashMap<>();
        for (Object item : list(container, "env")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> variable = (Map<String, Object>) item;
            String value =
                    variable.containsKey("value") ? String.valueOf(variable.get("value")) : secretValue(variable);
            // Kubernetes expands $(NAME) from variables defined before.
            Matcher reference = Pattern.compile("\\$\\(([A-Z0-9_]+)\\)").matcher(value);
            StringBuilder expanded = new StringBuilder();
            while (reference.find()) {
                assertThat(environment)
                        .as("$(" + reference.group(1) + ") defined before use")
                        .containsKey(reference.group(1));
                reference.appendReplacement(expanded, Matcher.quoteReplacement(environment.get(reference.group(1))));
            }
            reference.appendTail(expanded);
            environment.put((String) variable.get("name"), expanded.toString());
        }
        assertThat(environment.get("NEO4J_AUTH"))
                .isEqualTo(secretValue("trialgraph-neo4j", "NEO4J_USERNAME") + "/"
                        + secretValue("trialgraph-neo4j", "NEO4J_PASSWORD"));

        @SuppressWarnings("unchecked")
        String claim = (String)
                map((Map<String, Object>) list(spec, "volumeClaimTemplates").get(0), "metadata")
                        .get("name");
        assertThat(list(container, "volumeMounts"))
                .anySatisfy(mount -> assertThat(mount).isEqualTo(Map.of("name", claim, "mountPath", "/data")));
    }

    @Test
    void servicesSelectPodsAndTargetTheirNamedPorts() throws IOException {
        Map<String, Object> service = object("Service", "trialgraph");
        assertPrometheusAnnotations(map(map(service, "metadata"), "annotations"), managementPort);
        for (Map<String, Object> candidate : objects()) {
            if (!"Service".equals(candidate.get("kind"))) {
                continue;
            }
            Map<String, Object> selector = map(map(candidate, "spec"), "selector");
            Map<String, Object> workload = objects().stream()
                    .filter(object -> List.of("Deployment", "StatefulSet").contains(object.get("kind")))
                    .filter(object -> labels(map(map(map(object, "spec"), "template"), "metadata"))
                            .entrySet()
                            .containsAll(selector.entrySet()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name(candidate) + " selects no pods"));
            Map<String, Integer> containerPorts = new HashMap<>();
            for (Object container : list(podSpec(workload), "containers")) {
                @SuppressWarnings("unchecked")
                Map<String, Integer> named = namedPorts((Map<String, Object>) container);
                containerPorts.putAll(named);
            }
            for (Object item : list(map(candidate, "spec"), "ports")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> port = (Map<String, Object>) item;
                Object target = port.getOrDefault("targetPort", port.get("port"));
                if (target instanceof String name) {
                    assertThat(containerPorts)
                            .as(name(candidate) + " targetPort")
                            .containsKey(name);
                    assertThat(containerPorts.get(name))
                            .as(name(candidate) + " port " + name)
                            .isEqualTo(port.get("port"));
                } else {
                    assertThat(containerPorts)
                            .as(name(candidate) + " targetPort")
                            .containsValue((Integer) target);
                }
            }
        }
    }

    @Test
    void kubernetesCommitsNoSecretAndServesOnlyTlsWithTokensFromTheSecretsTheReadmeCreates() throws IOException {
        assertThat(objects())
                .as("Secrets come from the README's commands, never from a committed placeholder")
                .noneMatch(object -> "Secret".equals(object.get("kind")));
        Map<String, Object> pod = podSpec(object("Deployment", "trialgraph"));
        Map<String, Object> container = container(pod, "trialgraph");
        Map<String, String> environment = new LinkedHashMap<>();
        for (Object source : list(container, "envFrom")) {
            @SuppressWarnings("unchecked")
            String configMap =
                    (String) map((Map<String, Object>) source, "configMapRef").get("name");
            map(object("ConfigMap", configMap), "data")
                    .forEach((key, value) -> environment.put(key, String.valueOf(value)));
        }
        assertThat(environment).containsEntry("TRIALGRAPH_AUTH_ENABLED", "true");

        // Each file the service reads is a key of a Secret volume that a README command creates.
        Map<String, String> secretOfMount = new HashMap<>();
        Map<String, Integer> modeOfSecret = new HashMap<>();
        for (Object item : list(pod, "volumes")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> volume = (Map<String, Object>) item;
            if (volume.containsKey("secret")) {
                Map<String, Object> secret = map(volume, "secret");
                for (Object mount : list(container, "volumeMounts")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> mounted = (Map<String, Object>) mount;
                    if (volume.get("name").equals(mounted.get("name"))) {
                        secretOfMount.put((String) mounted.get("mountPath"), (String) secret.get("secretName"));
                        assertThat(mounted).containsEntry("readOnly", true);
                    }
                }
                modeOfSecret.put((String) secret.get("secretName"), (Integer) secret.get("defaultMode"));
            }
        }
        for (String variable : List.of(
                "TRIALGRAPH_SERVER_TLS_CERT_CHAIN",
                "TRIALGRAPH_SERVER_TLS_PRIVATE_KEY",
                "TRIALGRAPH_AUTH_TOKEN_FILE")) {
            Path file = Path.of(environment.get(variable));
            String secret = secretOfMount.get(file.getParent().toString());
            assertThat(secret)
                    .as(variable + " " + file + " lies in a mounted Secret")
                    .isNotNull();
            secretValue(secret, file.getFileName().toString());
            // Owned by root, readable by the pod's group (fsGroup) and nobody else: the service refuses more.
            assertThat(modeOfSecret.get(secret) & 0007)
                    .as("other users' permissions on " + secret)
                    .isZero();
        }
        assertThat(map(pod, "securityContext")).containsKey("fsGroup");
    }

    @Test
    void networkPolicyLetsOnlyTheServicesPodsReachNeo4jsBolt() throws IOException {
        Map<String, Object> policy = map(object("NetworkPolicy", "neo4j"), "spec");
        Map<String, Object> neo4jPods =
                labels(map(map(map(object("StatefulSet", "neo4j"), "spec"), "template"), "metadata"));
        Map<String, Object> servicePods =
                labels(map(map(map(object("Deployment", "trialgraph"), "spec"), "template"), "metadata"));
        assertThat(neo4jPods).containsAllEntriesOf(map(map(policy, "podSelector"), "matchLabels"));
        assertThat(list(policy, "policyTypes")).containsExactly("Ingress");
        List<Object> rules = list(policy, "ingress");
        assertThat(rules).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> rule = (Map<String, Object>) rules.get(0);
        List<Object> from = list(rule, "from");
        assertThat(from).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> peer = (Map<String, Object>) from.get(0);
        assertThat(peer).containsOnlyKeys("podSelector");
        Map<String, Object> selected = map(map(peer, "podSelector"), "matchLabels");
        assertThat(servicePods).containsAllEntriesOf(selected);
        // Selects the service's pods and no others: the Neo4j pods do not carry these labels.
        assertThat(neo4jPods.entrySet()).doesNotContainAnyElementsOf(selected.entrySet());
        List<Object> ports = list(rule, "ports");
        assertThat(ports).hasSize(1);
        @SuppressWarnings("unchecked")
        Object port = ((Map<String, Object>) ports.get(0)).get("port");
        assertThat(namedPorts(container(podSpec(object("StatefulSet", "neo4j")), "neo4j")))
                .containsEntry(String.valueOf(port), 7687);
    }

    // --- helpers --------------------------------------------------------------------------------

    private static void assertPrometheusAnnotations(Map<String, Object> annotations, int metricsPort) {
        assertThat(annotations)
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", String.valueOf(metricsPort))
                // Micronaut serves the prometheus endpoint at /prometheus (PrometheusMetricsIT GETs it).
                .containsEntry("prometheus.io/path", "/prometheus");
    }

    /** The Neo4j image of the release the service is built against. */
    private static String neo4jImage() {
        return "neo4j:" + pom.property("neo4j.version") + "-community";
    }

    private static String secretValue(Map<String, Object> variable) throws IOException {
        Map<String, Object> reference = map(map(variable, "valueFrom"), "secretKeyRef");
        return secretValue((String) reference.get("name"), (String) reference.get("key"));
    }

    /**
     * A key of a Secret that a command in deploy/README.md creates: its literal value, or
     * {@code <file>} for a key read from a file. No Secret is committed (none would be secret).
     */
    private static String secretValue(String secret, String key) throws IOException {
        Map<String, String> keys = readmeSecrets().get(secret);
        assertThat(keys)
                .as("deploy/README.md has a command that creates the Secret " + secret)
                .isNotNull();
        assertThat(keys)
                .as("keys of the Secret " + secret + " the README creates")
                .containsKey(key);
        return keys.get(key);
    }

    /** The Secrets the {@code kubectl create secret} commands of deploy/README.md create: name to keys to values. */
    private static Map<String, Map<String, String>> readmeSecrets() throws IOException {
        String readme = Files.readString(DEPLOY.resolve("README.md")).replace("\\\n", " ");
        Map<String, Map<String, String>> secrets = new HashMap<>();
        Matcher command = Pattern.compile("kubectl create secret (generic|tls) ([a-z0-9-]+)([^\\n]*)")
                .matcher(readme);
        while (command.find()) {
            Map<String, String> keys = new LinkedHashMap<>();
            if (command.group(1).equals("tls")) {
                keys.put("tls.crt", "<file>");
                keys.put("tls.key", "<file>");
            }
            Matcher option = Pattern.compile("--from-(literal|file)=([A-Za-z0-9_.-]+)=(\\S+)")
                    .matcher(command.group(3));
            while (option.find()) {
                keys.put(option.group(2), option.group(1).equals("literal") ? option.group(3) : "<file>");
            }
            secrets.put(command.group(2), keys);
        }
        return secrets;
    }

    private static List<Integer> containerPorts(List<Object> composePorts) {
        List<Integer> ports = new ArrayList<>();
        for (Object port : composePorts) {
            String text = String.valueOf(port);
            ports.add(Integer.parseInt(text.substring(text.lastIndexOf(':') + 1)));
        }
        return ports;
    }

    private static Map<String, Integer> namedPorts(Map<String, Object> container) {
        Map<String, Integer> ports = new HashMap<>();
        for (Object item : list(container, "ports")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> port = (Map<String, Object>) item;
            ports.put((String) port.get("name"), (Integer) port.get("containerPort"));
        }
        return ports;
    }

    private static Map<String, Integer> servicePorts(Map<String, Object> service) {
        Map<String, Integer> ports = new HashMap<>();
        for (Object item : list(map(service, "spec"), "ports")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> port = (Map<String, Object>) item;
            ports.put((String) port.get("name"), (Integer) port.get("port"));
        }
        return ports;
    }

    private static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(map(map(workload, "spec"), "template"), "spec");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> container(Map<String, Object> pod, String name) {
        return list(pod, "containers").stream()
                .map(item -> (Map<String, Object>) item)
                .filter(container -> name.equals(container.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    private static Map<String, Object> labels(Map<String, Object> metadata) {
        return map(metadata, "labels");
    }

    private static String name(Map<String, Object> object) {
        return object.get("kind") + "/" + map(object, "metadata").get("name");
    }

    private static Map<String, Object> object(String kind, String name) throws IOException {
        return objects().stream()
                .filter(object -> kind.equals(object.get("kind"))
                        && name.equals(map(object, "metadata").get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in deploy/kubernetes"));
    }

    /** Every object of every manifest in deploy/kubernetes (the kustomization aside); each parses. */
    private static List<Map<String, Object>> objects() throws IOException {
        List<Map<String, Object>> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            for (Path file : files.sorted().toList()) {
                if (!file.getFileName().toString().equals("kustomization.yaml")) {
                    for (Map<String, Object> object : yaml(file)) {
                        assertThat(object)
                                .as(file + ": a Kubernetes object")
                                .containsKeys("apiVersion", "kind", "metadata");
                        objects.add(object);
                    }
                }
            }
        }
        return objects;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> yaml(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(Files.readString(file))) {
            if (document != null) {
                documents.add((Map<String, Object>) document);
            }
        }
        assertThat(documents).as(file + " has documents").isNotEmpty();
        return documents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(List.class);
        return (List<Object>) value;
    }
}
