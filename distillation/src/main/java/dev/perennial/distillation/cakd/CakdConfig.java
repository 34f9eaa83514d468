package dev.perennial.distillation.cakd;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perennial.distillation.ModelSpec;
import dev.perennial.distillation.TokenPooling;
import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of {@code cakd}. Every weight, exponent and temperature of cakd.md is here with the spec's
 * default; where the spec marks a value UNVERIFIED the default is the one it proposes (§3) and says so.
 *
 * @param teacher the frozen teacher and its checkpoint
 * @param student a description of the learner's network (shapes of its stage outputs; the model whose stage 4 a
 *     private copy is made of when the student supplies stage 4 and the distiller cannot reach its blocks)
 * @param imageInput the batch input with the images
 * @param studentStageOutput the learner output holding the student's stage-3 output (needed when the student
 *     supplies stages 1–3 of the fusion model: CNN students and homogeneous pairs)
 * @param projectionDim width d of the projection heads g_X
 * @param initialTemperature τ₂ at the start
 * @param learnableTemperature whether logτ₂ is trained
 * @param infoNceSymmetric whether InfoNCE averages both directions
 * @param ofaEps the OFA exponent ε
 * @param ofaTemperature the OFA softmax temperature
 * @param teacherStudentWeight weight of L(K_T, K_S)
 * @param teacherFusionWeight weight of L(K_T, K_F)
 * @param fusionStudentWeight weight of L(K_F, K_S)
 * @param infoNceWeight weight of the InfoNCE part of every pair
 * @param ofaWeight weight of the OFA part of every pair
 * @param fusionCe whether the fusion model gets a cross-entropy term
 * @param fusionCeWeight its weight
 * @param freezeTeacherPartsInFusion whether the teacher's stage 4 inside the fusion model stays frozen
 * @param fusionToStudentGradient {@code student-only} or {@code both}
 * @param ablateTeacherFusionPair drop L(K_T, K_F)
 * @param ablateInfoNce drop every InfoNCE term
 * @param ablateOfa drop every OFA term
 * @param vitPooling {@code mean-tokens} or {@code cls}
 * @param l2gHeads heads of the L2G attention block, 0 = automatic
 * @param infoNceMode {@code in-batch} (default) or {@code memory-bank} (CRD's memory)
 * @param memoryBankSize rows N of each memory bank: one per training sample id
 * @param memoryBankNegatives negatives K drawn from the bank per sample
 * @param memoryBankMomentum μ of the momentum update of stored rows
 * @param warmupSteps optimizer steps over which every cakd term's weight ramps linearly from 0 to 1 (0 = off)
 * @param lossScaling how the cakd terms are scaled: {@code none}, {@code initial} (each term divided by its value at
 *     the first training step) or {@code grad-norm} (each term scaled so that its gradient at its own input has the
 *     norm of the student cross-entropy's gradient at the student's logits)
 * @param allowPointStageMap accept a 1×1 stage-3 map feeding a larger stage-4 grid (its single position repeated)
 */
public record CakdConfig(
        @ConfigDoc("The frozen teacher: architecture, sizes and safetensors checkpoint (empty = random weights).")
        @JsonProperty("teacher") ModelSpec teacher,
        @ConfigDoc("The learner's network as a model description (architecture and sizes); cakd reads its stage "
                + "shapes from it, and builds a private copy of its stage 4 + head when the student supplies them "
                + "(CNN teacher, attention/MLP student).") @JsonProperty("student") ModelSpec student,
        @ConfigDoc("Batch input holding the images (B, C, H, W); default 'image'.")
        @JsonProperty("imageInput") String imageInput,
        @ConfigDoc("Learner output with the student's stage-3 output ((B,C,H,W) map or (B,T,D) tokens), used "
                + "when the student supplies stages 1-3 of the fusion model; default 'stage3'.")
        @JsonProperty("studentStageOutput") String studentStageOutput,
        @ConfigDoc("Width d of the projection heads before InfoNCE, >= 1; default 128 (CRD's; UNVERIFIED).")
        @JsonProperty("projectionDim") int projectionDim,
        @ConfigDoc("Initial InfoNCE temperature tau2 > 0; default 0.07 (CLIP/CRD; UNVERIFIED).")
        @JsonProperty("initialTemperature") double initialTemperature,
        @ConfigDoc("Train log(tau2); default true (the paper: 'tau2 is learnable').")
        @JsonProperty("learnableTemperature") boolean learnableTemperature,
        @ConfigDoc("Average InfoNCE over both directions; default false (UNVERIFIED).")
        @JsonProperty("infoNceSymmetric") boolean infoNceSymmetric,
        @ConfigDoc("OFA modulation exponent eps > 0; default 1 (OFAKD train.py; its ImageNet README uses 1.5).")
        @JsonProperty("ofaEps") double ofaEps,
        @ConfigDoc("OFA softmax temperature > 0; default 1 (OFAKD train.py).")
        @JsonProperty("ofaTemperature") double ofaTemperature,
        @ConfigDoc("Weight of the teacher-student pair, >= 0; default 1 (UNVERIFIED).")
        @JsonProperty("teacherStudentWeight") double teacherStudentWeight,
        @ConfigDoc("Weight of the teacher-fusion pair, >= 0; default 1 (UNVERIFIED).")
        @JsonProperty("teacherFusionWeight") double teacherFusionWeight,
        @ConfigDoc("Weight of the fusion-student pair, >= 0; default 1 (UNVERIFIED).")
        @JsonProperty("fusionStudentWeight") double fusionStudentWeight,
        @ConfigDoc("Weight of the InfoNCE part of each pair, >= 0; default 1.")
        @JsonProperty("infoNceWeight") double infoNceWeight,
        @ConfigDoc("Weight of the OFA part of each pair, >= 0; default 1 (OFAKD ofa loss weight).")
        @JsonProperty("ofaWeight") double ofaWeight,
        @ConfigDoc("Add cross-entropy on the fusion model's logits (term cakd-fusion-ce); default false "
                + "(spec switch fusionCe, UNVERIFIED).") @JsonProperty("fusionCe") boolean fusionCe,
        @ConfigDoc("Weight of the fusion cross-entropy, >= 0; default 1.")
        @JsonProperty("fusionCeWeight") double fusionCeWeight,
        @ConfigDoc("Keep the teacher's stage 4 + head frozen inside the fusion model (shared instances); false "
                + "trains a copy of them instead, since a frozen teacher and a trained shared stage exclude each "
                + "other (cakd.md pitfall 3). Default true (FCFD's choice; UNVERIFIED).")
        @JsonProperty("freezeTeacherPartsInFusion") boolean freezeTeacherPartsInFusion,
        @ConfigDoc("Which model L(K_F, K_S) updates: 'student-only' (default; the fusion side is detached like a "
                + "teacher) or 'both' (UNVERIFIED).") @JsonProperty("fusionToStudentGradient")
        String fusionToStudentGradient,
        @ConfigDoc("Drop the teacher-fusion pair (ablation C); default false.")
        @JsonProperty("ablateTeacherFusionPair") boolean ablateTeacherFusionPair,
        @ConfigDoc("Drop every InfoNCE term (ablation F); default false.")
        @JsonProperty("ablateInfoNce") boolean ablateInfoNce,
        @ConfigDoc("Drop every OFA term (ablation G); default false.") @JsonProperty("ablateOfa") boolean ablateOfa,
        @ConfigDoc("How attention models the distiller runs pool their final tokens: 'mean-tokens' (default: "
                + "global average pooling, the spec's spatial smoothing) or 'cls'.")
        @JsonProperty("vitPooling") String vitPooling,
        @ConfigDoc("Heads of the L2G attention block, >= 0; 0 (default) takes the ViT's heads, or the largest of "
                + "8, 4, 2, 1 dividing the width of an MLP stage 4.") @JsonProperty("l2gHeads") int l2gHeads,
        @ConfigDoc("Where InfoNCE takes its negatives: 'in-batch' (default; the other samples of the batch, "
                + "cakd.md §2.4) or 'memory-bank' (CRD's memory: a stored embedding per training sample, the "
                + "sample's own row as positive, memoryBankNegatives other rows as negatives, momentum updates).")
        @JsonProperty("infoNceMode") String infoNceMode,
        @ConfigDoc("Rows of each memory bank, one per training sample; every data set id must be below it. "
                + "Default 50000 (CIFAR's training set, CRD's n_data). Used only with infoNceMode 'memory-bank'.")
        @JsonProperty("memoryBankSize") int memoryBankSize,
        @ConfigDoc("Negatives drawn from the bank per sample, in [1, memoryBankSize - 1]; default 16384 (CRD's "
                + "nce_k, cakd.md §3).") @JsonProperty("memoryBankNegatives") int memoryBankNegatives,
        @ConfigDoc("Momentum mu of the stored rows, m <- n(mu*m + (1-mu)*v), in [0, 1); default 0.5 (CRD's "
                + "nce_m, cakd.md §3).") @JsonProperty("memoryBankMomentum") double memoryBankMomentum,
        @ConfigDoc("Optimizer steps over which the weight of every cakd term ramps linearly from 0 (step 0) to 1; "
                + "0 (default) = no ramp. Ours (issue 26), not the paper's.") @JsonProperty("warmupSteps")
        int warmupSteps,
        @ConfigDoc("Scaling of the cakd terms: 'initial' (default; each term divided by its own value at the first "
                + "training step, a constant saved with the run), 'none' (the paper's form: terms at their weights) "
                + "or 'grad-norm' (each term rescaled every step so that the norm of its gradient at its own input "
                + "equals that of the student's cross-entropy at the student's logits; in-batch InfoNCE only). "
                + "Ours (issue 26), chosen from the ablation in BENCHMARKS.md.")
        @JsonProperty("lossScaling") String lossScaling,
        @ConfigDoc("Accept a 1x1 stage-3 map (e.g. MobileNetV2 at 16 px) feeding a larger stage-4 grid: the "
                + "projector then repeats that one position over the grid. Default false: such a configuration is "
                + "refused.") @JsonProperty("allowPointStageMap") boolean allowPointStageMap) {

    /** The values of {@code fusionToStudentGradient}. */
    public static final java.util.List<String> GRADIENT_ROUTES = java.util.List.of("student-only", "both");

    /** The values of {@code infoNceMode}. */
    public static final java.util.List<String> INFO_NCE_MODES = java.util.List.of("in-batch", "memory-bank");

    /** The values of {@code lossScaling}. */
    public static final java.util.List<String> LOSS_SCALINGS = java.util.List.of("none", "initial", "grad-norm");

    /** Validates every field; messages name the field and what is accepted. */
    public CakdConfig {
        if (teacher == null || student == null) {
            throw new IllegalArgumentException("cakd config: 'teacher' and 'student' model descriptions are required");
        }
        if (teacher.numClasses() != student.numClasses()) {
            throw new IllegalArgumentException("cakd config: teacher.numClasses (" + teacher.numClasses()
                    + ") and student.numClasses (" + student.numClasses() + ") must be equal");
        }
        if (teacher.imageSize() != student.imageSize() || teacher.inChannels() != student.inChannels()) {
            throw new IllegalArgumentException("cakd config: teacher and student must read the same images; "
                    + "imageSize " + teacher.imageSize() + " vs " + student.imageSize() + ", inChannels "
                    + teacher.inChannels() + " vs " + student.inChannels());
        }
        requireName(imageInput, "imageInput");
        requireName(studentStageOutput, "studentStageOutput");
        if (projectionDim < 1) {
            throw new IllegalArgumentException("cakd config field 'projectionDim' must be >= 1, was " + projectionDim);
        }
        positive(initialTemperature, "initialTemperature");
        positive(ofaEps, "ofaEps");
        positive(ofaTemperature, "ofaTemperature");
        nonNegative(teacherStudentWeight, "teacherStudentWeight");
        nonNegative(teacherFusionWeight, "teacherFusionWeight");
        nonNegative(fusionStudentWeight, "fusionStudentWeight");
        nonNegative(infoNceWeight, "infoNceWeight");
        nonNegative(ofaWeight, "ofaWeight");
        nonNegative(fusionCeWeight, "fusionCeWeight");
        if (!GRADIENT_ROUTES.contains(fusionToStudentGradient)) {
            throw new IllegalArgumentException("cakd config field 'fusionToStudentGradient' is '"
                    + fusionToStudentGradient + "'; accepted: " + GRADIENT_ROUTES);
        }
        TokenPooling.parse(vitPooling, "cakd config field 'vitPooling'");
        if (l2gHeads < 0) {
            throw new IllegalArgumentException("cakd config field 'l2gHeads' must be >= 0 (0 = automatic), was "
                    + l2gHeads);
        }
        if (!INFO_NCE_MODES.contains(infoNceMode)) {
            throw new IllegalArgumentException("cakd config field 'infoNceMode' is '" + infoNceMode + "'; accepted: "
                    + INFO_NCE_MODES);
        }
        if (memoryBankSize < 2) {
            throw new IllegalArgumentException("cakd config field 'memoryBankSize' must be >= 2 (one row per "
                    + "training sample), was " + memoryBankSize);
        }
        if (memoryBankNegatives < 1 || memoryBankNegatives > memoryBankSize - 1) {
            throw new IllegalArgumentException("cakd config field 'memoryBankNegatives' must be in [1, "
                    + "memoryBankSize - 1 = " + (memoryBankSize - 1) + "], was " + memoryBankNegatives);
        }
        if (!(memoryBankMomentum >= 0 && memoryBankMomentum < 1)) {
            throw new IllegalArgumentException("cakd config field 'memoryBankMomentum' must be in [0, 1), was "
                    + memoryBankMomentum);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("cakd config field 'warmupSteps' must be >= 0 (0 = no ramp), was "
                    + warmupSteps);
        }
        if (lossScaling == null) {
            lossScaling = "initial";
        }
        if (!LOSS_SCALINGS.contains(lossScaling)) {
            throw new IllegalArgumentException("cakd config field 'lossScaling' is '" + lossScaling + "'; accepted: "
                    + LOSS_SCALINGS);
        }
        if (lossScaling.equals("grad-norm") && infoNceMode.equals("memory-bank")) {
            throw new IllegalArgumentException("cakd config field 'lossScaling' 'grad-norm' needs infoNceMode "
                    + "'in-batch' (its InfoNCE gradient is written for in-batch negatives)");
        }
        if (ablateInfoNce && ablateOfa && !fusionCe) {
            throw new IllegalArgumentException("cakd config: ablateInfoNce and ablateOfa together leave no loss term;"
                    + " keep one, or set fusionCe");
        }
    }

    private static void requireName(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("cakd config field '" + field + "' must name a batch input or "
                    + "learner output, was empty");
        }
    }

    private static void positive(double v, String field) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("cakd config field '" + field + "' must be a finite number > 0, was "
                    + v);
        }
    }

    private static void nonNegative(double v, String field) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("cakd config field '" + field + "' must be a finite number >= 0, was "
                    + v);
        }
    }

    /**
     * The defaults: a ViT teacher and a ResNet-18 (CIFAR stem) student for 32×32 images and 10 classes, with
     * every loss setting at the spec's default.
     *
     * @return the defaults
     */
    public static CakdConfig defaults() {
        return of(ModelSpec.of("vit", 10, 32), ModelSpec.of("resnet18", 10, 32));
    }

    /**
     * The spec's defaults for a teacher and a student.
     *
     * @param teacher the teacher
     * @param student the student's description
     * @return the configuration
     */
    public static CakdConfig of(ModelSpec teacher, ModelSpec student) {
        return new CakdConfig(teacher, student, "image", "stage3", 128, 0.07, true, false, 1.0, 1.0, 1.0, 1.0, 1.0,
                1.0, 1.0, false, 1.0, true, "student-only", false, false, false, "mean-tokens", 0, "in-batch", 50_000,
                16_384, 0.5, 0, "initial", false);
    }

    /**
     * The pooling.
     *
     * @return the parsed {@link #vitPooling}
     */
    public TokenPooling pooling() {
        return TokenPooling.parse(vitPooling, "cakd config field 'vitPooling'");
    }

    /**
     * A copy with one ablation set.
     *
     * @param teacherFusion drop L(K_T, K_F)
     * @param infoNce drop InfoNCE
     * @param ofa drop OFA
     * @return the copy
     */
    public CakdConfig withAblations(boolean teacherFusion, boolean infoNce, boolean ofa) {
        return new CakdConfig(teacher, student, imageInput, studentStageOutput, projectionDim, initialTemperature,
                learnableTemperature, infoNceSymmetric, ofaEps, ofaTemperature, teacherStudentWeight,
                teacherFusionWeight, fusionStudentWeight, infoNceWeight, ofaWeight, fusionCe, fusionCeWeight,
                freezeTeacherPartsInFusion, fusionToStudentGradient, teacherFusion, infoNce, ofa, vitPooling, l2gHeads,
                infoNceMode, memoryBankSize, memoryBankNegatives, memoryBankMomentum, warmupSteps, lossScaling,
                allowPointStageMap);
    }

    /**
     * A copy with the teacher's fusion parts frozen or trained.
     *
     * @param freeze whether to keep them frozen
     * @return the copy
     */
    public CakdConfig withFreezeTeacherPartsInFusion(boolean freeze) {
        return new CakdConfig(teacher, student, imageInput, studentStageOutput, projectionDim, initialTemperature,
                learnableTemperature, infoNceSymmetric, ofaEps, ofaTemperature, teacherStudentWeight,
                teacherFusionWeight, fusionStudentWeight, infoNceWeight, ofaWeight, fusionCe, fusionCeWeight, freeze,
                fusionToStudentGradient, ablateTeacherFusionPair, ablateInfoNce, ablateOfa, vitPooling, l2gHeads,
                infoNceMode, memoryBankSize, memoryBankNegatives, memoryBankMomentum, warmupSteps, lossScaling,
                allowPointStageMap);
    }

    /**
     * A copy with the memory-bank InfoNCE (or back to in-batch negatives).
     *
     * @param mode {@code in-batch} or {@code memory-bank}
     * @param bankSize rows per bank
     * @param negatives negatives per sample
     * @param momentum μ
     * @return the copy
     */
    public CakdConfig withInfoNceMode(String mode, int bankSize, int negatives, double momentum) {
        return new CakdConfig(teacher, student, imageInput, studentStageOutput, projectionDim, initialTemperature,
                learnableTemperature, infoNceSymmetric, ofaEps, ofaTemperature, teacherStudentWeight,
                teacherFusionWeight, fusionStudentWeight, infoNceWeight, ofaWeight, fusionCe, fusionCeWeight,
                freezeTeacherPartsInFusion, fusionToStudentGradient, ablateTeacherFusionPair, ablateInfoNce, ablateOfa,
                vitPooling, l2gHeads, mode, bankSize, negatives, momentum, warmupSteps, lossScaling,
                allowPointStageMap);
    }

    /**
     * A copy with other loss scaling.
     *
     * @param warmup {@link #warmupSteps}
     * @param scaling {@link #lossScaling}
     * @return the copy
     */
    public CakdConfig withLossScaling(int warmup, String scaling) {
        return new CakdConfig(teacher, student, imageInput, studentStageOutput, projectionDim, initialTemperature,
                learnableTemperature, infoNceSymmetric, ofaEps, ofaTemperature, teacherStudentWeight,
                teacherFusionWeight, fusionStudentWeight, infoNceWeight, ofaWeight, fusionCe, fusionCeWeight,
                freezeTeacherPartsInFusion, fusionToStudentGradient, ablateTeacherFusionPair, ablateInfoNce, ablateOfa,
                vitPooling, l2gHeads, infoNceMode, memoryBankSize, memoryBankNegatives, memoryBankMomentum, warmup,
                scaling, allowPointStageMap);
    }

    /**
     * A copy that accepts (or refuses) a 1×1 stage-3 map.
     *
     * @param allow {@link #allowPointStageMap}
     * @return the copy
     */
    public CakdConfig withAllowPointStageMap(boolean allow) {
        return new CakdConfig(teacher, student, imageInput, studentStageOutput, projectionDim, initialTemperature,
                learnableTemperature, infoNceSymmetric, ofaEps, ofaTemperature, teacherStudentWeight,
                teacherFusionWeight, fusionStudentWeight, infoNceWeight, ofaWeight, fusionCe, fusionCeWeight,
                freezeTeacherPartsInFusion, fusionToStudentGradient, ablateTeacherFusionPair, ablateInfoNce, ablateOfa,
                vitPooling, l2gHeads, infoNceMode, memoryBankSize, memoryBankNegatives, memoryBankMomentum,
                warmupSteps, lossScaling, allow);
    }

    /**
     * Whether InfoNCE draws its negatives from memory banks.
     *
     * @return true for {@code memory-bank}
     */
    public boolean memoryBank() {
        return infoNceMode.equals("memory-bank");
    }
}
