package io.trialgraph.service;

import io.trialgraph.domain.Artifact;
import io.trialgraph.domain.ArtifactKind;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.Page;
import io.trialgraph.domain.Rules;
import io.trialgraph.domain.Updates.ArtifactKey;
import io.trialgraph.domain.Updates.ArtifactUpdate;
import io.trialgraph.store.ArtifactStore;
import jakarta.inject.Singleton;

/** The rules of artifacts. */
@Singleton
public class ArtifactService {

    private final ArtifactStore store;

    ArtifactService(ArtifactStore store) {
        this.store = store;
    }

    /** Checks an artifact description, as given on its own or in a component's link. */
    static void validate(String field, Artifact artifact) {
        Rules.uri(field + ".uri", artifact.uri());
        Rules.text(field + ".name", artifact.name(), Rules.DISPLAY_NAME_MAX);
        Rules.text(field + ".digest", artifact.digest(), Rules.DIGEST_MAX);
        Rules.text(field + ".media_type", artifact.mediaType(), Rules.DISPLAY_NAME_MAX);
        if (artifact.sizeBytes() < 0) {
            throw new InvalidArgumentException(field + ".size_bytes", "must not be negative, is " + artifact.sizeBytes());
        }
        Rules.stringMap(field + ".metadata", artifact.metadata());
    }

    public Artifact create(Artifact artifact) {
        validate("artifact", artifact);
        return store.create(artifact);
    }

    public Artifact get(ArtifactKey key) {
        validate(key);
        return store.find(key).orElseThrow(() -> new NotFoundException("artifact", key.describe()));
    }

    public Page<Artifact> list(ArtifactKind kind, String uriPrefix, int pageSize, String pageToken) {
        Rules.text("uri_prefix", uriPrefix, Rules.URI_MAX);
        Paging paging = Paging.of(pageSize, pageToken);
        return paging.page(store.list(kind, uriPrefix, paging.after(), paging.fetchSize()), Artifact::uri);
    }

    public Artifact update(ArtifactUpdate update) {
        validate(update.key());
        update.name().ifPresent(value -> Rules.text("name", value, Rules.DISPLAY_NAME_MAX));
        update.digest().ifPresent(value -> Rules.text("digest", value, Rules.DIGEST_MAX));
        update.mediaType().ifPresent(value -> Rules.text("media_type", value, Rules.DISPLAY_NAME_MAX));
        update.sizeBytes().ifPresent(value -> {
            if (value < 0) {
                throw new InvalidArgumentException("size_bytes", "must not be negative, is " + value);
            }
        });
        Rules.stringMap("set_metadata", update.setMetadata());
        Rules.keys("remove_metadata", update.removeMetadata());
        return store.update(update).orElseThrow(() -> new NotFoundException("artifact", update.key().describe()));
    }

    /** @return how many lineage edges were removed with it */
    public long delete(ArtifactKey key, boolean cascade) {
        validate(key);
        return store.delete(key, cascade).orElseThrow(() -> new NotFoundException("artifact", key.describe()));
    }

    private static void validate(ArtifactKey key) {
        if (key == null || (key.uri() == null && key.id() == null)) {
            throw new InvalidArgumentException("key", "needs a uri or an id");
        }
        if (key.uri() != null) {
            Rules.uri("key.uri", key.uri());
        } else if (key.id().isEmpty() || key.id().length() > 64) {
            throw new InvalidArgumentException("key.id", "must be 1-64 characters");
        }
    }
}
