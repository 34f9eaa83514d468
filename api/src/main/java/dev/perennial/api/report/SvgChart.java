package dev.perennial.api.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A two-axis SVG chart (line series, bars, markers) written as text, so the report needs no script and no
 * network. Coordinates are data values; the chart maps them to pixels inside fixed margins. Public for the
 * reports beside the run report (the sweep comparison report), which draw in the same style.
 */
public final class SvgChart {
    /**
     * One named series of points; a {@code NaN} y breaks the line.
     *
     * @param label the name, shown on hover
     * @param color the stroke
     * @param xs the x values
     * @param ys the y values
     */
    public record Series(String label, String color, double[] xs, double[] ys) {}

    /**
     * An axis tick: where (in data units) and what it says.
     *
     * @param at the position, in data units
     * @param label the text
     */
    public record Tick(double at, String label) {}

    private static final int LEFT = 56;
    private static final int RIGHT = 16;
    private static final int TOP = 14;
    private static final int BOTTOM = 44;

    private final int width;
    private final int height;
    private final double x0;
    private final double x1;
    private final double y0;
    private final double y1;
    private final StringBuilder body = new StringBuilder();

    /**
     * A chart of the given pixel size over the given data ranges.
     *
     * @param width pixels
     * @param height pixels
     * @param x0 the data x at the left edge
     * @param x1 the data x at the right edge
     * @param y0 the data y at the bottom
     * @param y1 the data y at the top
     */
    public SvgChart(int width, int height, double x0, double x1, double y0, double y1) {
        this.width = width;
        this.height = height;
        this.x0 = x0;
        this.x1 = x1 == x0 ? x0 + 1 : x1;
        this.y0 = y0;
        this.y1 = y1 == y0 ? y0 + 1 : y1;
    }

    /**
     * The pixel x of a data x.
     *
     * @param x data units
     * @return pixels
     */
    public double px(double x) {
        return LEFT + (x - x0) / (x1 - x0) * (width - LEFT - RIGHT);
    }

    /**
     * The pixel y of a data y.
     *
     * @param y data units
     * @return pixels
     */
    public double py(double y) {
        return height - BOTTOM - (y - y0) / (y1 - y0) * (height - TOP - BOTTOM);
    }

