package dev.perennial.slerpface;

/**
 * Spherical linear interpolation of one template group toward its key group (spec §1.3, official
 * {@code group_slerp}):
 * <pre>
 * θ = arccos(clip(t̂·k̂, −1, 1))
 * p = sin((1 − α)θ)/sin θ · t̂  +  sin(αθ)/sin θ · k̂
 * </pre>
 * so α = 0 gives t̂, α = 1 gives k̂, ‖p‖ = 1 and angle(t̂, p) = αθ. Plain {@code double} arithmetic: at
 * 49×16 values per template this is cheaper than a native call and exactly reproducible.
 */
public final class GroupSlerp {

    private GroupSlerp() {}

    /**
     * {@code v / ‖v‖₂}; a zero vector stays zero (it has no direction to keep).
     *
     * @param v the vector
     * @return a unit vector, or zeros
     */
    public static double[] normalize(double[] v) {
        double n = norm(v);
        double[] out = new double[v.length];
        if (n == 0) {
            return out;
        }
        for (int j = 0; j < v.length; j++) {
            out[j] = v[j] / n;
        }
        return out;
    }

    /**
     * The Euclidean norm.
     *
     * @param v the vector
     * @return ‖v‖₂
     */
    public static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /**
     * The dot product.
     *
     * @param a one vector
     * @param b another of the same length
     * @return a·b
     */
    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    /**
     * The angle between two vectors, {@code arccos(clip(â·b̂, −1, 1))}.
     *
     * @param a one vector
     * @param b another
     * @return the angle in radians, in [0, π]
     */
    public static double angle(double[] a, double[] b) {
        return Math.acos(clip(dot(normalize(a), normalize(b))));
    }

    /**
     * Rotates {@code t̂} by {@code α·θ} toward {@code k̂} (spec §1.3).
     *
     * @param template the template group t (normalised here)
     * @param key the key group k (normalised here)
     * @param alpha the rotation amount α_i (the reference does not clip it; values outside [0, 1] extrapolate
     *     along the same great circle and keep the unit norm)
     * @param sinThetaEpsilon when {@code sin θ < ε} the result is {@code t̂}: the two directions coincide (or are
     *     antipodal) and the quotient is 0/0 (spec §5.5)
     * @return the unit vector p
     */
    public static double[] slerp(double[] template, double[] key, double alpha, double sinThetaEpsilon) {
        double[] t = normalize(template);
        double[] k = normalize(key);
        double theta = Math.acos(clip(dot(t, k)));
        double sinTheta = Math.sin(theta);
        if (sinTheta < sinThetaEpsilon || sinTheta == 0) {
            return t;
        }
        double a = Math.sin((1 - alpha) * theta) / sinTheta;
        double b = Math.sin(alpha * theta) / sinTheta;
        double[] p = new double[t.length];
        for (int j = 0; j < t.length; j++) {
            p[j] = a * t[j] + b * k[j];
        }
        return p;
    }

    /**
     * The analytic inverse of {@link #slerp} for an attacker who knows the key and α (spec §1.9,
     * irreversibility): p lies on the great circle through t̂ and k̂ at angle (1 − α)θ from k̂, so
     * {@code φ = angle(p, k̂)}, {@code θ = φ/(1 − α)} and {@code t̂ = [sin θ · p − sin(αθ) · k̂] / sin((1 − α)θ)}.
     * Exact without dropout; after dropout and renormalisation p is off the circle and the recovery is poor
     * (spec F8).
     *
     * @param rotated the slerped group p (normalised here)
     * @param key the key group (normalised here)
     * @param alpha the rotation amount used
     * @return the recovered unit template direction (p itself when α ≥ 1 or the angle is degenerate)
     */
    public static double[] inverse(double[] rotated, double[] key, double alpha) {
        double[] p = normalize(rotated);
        double[] k = normalize(key);
        if (alpha >= 1) {
            return p;
        }
        double phi = Math.acos(clip(dot(p, k)));
        double theta = phi / (1 - alpha);
        double denominator = Math.sin((1 - alpha) * theta);
        if (Math.abs(denominator) < 1e-12) {
            return p;
        }
        double a = Math.sin(theta) / denominator;
        double b = Math.sin(alpha * theta) / denominator;
        double[] t = new double[p.length];
        for (int j = 0; j < p.length; j++) {
            t[j] = a * p[j] - b * k[j];
        }
        return normalize(t);
    }

    static double clip(double c) {
        return Math.max(-1, Math.min(1, c));
    }
}
