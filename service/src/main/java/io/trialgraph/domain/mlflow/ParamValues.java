package io.trialgraph.domain.mlflow;

/**
 * MLflow parameters are strings; trialgraph keeps parameters typed, so that analytics compare
 * {@code params.epochs = 60} as a number. A string becomes a number or a boolean only when that
 * value is written back as exactly the same string, so an MLflow client always reads back what
 * it logged: {@code "60"} is stored as 60, {@code "0.001"} as 0.001, {@code "60.0"} as 60.0,
 * {@code "True"} as true, while {@code "1e-05"}, {@code "007"}, {@code "true"}... stay strings
 * because the typed value would not print the same.
 */
public final class ParamValues {

    private ParamValues() {}

    /** @return the value as a Long, Double, Boolean or, when no type prints back the same, the String itself */
    public static Object typed(String text) {
        if (text.equals("True")) {
            return Boolean.TRUE;
        }
        if (text.equals("False")) {
            return Boolean.FALSE;
        }
        if (text.isEmpty() || text.length() > 25 || !looksNumeric(text)) {
            return text;
        }
        try {
            long whole = Long.parseLong(text);
            return Long.toString(whole).equals(text) ? (Object) whole : text;
        } catch (NumberFormatException notWhole) {
            // maybe a decimal
        }
        try {
            double decimal = Double.parseDouble(text);
            return Double.isFinite(decimal) && Double.toString(decimal).equals(text) ? (Object) decimal : text;
        } catch (NumberFormatException notDecimal) {
            return text;
        }
    }

    /** @return the string an MLflow client reads for a stored parameter value */
    public static String text(Object value) {
        if (value instanceof Boolean bool) {
            return bool ? "True" : "False";
        }
        return String.valueOf(value);
    }

    private static boolean looksNumeric(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '-' && c != '.' && c != 'E') {
                return false;
            }
        }
        return true;
    }
}