    /**
     * Axes with grid lines, tick labels and axis titles.
     *
     * @param xTicks the x ticks
     * @param yTicks the y ticks
     * @param xTitle the x axis's title
     * @param yTitle the y axis's title
     * @return this chart
     */
    public SvgChart axes(List<Tick> xTicks, List<Tick> yTicks, String xTitle, String yTitle) {
        for (Tick t : yTicks) {
            double y = py(t.at());
            body.append(String.format(Locale.ROOT,
                    "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                            + "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT, y, width - RIGHT, y, LEFT - 6, y + 4, HtmlText.escape(t.label())));
        }
        for (Tick t : xTicks) {
            double x = px(t.at());
            body.append(String.format(Locale.ROOT,
                    "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                            + "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x, TOP, x, height - BOTTOM, x, height - BOTTOM + 16, HtmlText.escape(t.label())));
        }
        body.append(String.format(Locale.ROOT,
                "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                        + "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>%n",
                LEFT, height - BOTTOM, width - RIGHT, height - BOTTOM, LEFT, TOP, LEFT, height - BOTTOM));
        body.append(String.format(Locale.ROOT,
                "<text class=\"axis-title\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                (LEFT + width - RIGHT) / 2.0, height - 6, HtmlText.escape(xTitle)));
        body.append(String.format(Locale.ROOT,
                "<text class=\"axis-title\" transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\">%s"
                        + "</text>%n", (TOP + height - BOTTOM) / 2.0, HtmlText.escape(yTitle)));
        return this;
    }

    /**
     * A dashed vertical line, e.g. a task boundary.
     *
     * @param x where, in data units
     * @param title the hover text
     * @return this chart
     */
    public SvgChart vertical(double x, String title) {
        body.append(String.format(Locale.ROOT,
                "<line class=\"boundary\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"><title>%s</title></line>%n",
                px(x), TOP, px(x), height - BOTTOM, HtmlText.escape(title)));
        return this;
    }

    /**
     * One {@code <path>} for the series (segments split at {@code NaN}s), optionally with a marker per point.
     *
     * @param cssClass the path's class, which tests count
     * @param s the series
     * @param markers whether to draw a circle per point (a one-point series is visible only with markers)
     * @return this chart
     */
    public SvgChart line(String cssClass, Series s, boolean markers) {
        StringBuilder d = new StringBuilder();
        boolean pen = false;
        for (int i = 0; i < s.xs().length; i++) {
            double y = s.ys()[i];
            if (!Double.isFinite(y)) {
                pen = false;
                continue;
            }
            d.append(String.format(Locale.ROOT, "%s%.1f %.1f ", pen ? "L" : "M", px(s.xs()[i]), py(y)));
            pen = true;
        }
        body.append(String.format(Locale.ROOT,
                "<path class=\"%s\" d=\"%s\" stroke=\"%s\" data-series=\"%s\"><title>%s</title></path>%n", cssClass,
                d.toString().trim(), s.color(), HtmlText.escape(s.label()), HtmlText.escape(s.label())));
        if (markers) {
            for (int i = 0; i < s.xs().length; i++) {
                double y = s.ys()[i];
                if (Double.isFinite(y)) {
                    body.append(String.format(Locale.ROOT,
                            "<circle class=\"marker\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s: %s"
                                    + "</title></circle>%n", px(s.xs()[i]), py(y), s.color(),
                            HtmlText.escape(s.label()), HtmlText.number(y)));
                }
            }
        }
        return this;
    }

    /**
     * A bar from 0 to {@code value} centred on {@code x}.
     *
     * @param cssClass the bar's class, which tests count
     * @param x the centre, in data units
     * @param halfWidth half the bar's width, in data units
     * @param value the bar's height, negative bars go down
     * @param color the fill
     * @param label the text above the bar
     * @param title the hover text
     * @return this chart
     */
    public SvgChart bar(String cssClass, double x, double halfWidth, double value, String color, String label,
                 String title) {
        double top = py(Math.max(0, value));
        double bottom = py(Math.min(0, value));
        body.append(String.format(Locale.ROOT,
                "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title>"
                        + "</rect>%n", cssClass, px(x - halfWidth), top, px(x + halfWidth) - px(x - halfWidth),
                Math.max(0.5, bottom - top), color, HtmlText.escape(title)));
        body.append(String.format(Locale.ROOT, "<text class=\"bar-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                + "%s</text>%n", px(x), value >= 0 ? top - 4 : bottom + 12, HtmlText.escape(label)));
        return this;
    }

    /**
     * The finished {@code <svg>} element.
     *
     * @param cssClass the element's class, which tests count
     * @param label its accessible name
     * @return the element's text
     */
    public String svg(String cssClass, String label) {
        return String.format(Locale.ROOT,
                "<svg class=\"%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">%n"
                        + "%s</svg>%n", cssClass, width, height, width, height, HtmlText.escape(label), body);
    }

    /**
     * About {@code count} round tick values covering {@code [lo, hi]} (1, 2 or 5 times a power of ten apart).
     *
     * @param lo the low end
     * @param hi the high end
     * @param count the wanted number of intervals
     * @return the ticks, labelled with as few decimals as the step needs
     */
    public static List<Tick> niceTicks(double lo, double hi, int count) {
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        double raw = (hi - lo) / Math.max(1, count);
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = power * (raw / power < 1.5 ? 1 : raw / power < 3.5 ? 2 : raw / power < 7.5 ? 5 : 10);
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        List<Tick> ticks = new ArrayList<>();
        for (double v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
            double rounded = Math.abs(v) < step * 1e-9 ? 0 : v;
            ticks.add(new Tick(rounded, String.format(Locale.ROOT, "%." + decimals + "f", rounded)));
        }
        return ticks;
    }
}
