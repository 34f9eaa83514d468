package dev.perennial.api.report;

import java.util.Locale;

/** Escaping and number formatting for the HTML reports (the run report and the sweep comparison report). */
public final class HtmlText {
    private HtmlText() {}

    /**
     * Text safe inside an element or a double-quoted attribute.
     *
     * @param text any text, null as empty
     * @return the escaped text
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * A score or loss with three decimals; {@code n/a} for NaN and infinities.
     *
     * @param v the value
     * @return the text
     */
    public static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "n/a";
    }

    /**
     * Seconds as {@code 12.3 s} or {@code 4 min 05 s}.
     *
     * @param seconds the duration
     * @return the text
     */
    public static String seconds(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "n/a";
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        return s < 3600 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60)
                : String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
