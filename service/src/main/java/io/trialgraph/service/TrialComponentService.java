package io.trialgraph.service;

import io.trialgraph.domain.ArtifactKind;
import io.trialgraph.domain.ArtifactLink;
import io.trialgraph.domain.ComponentStatus;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.Page;
import io.trialgraph.domain.Rules;
import io.trialgraph.domain.TrialComponent;
import io.trialgraph.domain.Updates.ComponentUpdate;
import io.trialgraph.domain.Updates.Deleted;
import io.trialgraph.store.TrialComponentStore;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The rules of trial components, their parameters, associations and artifact links. */
@Singleton
public class TrialComponentService {

    private final TrialComponentStore store;

    TrialComponentService(TrialComponentStore store) {
        this.store = store;
    }

    public TrialComponent create(TrialComponent component) {
        String field = "trial_component";
        Rules.name(field + ".name", component.name());
        Rules.text(field + ".display_name", component.displayName(), Rules.DISPLAY_NAME_MAX);
        Rules.kind(field + ".kind", component.kind());
        Rules.text(field + ".status_message", component.statusMessage(), Rules.STATUS_MESSAGE_MAX);
        Rules.parameters(field + ".parameters", component.parameters());
        Rules.stringMap(field + ".metadata", component.metadata());
        validateLinks(field, component.inputs(), component.outputs());
        for (int i = 0; i < component.trialNames().size(); i++) {
            Rules.name(field + ".trial_names[" + i + "]", component.trialNames().get(i));
        }
        return store.create(component);
    }

    public TrialComponent get(String name) {
        Rules.name("name", name);
        return store.find(name).orElseThrow(() -> new NotFoundException("trial component", name));
    }

    public Page<TrialComponent> list(String trialName, String experimentName, String kind, ComponentStatus status,
            int pageSize, String pageToken) {
        if (!trialName.isEmpty()) {
            Rules.name("trial_name", trialName);
        }
        if (!experimentName.isEmpty()) {
            Rules.name("experiment_name", experimentName);
        }
        Rules.kind("kind", kind);
        Paging paging = Paging.of(pageSize, pageToken);
        return paging.page(store.list(trialName, experimentName, kind, status, paging.after(), paging.fetchSize()),
                TrialComponent::name);
    }

    public TrialComponent update(ComponentUpdate update) {
        Rules.name("name", update.name());
        update.displayName().ifPresent(value -> Rules.text("display_name", value, Rules.DISPLAY_NAME_MAX));
        update.statusMessage().ifPresent(value -> Rules.text("status_message", value, Rules.STATUS_MESSAGE_MAX));
        Rules.stringMap("set_metadata", update.setMetadata());
        Rules.keys("remove_metadata", update.removeMetadata());
        return store.update(update).orElseThrow(() -> new NotFoundException("trial component", update.name()));
    }

    public Deleted delete(String name) {
        Rules.name("name", name);
        return store.delete(name).orElseThrow(() -> new NotFoundException("trial component", name));
    }

    public Map<String, Object> logParameters(String name, Map<String, Object> parameters, Collection<String> removals) {
        Rules.name("trial_component_name", name);
        Rules.parameters("parameters", parameters);
        Rules.keys("remove_parameters", removals);
        return store.logParameters(name, parameters, removals)
                .orElseThrow(() -> new NotFoundException("trial component", name));
    }

    /** @return true when the association is new */
    public boolean associate(String componentName, String trialName) {
        Rules.name("trial_component_name", componentName);
        Rules.name("trial_name", trialName);
        return store.associate(componentName, trialName);
    }

    /** @return true when an association was removed */
    public boolean disassociate(String componentName, String trialName) {
        Rules.name("trial_component_name", componentName);
        Rules.name("trial_name", trialName);
        return store.disassociate(componentName, trialName);
    }

    public TrialComponent link(String componentName, List<ArtifactLink> inputs, List<ArtifactLink> outputs) {
        Rules.name("trial_component_name", componentName);
        validateLinks("", inputs, outputs);
        return store.link(componentName, inputs, outputs);
    }

    /** @return how many links were removed */
    public long unlink(String componentName, List<ArtifactLink> inputs, List<ArtifactLink> outputs) {
        Rules.name("trial_component_name", componentName);
        validateLinkKeys("inputs", inputs);
        validateLinkKeys("outputs", outputs);
        return store.unlink(componentName, inputs, outputs);
    }

    /** Each link is valid, and links of one request agree on the kind of each URI. */
    private static void validateLinks(String prefix, List<ArtifactLink> inputs, List<ArtifactLink> outputs) {
        String at = prefix.isEmpty() ? "" : prefix + ".";
        Map<String, ArtifactKind> kinds = new HashMap<>();
        validateLinks(at + "inputs", inputs, kinds);
        validateLinks(at + "outputs", outputs, kinds);
    }

    private static void validateLinks(String field, List<ArtifactLink> links, Map<String, ArtifactKind> kinds) {
        if (links.size() > Rules.MAX_ENTRIES) {
            throw new InvalidArgumentException(field, "must have at most " + Rules.MAX_ENTRIES + " links, has " + links.size());
        }
        for (int i = 0; i < links.size(); i++) {
            ArtifactLink link = links.get(i);
            String at = field + "[" + i + "]";
            if (!link.name().isEmpty()) {
                Rules.key(at + ".name", link.name());
            }
            ArtifactService.validate(at + ".artifact", link.artifact());
            ArtifactKind kind = link.artifact().kind();
            if (kind != null) {
                ArtifactKind earlier = kinds.putIfAbsent(link.artifact().uri(), kind);
                if (earlier != null && earlier != kind) {
                    throw new InvalidArgumentException(at + ".artifact.kind", "contradicts an earlier link of the same URI ("
                            + earlier.graphValue() + " vs " + kind.graphValue() + ")");
                }
            }
        }
    }

    private static void validateLinkKeys(String field, List<ArtifactLink> links) {
        for (int i = 0; i < links.size(); i++) {
            ArtifactLink link = links.get(i);
            if (!link.name().isEmpty()) {
                Rules.key(field + "[" + i + "].name", link.name());
            }
            Rules.uri(field + "[" + i + "].artifact.uri", link.artifact().uri());
        }
    }
}
