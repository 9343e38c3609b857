package io.trialgraph.deploy;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;

/**
 * What the deployment files must agree with, read from the project itself: the settings the
 * service reads (its {@code @ConfigurationProperties} classes, application.yml, logback.xml) as
 * environment variables, their defaults, and the container image the pom's Jib profile builds.
 */
final class ProjectSettings {

    private static final Pattern LOGBACK_VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+):-");

    private ProjectSettings() {}

    /** The environment variable Micronaut maps onto a property: dots and dashes become underscores. */
    static String environmentVariable(String property) {
        return property.toUpperCase().replace('.', '_').replace('-', '_');
    }

    /** Every environment variable the service reads, derived from its configuration sources. */
    static Set<String> environmentVariables() {
        Set<String> names = new TreeSet<>();
        configurationProperties().forEach(property -> names.add(environmentVariable(property)));
        applicationYaml().keySet().forEach(property -> names.add(environmentVariable(property)));
        Matcher logback = LOGBACK_VARIABLE.matcher(resource("logback.xml"));
        while (logback.find()) {
            names.add(logback.group(1));
        }
        return names;
    }

    /** The properties of the {@code @ConfigurationProperties} classes of io.trialgraph.config. */
    static Set<String> configurationProperties() {
        Set<String> properties = new TreeSet<>();
        for (Class<?> type : configurationClasses()) {
            String prefix = type.getAnnotation(ConfigurationProperties.class).value();
            for (Method method : type.getMethods()) {
                if (method.getName().startsWith("set")
                        && method.getParameterCount() == 1
                        && Modifier.isPublic(method.getModifiers())) {
                    properties.add(prefix + "." + kebab(method.getName().substring(3)));
                }
            }
        }
        return properties;
    }

    private static Set<Class<?>> configurationClasses() {
        // The main classes' folder, not the first on the class path: test classes share the package.
        URL mainClasses = io.trialgraph.config.AnalyticsConfiguration.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation();
        Set<Class<?>> classes = new java.util.HashSet<>();
        try (Stream<Path> files = Files.list(Path.of(mainClasses.toURI()).resolve("io/trialgraph/config"))) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    Class<?> type = Class.forName("io.trialgraph.config." + name.substring(0, name.length() - 6));
                    if (type.isAnnotationPresent(ConfigurationProperties.class)) {
                        classes.add(type);
                    }
                }
            }
        } catch (IOException | URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot list io.trialgraph.config", e);
        }
        if (classes.isEmpty()) {
            throw new IllegalStateException("no @ConfigurationProperties class found in io.trialgraph.config");
        }
        return classes;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    /** application.yml flattened: property name to default value (as text). */
    static Map<String, String> applicationYaml() {
        Map<String, Object> tree = new Yaml().load(resource("application.yml"));
        Map<String, String> flat = new HashMap<>();
        flatten("", tree, flat);
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> tree, Map<String, String> flat) {
        tree.forEach((key, value) -> {
            String name = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map) {
                flatten(name, (Map<String, Object>) value, flat);
            } else {
                flat.put(name, String.valueOf(value));
            }
        });
    }

    /** The default of a property in application.yml; fails when there is none. */
    static String defaultOf(String property) {
        String value = applicationYaml().get(property);
        if (value == null) {
            throw new IllegalStateException(property + " has no default in application.yml");
        }
        return value;
    }

    private static String resource(String name) {
        try (InputStream in = ProjectSettings.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The service module's pom: its properties (and the parent's), and the Jib configuration of its image profile. */
    static final class Pom {

        private final Map<String, String> properties = new HashMap<>();
        private final Element jib;

        Pom(Path servicePom, Path parentPom) {
            Document service = parse(servicePom);
            Document parent = parse(parentPom);
            properties.putAll(properties(parent));
            properties.putAll(properties(service));
            properties.put("project.version", text(child(parent.getDocumentElement(), "version")));
            properties.put("project.description", text(child(service.getDocumentElement(), "description")));
            Element found = null;
            NodeList profiles = service.getElementsByTagName("profile");
            for (int i = 0; i < profiles.getLength(); i++) {
                Element profile = (Element) profiles.item(i);
                if ("image".equals(text(child(profile, "id")))) {
                    NodeList plugins = profile.getElementsByTagName("plugin");
                    for (int j = 0; j < plugins.getLength(); j++) {
                        Element plugin = (Element) plugins.item(j);
                        if ("jib-maven-plugin".equals(text(child(plugin, "artifactId")))) {
                            found = child(plugin, "configuration");
                        }
                    }
                }
            }
            if (found == null) {
                throw new IllegalStateException(
                        "no jib-maven-plugin configuration in the image profile of " + servicePom);
            }
            this.jib = found;
        }

        /** A property of the poms. */
        String property(String name) {
            return properties.get(name);
        }

        /** The text at a path of elements under Jib's configuration, ${...} resolved; null when absent. */
        String jib(String... path) {
            Element element = jib;
            for (String name : path) {
                element = element == null ? null : child(element, name);
            }
            return element == null ? null : resolve(text(element));
        }

        /** The texts of the children of an element under Jib's configuration, ${...} resolved. */
        java.util.List<String> jibList(String... path) {
            Element element = jib;
            for (String name : path) {
                element = element == null ? null : child(element, name);
            }
            java.util.List<String> values = new java.util.ArrayList<>();
            if (element != null) {
                for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
                    if (node instanceof Element item) {
                        values.add(resolve(text(item)));
                    }
                }
            }
            return values;
        }

        /** The environment Jib gives the container. */
        Map<String, String> jibEnvironment() {
            Map<String, String> environment = new HashMap<>();
            Element element = child(child(jib, "container"), "environment");
            for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element variable) {
                    environment.put(variable.getTagName(), resolve(text(variable)));
                }
            }
            return environment;
        }

        /** The image the profile builds, e.g. {@code trialgraph/trialgraph-service:0.1.0-SNAPSHOT}. */
        String image() {
            return jib("to", "image");
        }

        String resolve(String value) {
            Matcher reference = Pattern.compile("\\$\\{([^}]+)}").matcher(value);
            StringBuilder resolved = new StringBuilder();
            while (reference.find()) {
                String replacement = properties.get(reference.group(1));
                if (replacement == null) {
                    throw new IllegalStateException(
                            "unknown property ${" + reference.group(1) + "} in the Jib configuration");
                }
                reference.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
            }
            reference.appendTail(resolved);
            return resolved.toString();
        }

        private static Map<String, String> properties(Document pom) {
            Map<String, String> properties = new HashMap<>();
            Element element = child(pom.getDocumentElement(), "properties");
            for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element property) {
                    properties.put(property.getTagName(), text(property));
                }
            }
            return properties;
        }

        private static Element child(Element parent, String name) {
            for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element element && element.getTagName().equals(name)) {
                    return element;
                }
            }
            return null;
        }

        private static String text(Element element) {
            return element == null ? null : element.getTextContent().strip();
        }

        private static Document parse(Path pom) {
            try {
                return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
            } catch (Exception e) {
                throw new IllegalStateException("cannot read " + pom, e);
            }
        }
    }
}
