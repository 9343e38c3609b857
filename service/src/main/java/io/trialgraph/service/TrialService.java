package io.trialgraph.service;

import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.Page;
import io.trialgraph.domain.Rules;
import io.trialgraph.domain.Trial;
import io.trialgraph.domain.Updates.Deleted;
import io.trialgraph.domain.Updates.TrialUpdate;
import io.trialgraph.store.TrialStore;
import jakarta.inject.Singleton;

/** The rules of trials. */
@Singleton
public class TrialService {

    private final TrialStore store;

    TrialService(TrialStore store) {
        this.store = store;
    }

    public Trial create(Trial trial) {
        Rules.name("trial.name", trial.name());
        Rules.name("trial.experiment_name", trial.experimentName());
        Rules.text("trial.display_name", trial.displayName(), Rules.DISPLAY_NAME_MAX);
        Rules.stringMap("trial.tags", trial.tags());
        return store.create(trial);
    }

    public Trial get(String name) {
        Rules.name("name", name);
        return store.find(name).orElseThrow(() -> new NotFoundException("trial", name));
    }

    public Page<Trial> list(String experimentName, int pageSize, String pageToken) {
        if (!experimentName.isEmpty()) {
            Rules.name("experiment_name", experimentName);
        }
        Paging paging = Paging.of(pageSize, pageToken);
        return paging.page(store.list(experimentName, paging.after(), paging.fetchSize()), Trial::name);
    }

    public Trial update(TrialUpdate update) {
        Rules.name("name", update.name());
        update.displayName().ifPresent(value -> Rules.text("display_name", value, Rules.DISPLAY_NAME_MAX));
        Rules.stringMap("set_tags", update.setTags());
        Rules.keys("remove_tags", update.removeTags());
        return store.update(update).orElseThrow(() -> new NotFoundException("trial", update.name()));
    }

    public Deleted delete(String name, boolean cascade) {
        Rules.name("name", name);
        return store.delete(name, cascade).orElseThrow(() -> new NotFoundException("trial", name));
    }
}
