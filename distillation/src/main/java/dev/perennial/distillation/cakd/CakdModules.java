package dev.perennial.distillation.cakd;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import dev.perennial.distillation.assistant.FusionModel;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;

/**
 * Everything {@code cakd} trains (the block it hands the loop): the fusion model's own parts ({@code fusion}),
 * the projection heads g_T, g_S, g_F ({@code proj_teacher}, {@code proj_student}, {@code proj_fusion}, cakd.md
 * §2.1) and one learnable logτ₂ per pair ({@code log_tau_ts}, {@code log_tau_tf}, {@code log_tau_fs}). Only the
 * student is kept for inference: this block is the part dropped at export.
 */
public final class CakdModules extends FixedShapeBlock {
    private final FusionModel fusion;
    private final Linear projTeacher;
    private final Linear projStudent;
    private final Linear projFusion;
    private final Parameter logTauTs;
    private final Parameter logTauTf;
    private final Parameter logTauFs;

    CakdModules(FusionModel fusion, int teacherDim, int studentDim, int fusionDim, int projectionDim,
            double initialTemperature) {
        this.fusion = addChildBlock("fusion", fusion);
        this.projTeacher = addChildBlock("proj_teacher", new Linear(teacherDim, projectionDim, true));
        this.projStudent = addChildBlock("proj_student", new Linear(studentDim, projectionDim, true));
        this.projFusion = addChildBlock("proj_fusion", new Linear(fusionDim, projectionDim, true));
        float logTau = (float) Math.log(initialTemperature);
        this.logTauTs = registerParameter("log_tau_ts", Parameter.Type.OTHER, new ai.djl.ndarray.types.Shape(1),
                new ConstantInitializer(logTau));
        this.logTauTf = registerParameter("log_tau_tf", Parameter.Type.OTHER, new ai.djl.ndarray.types.Shape(1),
                new ConstantInitializer(logTau));
        this.logTauFs = registerParameter("log_tau_fs", Parameter.Type.OTHER, new ai.djl.ndarray.types.Shape(1),
                new ConstantInitializer(logTau));
    }

    /** @return the fusion model */
    public FusionModel fusion() {
        return fusion;
    }

    /** @return g_T */
    public Linear projTeacher() {
        return projTeacher;
    }

    /** @return g_S */
    public Linear projStudent() {
        return projStudent;
    }

    /** @return g_F */
    public Linear projFusion() {
        return projFusion;
    }

    /** @return logτ₂ of the teacher–student pair */
    public Parameter logTauTeacherStudent() {
        return logTauTs;
    }

    /** @return logτ₂ of the teacher–fusion pair */
    public Parameter logTauTeacherFusion() {
        return logTauTf;
    }

    /** @return logτ₂ of the fusion–student pair */
    public Parameter logTauFusionStudent() {
        return logTauFs;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException("cakd modules are run by CakdDistiller.loss, not as one block");
    }
}
