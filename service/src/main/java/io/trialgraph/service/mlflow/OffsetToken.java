package io.trialgraph.service.mlflow;

import io.trialgraph.domain.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Page tokens of MLflow's searches: how many results came before (MLflow orders by any metric,
 * parameter or tag, so a page starts at an offset of that order, as in MLflow's own stores).
 */
final class OffsetToken {

    private static final String PREFIX = "mlflow-offset:";

    private OffsetToken() {
    }

    static String encode(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + offset).getBytes(StandardCharsets.UTF_8));
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
}
