package io.trialgraph.service.mlflow;

import io.trialgraph.domain.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Page tokens of MLflow's searches: how many results came before (MLflow orders by any metric,
 * parameter or tag, so a page starts at an offset of that order, as in MLflow's own stores). A
 * metric's history pages by step instead ({@link #encodeStep}): the next page reads from that
 * step on, not the whole series again.
 */
final class OffsetToken {

    private static final String PREFIX = "mlflow-offset:";
    private static final String STEP_PREFIX = "mlflow-step:";

    /** Where a history page starts: at {@code step}, after the first {@code skip} points of that step. */
    record StepPosition(long step, int skip) {}

    private OffsetToken() {}

    static String encode(int offset) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** @return the offset; 0 for an empty token */
    static int decode(String field, String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith(PREFIX)) {
                int offset = Integer.parseInt(decoded.substring(PREFIX.length()));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException notOurs) {
            // reported below
        }
        throw new InvalidArgumentException(field, "is not a next_page_token this search returned");
    }

    static String encodeStep(StepPosition position) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        (STEP_PREFIX + position.step() + ":" + position.skip()).getBytes(StandardCharsets.UTF_8));
    }

    /** @return the position; step 0, skip 0 for an empty token */
    static StepPosition decodeStep(String field, String token) {
        if (token == null || token.isEmpty()) {
            return new StepPosition(0, 0);
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith(STEP_PREFIX)) {
                String[] parts = decoded.substring(STEP_PREFIX.length()).split(":");
                if (parts.length == 2) {
                    StepPosition position = new StepPosition(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
                    if (position.step() >= 0 && position.skip() >= 0) {
                        return position;
                    }
                }
            }
        } catch (IllegalArgumentException notOurs) {
            // reported below
        }
        throw new InvalidArgumentException(field, "is not a next_page_token this history returned");
    }
}
