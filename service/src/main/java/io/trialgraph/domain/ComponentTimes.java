package io.trialgraph.domain;

import java.time.Instant;

/**
 * The start and end time of a component after a status change, by the documented rules: a
 * final status without an end time ends it now; IN_PROGRESS without any start time starts it
 * now; the end never precedes the start.
 *
 * @param start null when it has none
 * @param end null when it has none
 */
public record ComponentTimes(Instant start, Instant end) {

    /**
     * @param storedStart the start time stored so far (null if none)
     * @param storedEnd the end time stored so far (null if none)
     * @param status the new status, null when unchanged
     * @param newStart the start time the request sets, null when unchanged
     * @param newEnd the end time the request sets, null when unchanged
     * @param field the request message holding the times (empty when they are top-level fields)
     * @throws InvalidArgumentException when the end would precede the start
     */
    public static ComponentTimes resolve(Instant storedStart, Instant storedEnd, ComponentStatus status,
            Instant newStart, Instant newEnd, Instant now, String field) {
        Instant start = newStart != null ? newStart : storedStart;
        Instant end = newEnd != null ? newEnd : storedEnd;
        if (status == ComponentStatus.IN_PROGRESS && start == null) {
            start = now;
        }
        if (status != null && status.isFinal() && newEnd == null) {
            end = now;
        }
        if (start != null && end != null && end.isBefore(start)) {
            throw new InvalidArgumentException(field.isEmpty() ? "end_time" : field + ".end_time", "must not be before the start time (" + start + "), is " + end);
        }
        return new ComponentTimes(start, end);
    }
}
