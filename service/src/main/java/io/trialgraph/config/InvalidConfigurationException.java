package io.trialgraph.config;

/**
 * The service cannot start with the configuration it was given. The message names the setting
 * (and its environment variable) and says what is wrong, in one line fit for a log.
 */
public class InvalidConfigurationException extends RuntimeException {

    public InvalidConfigurationException(String message) {
        super(message);
    }

    public InvalidConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
