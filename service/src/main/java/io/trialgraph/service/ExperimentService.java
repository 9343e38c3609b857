package io.trialgraph.service;

import io.trialgraph.domain.Experiment;
import io.trialgraph.domain.ExperimentActivity;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.Page;
import io.trialgraph.domain.Rules;
import io.trialgraph.domain.Updates.Deleted;
import io.trialgraph.domain.Updates.ExperimentUpdate;
import io.trialgraph.store.ExperimentStore;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/** The rules of experiments: what a valid one is, what may change, what a delete takes along. */
@Singleton
public class ExperimentService {

    private final ExperimentStore store;

    ExperimentService(ExperimentStore store) {
        this.store = store;
    }

    public Experiment create(Experiment experiment) {
        Rules.name("experiment.name", experiment.name());
        Rules.text("experiment.display_name", experiment.displayName(), Rules.DISPLAY_NAME_MAX);
        Rules.text("experiment.description", experiment.description(), Rules.DESCRIPTION_MAX);
        Rules.stringMap("experiment.tags", experiment.tags());
        return store.create(experiment);
    }

    public Experiment get(String name) {
        Rules.name("name", name);
        return store.find(name).orElseThrow(() -> new NotFoundException("experiment", name));
    }

    public Page<Experiment> list(String namePrefix, Map<String, String> tags, int pageSize, String pageToken) {
        Rules.text("name_prefix", namePrefix, Rules.NAME_MAX);
        Rules.stringMap("tags", tags);
        Paging paging = Paging.of(pageSize, pageToken);
        return paging.page(store.list(namePrefix, tags, paging.after(), paging.fetchSize()), Experiment::name);
    }

    /** Counts of components, jobs and running jobs and the last activity of up to a page of experiments. */
    public List<ExperimentActivity> activity(List<String> names) {
        if (names.size() > Paging.MAX_PAGE_SIZE) {
            throw new InvalidArgumentException(
                    "names", "at most " + Paging.MAX_PAGE_SIZE + " experiments at once, has " + names.size());
        }
        for (int i = 0; i < names.size(); i++) {
            Rules.name("names[" + i + "]", names.get(i));
        }
        return store.activity(names);
    }

    public Experiment update(ExperimentUpdate update) {
        Rules.name("name", update.name());
        update.displayName().ifPresent(value -> Rules.text("display_name", value, Rules.DISPLAY_NAME_MAX));
        update.description().ifPresent(value -> Rules.text("description", value, Rules.DESCRIPTION_MAX));
        Rules.stringMap("set_tags", update.setTags());
        Rules.keys("remove_tags", update.removeTags());
        return store.update(update).orElseThrow(() -> new NotFoundException("experiment", update.name()));
    }

    public Deleted delete(String name, boolean cascade) {
        Rules.name("name", name);
        return store.delete(name, cascade).orElseThrow(() -> new NotFoundException("experiment", name));
    }
}
